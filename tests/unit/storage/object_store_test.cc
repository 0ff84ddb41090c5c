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
  auto store = OpenStore("abfss://container@account.dfs.core.windows.net/lake");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message().find("'abfss'"), std::string::npos) << store.error().message();
}

TEST(OpenStore, EmptyUriIsInvalid) {
  auto store = OpenStore("");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace jsm::storage
