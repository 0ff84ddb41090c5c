#include "pipeline/bronze_headers.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

using kafka::HeaderView;

TEST(BronzeHeaders, WritesAJsonArrayInOrderWithRepeatsAndNulls) {
  const std::vector<HeaderView> headers = {
      {"dlq.attempts", "2", true}, {"trace", "", false}, {"dlq.attempts", "3", true}, {"empty", "", true}};
  std::string json;
  AppendHeadersJson(headers, &json);
  EXPECT_EQ(json,
            R"([{"key":"dlq.attempts","value":"2"},{"key":"trace","value":null},)"
            R"({"key":"dlq.attempts","value":"3"},{"key":"empty","value":""}])");
  std::vector<bool> nulls;
  auto parsed = ParseHeadersJson(json, &nulls);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].name, "dlq.attempts");
  EXPECT_EQ((*parsed)[0].value, "2");
  EXPECT_EQ((*parsed)[2].value, "3");
  EXPECT_EQ(nulls, (std::vector<bool>{false, true, false, false}));
}

TEST(BronzeHeaders, EscapesAndBinaryValuesRoundTripByteForByte) {
  const std::string quoted = "a \"quoted\" back\\slash\nnew line\x01 and caf\xc3\xa9";
  const std::string binary("\xff\x00\xfe bytes", 9);
  const std::string binary_name("k\xff", 2);
  const std::vector<HeaderView> headers = {{"text", quoted, true}, {"bin", binary, true}, {binary_name, "v", true}};
  std::string json;
  AppendHeadersJson(headers, &json);
  EXPECT_NE(json.find(R"("value_base64":)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("key_base64":)"), std::string::npos) << json;
  auto parsed = ParseHeadersJson(json);
  ASSERT_TRUE(parsed) << parsed.error().ToString() << " in " << json;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].value, quoted);
  EXPECT_EQ((*parsed)[1].value, binary);
  EXPECT_EQ((*parsed)[2].name, binary_name);
}

TEST(BronzeHeaders, AppendsWithoutClearingAndAnEmptyListIsAnEmptyArray) {
  std::string json = "prefix:";
  AppendHeadersJson({}, &json);
  EXPECT_EQ(json, "prefix:[]");
  auto parsed = ParseHeadersJson("[]");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
}

TEST(BronzeHeaders, AnythingElseIsInvalidArgument) {
  for (const char* bad : {"", "{}", "[1]", R"([{"value":"x"}])", R"([{"key":"k"}])", R"([{"key":"k","value":3}])",
                          R"([{"key":"k","value_base64":"***"}])"}) {
    auto parsed = ParseHeadersJson(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace jsm::pipeline
