#pragma once
/// Environment variables as a lookup function (tests pass a fake one) and the
/// "${NAME}" expansion config values use so secrets stay out of files.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm {

/// Looks up an environment variable; std::nullopt when unset (or set to "").
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment as an EnvLookup.
EnvLookup ProcessEnvironment();

/// Expands environment references in a config value: "${NAME}" becomes the value of
/// NAME as `env` gives it, "$$" a literal "$"; any other "$" is kept as is. An unset
/// variable, or an unterminated "${", is kInvalidArgument starting with `setting`
/// (e.g. "[storage.azure] key") and naming the variable, never a value.
Result<std::string> ExpandEnvironmentReferences(std::string_view value, std::string_view setting,
                                                const EnvLookup& env);

}  // namespace jsm
