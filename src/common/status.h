#pragma once
/// Expected failures as values: Error, Result<T> and Status, plus the macros that
/// propagate them. No exceptions cross a module boundary.

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace jsm {

/// What kind of failure happened; callers branch on this, people read the message.
enum class ErrorCode {
  kInvalidArgument,  ///< caller passed something unusable (bad flag, bad config value)
  kNotFound,         ///< a file, table, topic or key that should exist does not
  kAlreadyExists,    ///< put-if-absent found the object already there
  kIoError,          ///< the operating system or a library refused an I/O
  kCorruption,       ///< stored bytes do not decode (Parquet, Delta log)
  kConflict,         ///< a concurrent writer made our commit impossible
  kUnavailable,      ///< transient: broker or storage not reachable, retry later
  kUnsupported,      ///< a feature we do not implement
  kDataLoss,         ///< data we needed is gone (e.g. broker retention passed our offset)
  kTimeout,          ///< an operation did not finish within its deadline
  kInternal,         ///< a bug of ours
  kPermissionDenied, ///< the OS or a service refused access (EACCES, EPERM, EROFS, HTTP 403): a person must act
  kResourceExhausted,///< no space left (ENOSPC, EDQUOT): a person must free space or grow the volume
  kClientFatal,      ///< a client handle can never work again (librdkafka fatal error, fenced instance): rebuild it
};

/// Short machine name of an error code, e.g. "not_found".
std::string_view ErrorCodeName(ErrorCode code);

/// An error: a code and a message that says what and where.
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "<code>: <message>".
  std::string ToString() const;
  /// Returns a copy whose message is prefixed with `context: `.
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

/// A value or an Error. Must not be ignored.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};

/// Success or an Error. Must not be ignored.
class [[nodiscard]] Status : public std::expected<void, Error> {
 public:
  using std::expected<void, Error>::expected;
  Status(const std::expected<void, Error>& e) : std::expected<void, Error>(e) {}
  static Status Ok() { return Status(); }
};

/// Builds an unexpected Error to return from a function returning Result or Status.
inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

}  // namespace jsm

#define JSM_CONCAT_INNER(a, b) a##b
#define JSM_CONCAT(a, b) JSM_CONCAT_INNER(a, b)

/// Returns the error of `expr` (a Status or Result) from the enclosing function.
#define JSM_RETURN_IF_ERROR(expr)                                   \
  do {                                                              \
    auto&& _jsm_status = (expr);                                    \
    if (!_jsm_status) return std::unexpected(_jsm_status.error());  \
  } while (0)

/// Evaluates `expr` (a Result); on error returns it, else moves the value into `lhs`.
#define JSM_ASSIGN_OR_RETURN(lhs, expr) \
  JSM_ASSIGN_OR_RETURN_IMPL(JSM_CONCAT(_jsm_result_, __LINE__), lhs, expr)
#define JSM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)         \
  auto tmp = (expr);                                      \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
