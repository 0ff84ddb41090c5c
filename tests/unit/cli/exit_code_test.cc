#include "cli/exit_code.h"

#include <gtest/gtest.h>

namespace jsm::cli {
namespace {

int For(ErrorCode code) { return ExitCodeFor(Error(code, "x")); }

TEST(ExitCode, DeterministicRefusalsExitWithFour) {
  EXPECT_EQ(kExitRefused, 4);
  EXPECT_EQ(For(ErrorCode::kInvalidArgument), kExitRefused);
  EXPECT_EQ(For(ErrorCode::kUnsupported), kExitRefused);
}

TEST(ExitCode, AccessRefusedAndFullStorageAreRefusals) {
  EXPECT_EQ(For(ErrorCode::kPermissionDenied), kExitRefused);
  EXPECT_EQ(For(ErrorCode::kResourceExhausted), kExitRefused);
}

TEST(ExitCode, ErrorsARetryMayFixExitWithOne) {
  for (ErrorCode code : {ErrorCode::kNotFound, ErrorCode::kAlreadyExists, ErrorCode::kIoError, ErrorCode::kCorruption,
                         ErrorCode::kConflict, ErrorCode::kUnavailable, ErrorCode::kDataLoss, ErrorCode::kTimeout,
                         ErrorCode::kInternal, ErrorCode::kClientFatal}) {
    EXPECT_EQ(For(code), kExitError) << ErrorCodeName(code);
  }
}

TEST(ExitCode, WhatALookupDoesNotFindIsARefusal) {
  EXPECT_EQ(ExitCodeForLookup(Error(ErrorCode::kNotFound, "no Delta table at gold/nope")), kExitRefused);
  EXPECT_EQ(ExitCodeForLookup(Error(ErrorCode::kInvalidArgument, "x")), kExitRefused);
  for (ErrorCode code : {ErrorCode::kIoError, ErrorCode::kCorruption, ErrorCode::kUnavailable, ErrorCode::kTimeout}) {
    EXPECT_EQ(ExitCodeForLookup(Error(code, "x")), kExitError) << ErrorCodeName(code);
  }
}

TEST(ExitCode, RefusalCodeDiffersFromTheOtherExitCodes) {
  for (int other : {kExitOk, kExitError, kExitUsage, kExitUnbalanced}) EXPECT_NE(other, kExitRefused);
}

}  // namespace
}  // namespace jsm::cli
