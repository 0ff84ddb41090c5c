#pragma once
/// The engineInfo we write into commitInfo actions.

#include <string_view>

#ifndef JSM_VERSION
#define JSM_VERSION "unknown"
#endif

namespace jsm::delta {

/// "jsm-pipeline/<version>".
inline constexpr std::string_view kEngineInfo = "jsm-pipeline/" JSM_VERSION;

}  // namespace jsm::delta
