#include "common/environment.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace jsm {
namespace {

EnvLookup Only(std::string name, std::string value) {
  return [=](std::string_view asked) -> std::optional<std::string> {
    if (asked == name) return value;
    return std::nullopt;
  };
}

TEST(Environment, ExpandsReferencesDollarsAndLeavesOtherText) {
  const EnvLookup env = Only("SECRET", "s3cr3t");
  EXPECT_EQ(*ExpandEnvironmentReferences("a${SECRET}b", "x", env), "as3cr3tb");
  EXPECT_EQ(*ExpandEnvironmentReferences("price $5, $$ and $", "x", env), "price $5, $ and $");
  EXPECT_EQ(*ExpandEnvironmentReferences("$${SECRET}", "x", env), "${SECRET}");
  EXPECT_EQ(*ExpandEnvironmentReferences("", "x", env), "");
}

TEST(Environment, UnsetAndUnterminatedReferencesNameTheSettingNeverAValue) {
  const EnvLookup env = Only("SECRET", "s3cr3t");
  auto unset = ExpandEnvironmentReferences("${SECRET}${MISSING}", "[storage.azure] key", env);
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unset.error().message().find("[storage.azure] key"), std::string::npos);
  EXPECT_NE(unset.error().message().find("MISSING"), std::string::npos);
  EXPECT_EQ(unset.error().message().find("s3cr3t"), std::string::npos);
  auto open = ExpandEnvironmentReferences("${SECRET", "k", env);
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message().find("closing"), std::string::npos);
  EXPECT_FALSE(ExpandEnvironmentReferences("${}", "k", env));
}

TEST(Environment, ProcessEnvironmentTreatsEmptyAsUnset) {
  ::setenv("JSM_ENV_TEST_VALUE", "v", 1);
  ::setenv("JSM_ENV_TEST_EMPTY", "", 1);
  ::unsetenv("JSM_ENV_TEST_UNSET");
  const EnvLookup env = ProcessEnvironment();
  EXPECT_EQ(env("JSM_ENV_TEST_VALUE"), std::optional<std::string>("v"));
  EXPECT_EQ(env("JSM_ENV_TEST_EMPTY"), std::nullopt);
  EXPECT_EQ(env("JSM_ENV_TEST_UNSET"), std::nullopt);
}

}  // namespace
}  // namespace jsm
