// libFuzzer target for the request target parser of the HTTP server (serve/request_target.h):
// any bytes give a path and parameters or an error with a message, never a crash or a hang; a
// parsed path starts with '/' and nothing decoded holds a NUL. Seeds: corpus/request_target/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "serve/request_target.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  auto parsed = jsm::serve::ParseRequestTarget(target);
  if (!parsed) {
    Require(!parsed.error().message().empty());
    return 0;
  }
  Require(parsed->path.starts_with('/'));
  Require(parsed->path.size() <= size);
  Require(parsed->path.find('\0') == std::string_view::npos);
  for (const auto& [name, value] : parsed->params) {
    Require(name.find('\0') == std::string_view::npos && value.find('\0') == std::string_view::npos);
    Require(name.size() + value.size() <= size);
  }
  return 0;
}
