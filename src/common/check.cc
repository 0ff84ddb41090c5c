#include "common/check.h"

namespace jsm::internal {

void CheckFailed(const char* file, int line, const char* expr, const std::string& detail) {
  std::fprintf(stderr, "JSM_CHECK failed at %s:%d: %s %s\n", file, line, expr, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace jsm::internal
