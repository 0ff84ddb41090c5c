// A CLI11 check for options that take a number >= 0. CLI::NonNegativeNumber is a Range up to the
// largest double, and its message prints that maximum in full (309 digits).

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/commands.h"

namespace jsm::cli {

CLI::Validator NonNegativeNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        errno = 0;
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
          return "'" + text + "' is not a number";
        }
        if (value < 0) return "must be 0 or more, got " + text;
        return "";
      },
      "NUMBER >= 0", "NON_NEGATIVE");
}

}  // namespace jsm::cli
