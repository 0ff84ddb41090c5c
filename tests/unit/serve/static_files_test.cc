#include "serve/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "unit/storage/temp_dir.h"

namespace jsm::serve {
namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(StaticFilesTest, SafePaths) {
  EXPECT_TRUE(IsSafeStaticPath("/index.html"));
  EXPECT_TRUE(IsSafeStaticPath("/assets/app-1.2_x.js"));
  EXPECT_FALSE(IsSafeStaticPath(""));
  EXPECT_FALSE(IsSafeStaticPath("index.html"));
  EXPECT_FALSE(IsSafeStaticPath("/"));
  EXPECT_FALSE(IsSafeStaticPath("/../secret"));
  EXPECT_FALSE(IsSafeStaticPath("/a/../../b"));
  EXPECT_FALSE(IsSafeStaticPath("/.git/config"));
  EXPECT_FALSE(IsSafeStaticPath("/a//b"));
  EXPECT_FALSE(IsSafeStaticPath("/a/"));
  EXPECT_FALSE(IsSafeStaticPath("/a\\b"));
  EXPECT_FALSE(IsSafeStaticPath("/a%2e%2e"));
  EXPECT_FALSE(IsSafeStaticPath("/" + std::string(300, 'a')));
}

TEST(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/blob"), "application/octet-stream");
}

TEST(StaticFilesTest, ServesFilesUnderTheRootOnly) {
  jsm::testing::TempDir dir;
  const std::filesystem::path root = std::filesystem::path(dir.path()) / "dist";
  Write(root / "index.html", "<!doctype html>");
  Write(root / "js" / "app.js", std::string("a\0b", 3));
  Write(std::filesystem::path(dir.path()) / "secret.txt", "no");
  StaticFiles files(root.string());
  ASSERT_TRUE(files.enabled());
  auto index = files.Find("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<!doctype html>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto app = files.Find("/js/app.js");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->body, std::string("a\0b", 3));  // bytes as they are
  EXPECT_FALSE(files.Find("/../secret.txt"));
  EXPECT_FALSE(files.Find("/js"));  // a directory is not a file
  EXPECT_FALSE(files.Find("/missing.js"));
  EXPECT_FALSE(StaticFiles().Find("/"));
}

}  // namespace
}  // namespace jsm::serve
