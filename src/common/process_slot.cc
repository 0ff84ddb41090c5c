#include "common/process_slot.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace jsm {
namespace {

/// `name` with every byte outside [A-Za-z0-9._-] as '_', at most 100 bytes.
std::string FileSafe(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 100)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    out.push_back(keep ? c : '_');
  }
  return out.empty() ? std::string("_") : out;
}

Error SlotError(int err, const std::string& what) {
  const ErrorCode code = (err == EACCES || err == EPERM || err == EROFS) ? ErrorCode::kPermissionDenied
                                                                           : ErrorCode::kIoError;
  return Error(code, what + ": " + std::strerror(err));
}

}  // namespace

Result<ProcessSlot> ProcessSlot::Acquire(std::string_view name, int max_slots, std::string directory) {
  if (directory.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    directory = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/jsm-slots-" +
                std::to_string(::geteuid());
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::unexpected(SlotError(errno, "cannot create the process slot directory " + directory));
  }
  const std::string base = directory + "/" + FileSafe(name) + ".";
  for (int slot = 0; slot < max_slots; ++slot) {
    const std::string path = base + std::to_string(slot) + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return std::unexpected(SlotError(errno, "cannot open the process slot file " + path));
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return ProcessSlot(fd, slot);
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return std::unexpected(SlotError(err, "cannot lock the process slot file " + path));
  }
  return MakeError(ErrorCode::kResourceExhausted, "all " + std::to_string(max_slots) + " process slots of '" +
                                                      std::string(name) + "' under " + directory + " are held");
}

std::string HostName() {
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return FileSafe(name);
}

ProcessSlot::ProcessSlot(ProcessSlot&& other) noexcept : fd_(other.fd_), number_(other.number_) {
  other.fd_ = -1;
  other.number_ = -1;
}

ProcessSlot& ProcessSlot::operator=(ProcessSlot&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    number_ = other.number_;
    other.fd_ = -1;
    other.number_ = -1;
  }
  return *this;
}

ProcessSlot::~ProcessSlot() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace jsm
