#include "model/normalization_file.h"

#include <gtest/gtest.h>

namespace jsm::model {
namespace {

TEST(NormalizationFile, SkipsCommentsAndBlankLinesAndChecksTheHeader) {
  auto lines = SplitDataLines("t.csv", "# about\n\na , b\n x, y \r\n# more\nz,w,with,commas\n", "a,b", 2);
  ASSERT_TRUE(lines) << lines.error().message();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].line, 4);
  EXPECT_EQ((*lines)[0].fields[0], "x");
  EXPECT_EQ((*lines)[0].fields[1], "y");
  EXPECT_EQ((*lines)[1].line, 6);
  EXPECT_EQ((*lines)[1].fields[1], "w,with,commas");  // the last field takes the rest
}

TEST(NormalizationFile, WrongHeaderNamesItsLine) {
  auto lines = SplitDataLines("t.csv", "# c\nalias,code\n", "alias,name,code", 3);
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().message(), "t.csv:2: expected the header 'alias,name,code', got 'alias,code'");
}

TEST(NormalizationFile, MissingHeaderIsAnError) {
  auto lines = SplitDataLines("t.csv", "# only a comment\n", "a,b", 2);
  ASSERT_FALSE(lines);
  EXPECT_NE(lines.error().message().find("header 'a,b' is missing"), std::string::npos);
}

TEST(NormalizationFile, TooFewFieldsNamesTheLine) {
  auto lines = SplitDataLines("t.csv", "a,b,c\n1,2,3\nonly,two\n", "a,b,c", 3);
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().message().substr(0, 8), "t.csv:3:");
}

TEST(NormalizationFile, ReadDataFileReportsAMissingFile) {
  std::string text;
  auto status = ReadDataFile("/nonexistent/jsm/file.csv", &text);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(status.error().message().find("/nonexistent/jsm/file.csv"), std::string::npos);
}

}  // namespace
}  // namespace jsm::model
