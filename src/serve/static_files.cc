#include "serve/static_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace jsm::serve {

bool IsSafeStaticPath(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/' || url_path.size() > 256) return false;
  std::string_view rest = url_path.substr(1);
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) return true;
    rest = rest.substr(slash + 1);
  }
}

std::string_view ContentTypeFor(std::string_view file_name) {
  struct Entry {
    std::string_view extension, type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},        {".json", "application/json"},
      {".map", "application/json"},               {".svg", "image/svg+xml"},
      {".png", "image/png"},                      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},      {".woff2", "font/woff2"},
  };
  for (const Entry& entry : kTypes) {
    if (file_name.ends_with(entry.extension)) return entry.type;
  }
  return "application/octet-stream";
}

std::optional<StaticFile> StaticFiles::Find(std::string_view url_path) const {
  if (!enabled()) return std::nullopt;
  if (url_path == "/") url_path = "/index.html";
  if (!IsSafeStaticPath(url_path)) return std::nullopt;
  const std::filesystem::path path = std::filesystem::path(root_) / std::string(url_path.substr(1));
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  StaticFile file;
  file.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  file.content_type = std::string(ContentTypeFor(url_path));
  return file;
}

}  // namespace jsm::serve
