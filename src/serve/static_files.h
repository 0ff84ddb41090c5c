#pragma once
/// The dashboard's built assets (web/dashboard/dist) served from a directory:
/// "/" is index.html; only plain relative names are opened (no traversal).

#include <optional>
#include <string>
#include <string_view>

namespace jsm::serve {

/// A file to send: its bytes and Content-Type.
struct StaticFile {
  std::string body;
  std::string content_type;
};

/// Serves files under one root directory. Immutable, so thread-safe.
class StaticFiles {
 public:
  /// `root` empty = serves nothing.
  explicit StaticFiles(std::string root = "") : root_(std::move(root)) {}

  /// True when a root directory was given.
  bool enabled() const { return !root_.empty(); }
  /// The root directory.
  const std::string& root() const { return root_; }

  /// The file for a URL path ("/" = "/index.html"), or nullopt when the path is unsafe
  /// (a segment that is empty, starts with '.', or has characters outside [A-Za-z0-9._-]),
  /// longer than 256 characters, or names no regular file under the root.
  std::optional<StaticFile> Find(std::string_view url_path) const;

 private:
  std::string root_;
};

/// True when `url_path` is a safe relative file path as Find() requires.
bool IsSafeStaticPath(std::string_view url_path);

/// The Content-Type for a file name by its extension (application/octet-stream when unknown).
std::string_view ContentTypeFor(std::string_view file_name);

}  // namespace jsm::serve
