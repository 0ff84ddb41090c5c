// Commands that only read a lakehouse (or change tables already in it) check that it is there
// before they open its store: opening a local store creates its directory, so a typo would
// otherwise make an empty lakehouse and report "nothing found" with exit 0.

#include <filesystem>

#include "cli/commands.h"

namespace jsm::cli {

Status CheckLakehouseExists(const std::string& lakehouse) {
  constexpr std::string_view kFileScheme = "file://";
  std::string path = lakehouse;
  if (path.starts_with(kFileScheme)) {
    path.erase(0, kFileScheme.size());
    if (path.starts_with("localhost/")) path.erase(0, std::string_view("localhost").size());
  } else if (path.find("://") != std::string::npos) {
    return Status::Ok();  // an object-store URI: checked when its tables are read
  }
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return MakeError(ErrorCode::kNotFound, "no lakehouse at " + lakehouse + ": no such directory");
  }
  if (error) return MakeError(ErrorCode::kIoError, "cannot look at lakehouse " + lakehouse + ": " + error.message());
  if (status.type() != std::filesystem::file_type::directory) {
    return MakeError(ErrorCode::kInvalidArgument, "lakehouse " + lakehouse + " is not a directory");
  }
  return Status::Ok();
}

}  // namespace jsm::cli
