#pragma once
/// Exit codes of `jsm`, and which errors are refusals that a retry cannot fix.

#include "common/status.h"

namespace jsm::cli {

/// Exit codes of `jsm` (README "Exit codes", `jsm --help`). Orchestrators retry 1 and
/// fail at once on 2 and 4 (see docs/airflow.md, "Which failures are retried").
enum ExitCode {
  kExitOk = 0,
  kExitError = 1,       ///< a failure that may pass on a retry (broker or storage down, conflict, timeout...)
  kExitUsage = 2,       ///< bad command line or settings file; nothing was run
  kExitUnbalanced = 3,  ///< the books do not balance, or a quality threshold was missed
  kExitRefused = 4,     ///< refused, nothing (more) written: the same command fails the same way until a person acts
};

/// The exit code of a command that failed with `error`: kExitRefused for the error codes that
/// are deterministic for the same arguments and lakehouse (kInvalidArgument: a bad value, a rebuild
/// version that cannot be rebuilt from, Kafka authentication/authorization refused, a `fail`
/// expectation; kUnsupported: a feature or format we do not implement; kPermissionDenied and
/// kResourceExhausted: access refused, read-only or full storage), kExitError otherwise.
int ExitCodeFor(const Error& error);

/// The exit code of a command that failed to find what it was told to look at: a table, a table
/// version or a lakehouse (`jsm table`, `jsm quality`, `jsm erase`, `jsm serve`). kNotFound there
/// is a refusal (kExitRefused): the same arguments look in the same place again. Else ExitCodeFor.
/// Not for `jsm run`, whose kNotFound may be a topic being created or a file a concurrent
/// maintenance removed.
int ExitCodeForLookup(const Error& error);

}  // namespace jsm::cli
