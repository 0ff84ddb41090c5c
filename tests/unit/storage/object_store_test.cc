#include "storage/object_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/storage/temp_dir.h"

namespace jsm::storage {
namespace {

TEST(OpenStore, LocalPathOpensADirectoryStore) {
  testing::TempDir dir;
  auto store = OpenStore(dir.path() + "/lake");
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->Put("k", "v"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/lake/k"));
}

TEST(OpenStore, FileUriOpensTheSameDirectory) {
  testing::TempDir dir;
  auto store = OpenStore("file://" + dir.path() + "/lake");
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ((*store)->Describe(), dir.path() + "/lake");
}

TEST(OpenStore, OtherSchemesAreUnsupportedNamingTheScheme) {
  auto store = OpenStore("s3://bucket/lake");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message().find("'s3'"), std::string::npos) << store.error().message();
}

TEST(OpenStore, AzureUriWithoutCredentialsSaysWhichVariablesToSet) {
  for (const char* name : {"AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME"}) {
    ::unsetenv(name);
  }
  auto store = OpenStore("az://lakehouse/jsm");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(store.error().message().find("AZURE_STORAGE_CONNECTION_STRING"), std::string::npos)
      << store.error().message();
}

TEST(OpenStore, MalformedAzureUriIsInvalid) {
  auto store = OpenStore("abfss://container/no-account");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
}

TEST(OpenStore, EmptyUriIsInvalid) {
  auto store = OpenStore("");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jsm::storage
