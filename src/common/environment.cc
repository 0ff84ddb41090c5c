#include "common/environment.h"

#include <cstdlib>

namespace jsm {

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ExpandEnvironmentReferences(std::string_view value, std::string_view setting,
                                                const EnvLookup& env) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '$' || i + 1 >= value.size()) {
      out += value[i];
      continue;
    }
    if (value[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (value[i + 1] != '{') {
      out += value[i];
      continue;
    }
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(setting) + ": '${' without a closing '}'");
    }
    const std::string name(value.substr(i + 2, close - i - 2));
    const std::optional<std::string> found = name.empty() ? std::nullopt : env(name);
    if (!found) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(setting) + " refers to environment variable '" +
                                                        name + "', which is not set");
    }
    out += *found;
    i = close;
  }
  return out;
}

}  // namespace jsm
