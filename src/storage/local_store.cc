#include "storage/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "common/logging.h"

namespace jsm::storage {
namespace {

/// Names of our temporary files start with this; List() never returns them.
constexpr std::string_view kTempPrefix = ".jsm-tmp.";

Error ErrnoError(int err, std::string_view what, std::string_view path) {
  const ErrorCode code = ErrnoCode(err);
  return Error(code, std::string(what) + " " + std::string(path) + ": " + std::strerror(err));
}

std::string_view DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// mkdir -p.
Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return MakeError(ErrorCode::kInvalidArgument, "cannot create directory " + dir + ": a file of that name exists");
  }
  const std::string_view parent = DirName(dir);
  if (parent != dir && parent != "." && parent != "/") JSM_RETURN_IF_ERROR(MakeDirs(std::string(parent)));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return std::unexpected(ErrnoError(errno, "cannot create directory", dir));
  }
  return Status::Ok();
}

std::string TempSuffix() {
  static const uint64_t process_salt = [] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }();
  static std::atomic<uint64_t> counter{0};
  char buf[64];
  std::snprintf(buf, sizeof(buf), ".%d.%016llx.%llu", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(process_salt),
                static_cast<unsigned long long>(counter.fetch_add(1, std::memory_order_relaxed)));
  return buf;
}

Status FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(ErrnoError(errno, "cannot open directory", dir));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return std::unexpected(ErrnoError(err, "cannot fsync directory", dir));
  return Status::Ok();
}

/// Writes `data` to a new temporary file beside `full_path` and fsyncs it; returns its path.
Result<std::string> WriteTempFile(const std::string& full_path, std::string_view data) {
  const std::string dir(DirName(full_path));
  JSM_RETURN_IF_ERROR(MakeDirs(dir));
  std::string temp = dir + "/" + std::string(kTempPrefix) + std::string(BaseName(full_path)) + TempSuffix();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(ErrnoError(errno, "cannot create temporary file", temp));
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return std::unexpected(ErrnoError(err, "cannot write", temp));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return std::unexpected(ErrnoError(err, "cannot fsync", temp));
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return std::unexpected(ErrnoError(err, "cannot close", temp));
  }
  return temp;
}

int64_t ModifiedMillis(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

/// Appends the regular files under `dir` (full path) whose key starts with `prefix`.
Status ListDir(const std::string& dir, const std::string& key_dir, std::string_view prefix,
               std::vector<ObjectInfo>* out) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return std::unexpected(ErrnoError(errno, "cannot list directory", dir));
  }
  Status status = Status::Ok();
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(handle);
    if (entry == nullptr) {
      if (errno != 0) status = std::unexpected(ErrnoError(errno, "cannot list directory", dir));
      break;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == ".." || name.starts_with(kTempPrefix)) continue;
    const std::string key = key_dir + std::string(name);
    // Skip whole subtrees that cannot hold a matching key.
    const size_t common = std::min(key.size(), prefix.size());
    if (key.compare(0, common, prefix.substr(0, common)) != 0) continue;
    const std::string full = dir + "/" + std::string(name);
    struct stat st;
    if (::stat(full.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed while we listed
      status = std::unexpected(ErrnoError(errno, "cannot stat", full));
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      status = ListDir(full, key + "/", prefix, out);
      if (!status) break;
    } else if (S_ISREG(st.st_mode) && key.starts_with(prefix)) {
      out->push_back(ObjectInfo{key, static_cast<int64_t>(st.st_size), ModifiedMillis(st)});
    }
  }
  ::closedir(handle);
  return status;
}

}  // namespace

ErrorCode ErrnoCode(int err) {
  // What a retry cannot fix (access refused, a read-only file system, no space left) is
  // not an io_error, which retry loops take as transient.
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
    case EROFS:
      return ErrorCode::kPermissionDenied;
    case ENOSPC:
    case EDQUOT:
      return ErrorCode::kResourceExhausted;
    default:
      return ErrorCode::kIoError;
  }
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(std::string root) {
  if (root.empty()) return MakeError(ErrorCode::kInvalidArgument, "local store root is empty");
  // Absolute, so that messages name the full path and a later chdir changes nothing.
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(root, error);
  if (error) return MakeError(ErrorCode::kIoError, "cannot resolve directory " + root + ": " + error.message());
  root = absolute.lexically_normal().string();
  while (root.size() > 1 && root.ends_with('/')) root.pop_back();
  JSM_RETURN_IF_ERROR(MakeDirs(root));
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(root)));
}

