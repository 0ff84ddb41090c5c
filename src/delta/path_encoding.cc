#include "delta/path_encoding.h"

namespace jsm::delta {
namespace {

bool IsSafe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~' || c == '/' || c == '=';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EncodePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (IsSafe(byte)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

Result<std::string> DecodePath(std::string_view uri_path) {
  std::string out;
  out.reserve(uri_path.size());
  for (size_t i = 0; i < uri_path.size(); ++i) {
    if (uri_path[i] != '%') {
      out.push_back(uri_path[i]);
      continue;
    }
    const bool complete = i + 2 < uri_path.size();
    const int high = complete ? HexValue(uri_path[i + 1]) : -1;
    const int low = complete ? HexValue(uri_path[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return MakeError(ErrorCode::kCorruption, "malformed %-escape in file path '" + std::string(uri_path) + "'");
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

}  // namespace jsm::delta
