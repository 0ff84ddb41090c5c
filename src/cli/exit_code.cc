#include "cli/exit_code.h"

namespace jsm::cli {

int ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnsupported:
    // Access refused or no space left: the same command fails again until a person grants
    // access, makes the lakehouse writable or frees space.
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kResourceExhausted:
      return kExitRefused;
    // Not refusals: kNotFound (a topic being created, a file a concurrent OPTIMIZE/VACUUM
    // removed while it was read), kCorruption (a truncated read from an object store decodes
    // as corruption), kDataLoss (the caller decides how to resume), kClientFatal (a fatal Kafka
    // client handle that could not be rebuilt in time: a new process makes a new handle),
    // kInternal, and the transient ones.
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kIoError:
    case ErrorCode::kCorruption:
    case ErrorCode::kConflict:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDataLoss:
    case ErrorCode::kTimeout:
    case ErrorCode::kInternal:
    case ErrorCode::kClientFatal:
      return kExitError;
  }
  return kExitError;
}

int ExitCodeForLookup(const Error& error) {
  return error.code() == ErrorCode::kNotFound ? kExitRefused : ExitCodeFor(error);
}

}  // namespace jsm::cli