namespace {

/// An flock held on an open file; closing the descriptor releases it.
class LocalLease : public StoreLease {
 public:
  explicit LocalLease(int fd) : fd_(fd) {}
  ~LocalLease() override { ::close(fd_); }
  Status Renew() override { return Status::Ok(); }
  int term_s() const override { return 0; }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<StoreLease>> LocalStore::TryLease(std::string_view path, std::string_view holder) {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  const std::string full = FullPath(path);
  JSM_RETURN_IF_ERROR(MakeDirs(std::string(DirName(full))));
  const int fd = ::open(full.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(ErrnoError(errno, "cannot open lease file", full));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string current(512, '\0');
    const ssize_t n = ::pread(fd, current.data(), current.size(), 0);
    current.resize(n > 0 ? static_cast<size_t>(n) : 0);
    while (!current.empty() && (current.back() == '\n' || current.back() == '\0')) current.pop_back();
    ::close(fd);
    if (err != EWOULDBLOCK) return std::unexpected(ErrnoError(err, "cannot lock lease file", full));
    return MakeError(ErrorCode::kAlreadyExists,
                     full + " is held by another process" + (current.empty() ? "" : " (" + current + ")"));
  }
  // Who holds it, for the next one to ask (best effort: the lock is what counts).
  const std::string note = std::string(holder) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, note.data(), note.size(), 0) < 0) {
    Log().debug(R"("cannot note the lease holder","path":"{}")", full);
  }
  return std::unique_ptr<StoreLease>(std::make_unique<LocalLease>(fd));
}

std::string LocalStore::FullPath(std::string_view path) const {
  if (root_ == "/") return "/" + std::string(path);
  return root_ + "/" + std::string(path);
}

Result<std::string> LocalStore::Get(std::string_view path) {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  const std::string full = FullPath(path);
  const int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(ErrnoError(errno, "cannot open", full));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return std::unexpected(ErrnoError(err, "cannot stat", full));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kIoError, "cannot read " + full + ": not a regular file");
  }
  std::string data;
  // One spare byte lets the read that sees end-of-file fit without a reallocation.
  data.resize(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  while (true) {
    if (got == data.size()) data.resize(data.size() * 2);  // the file grew while we read
    const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return std::unexpected(ErrnoError(err, "cannot read", full));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(got);
  return data;
}

Status LocalStore::Put(std::string_view path, std::string_view data) {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  const std::string full = FullPath(path);
  JSM_ASSIGN_OR_RETURN(const std::string temp, WriteTempFile(full, data));
  if (::rename(temp.c_str(), full.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return std::unexpected(ErrnoError(err, "cannot rename temporary file to", full));
  }
  return FsyncDir(std::string(DirName(full)));
}

Status LocalStore::PutIfAbsent(std::string_view path, std::string_view data) {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  const std::string full = FullPath(path);
  JSM_ASSIGN_OR_RETURN(const std::string temp, WriteTempFile(full, data));
  // link(2) fails with EEXIST when the target exists, atomically: of two racing
  // writers exactly one creates the object.
  const int rc = ::link(temp.c_str(), full.c_str());
  const int err = errno;
  ::unlink(temp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return MakeError(ErrorCode::kAlreadyExists, "object " + full + " already exists");
    return std::unexpected(ErrnoError(err, "cannot link temporary file to", full));
  }
  return FsyncDir(std::string(DirName(full)));
}

Result<std::vector<ObjectInfo>> LocalStore::List(std::string_view prefix) {
  if (prefix.starts_with('/')) {
    return MakeError(ErrorCode::kInvalidArgument, "list prefix '" + std::string(prefix) + "' must be relative");
  }
  const size_t slash = prefix.rfind('/');
  const std::string key_dir = slash == std::string_view::npos ? "" : std::string(prefix.substr(0, slash + 1));
  const std::string dir = key_dir.empty() ? root_ : FullPath(std::string_view(key_dir).substr(0, key_dir.size() - 1));
  std::vector<ObjectInfo> out;
  JSM_RETURN_IF_ERROR(ListDir(dir, key_dir, prefix, &out));
  std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.path < b.path; });
  return out;
}

Status LocalStore::Delete(std::string_view path) {
  JSM_RETURN_IF_ERROR(CheckObjectKey(path));
  const std::string full = FullPath(path);
  if (::unlink(full.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return std::unexpected(ErrnoError(errno, "cannot delete", full));
  }
  return Status::Ok();
}

}  // namespace jsm::storage
