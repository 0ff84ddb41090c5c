#include "delta/log_line_check.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(CheckLogText, WellFormedLinesPass) {
  EXPECT_TRUE(CheckLogText("{\"commitInfo\":{}}\n{\"add\":{\"path\":\"caf\xc3\xa9\"}}\n", "t", 3));
  EXPECT_TRUE(CheckLogText("", "t", 3));
}

TEST(CheckLogText, ALineThatIsNotUtf8NamesTableVersionLineAndAction) {
  Status status = CheckLogText("{\"commitInfo\":{}}\n{\"add\":{\"stats\":\"\xff\xfe\"}}\n", "bronze/pedidos", 7);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  EXPECT_NE(status.error().message().find("table bronze/pedidos version 7 line 2 (action 'add')"), std::string::npos)
      << status.error().message();
  EXPECT_NE(status.error().message().find("not valid UTF-8"), std::string::npos);
}

TEST(CheckLogText, ALineThatDoesNotParseOrIsNotAnObjectIsRefused) {
  Status truncated = CheckLogText("{\"add\":{\"path\":\"a\"}\n", "t", 1);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message().find("does not parse back as JSON"), std::string::npos)
      << truncated.error().message();
  Status array = CheckLogText("[1,2]\n", "t", 1);
  ASSERT_FALSE(array);
  EXPECT_NE(array.error().message().find("not a JSON object"), std::string::npos) << array.error().message();
}

TEST(CheckLogString, RefusesInvalidUtf8AndWhenAskedNonJson) {
  EXPECT_TRUE(CheckLogString("plain", "x"));
  EXPECT_FALSE(CheckLogString("\x80", "x"));
  EXPECT_TRUE(CheckLogString("{\"numRecords\":1}", "x", true));
  Status status = CheckLogString("{\"numRecords\":", "the stats of add a.parquet", true);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("the stats of add a.parquet"), std::string::npos);
}

}  // namespace
}  // namespace jsm::delta
