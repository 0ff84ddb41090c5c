#include "delta/json_writer.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(JsonWriter, NestedObjectsAndArraysGetCommasInTheRightPlaces) {
  JsonWriter json;
  json.BeginObject();
  json.Member("a", int64_t{1});
  json.Key("b");
  json.BeginArray();
  json.String("x");
  json.Int(-2);
  json.BeginObject();
  json.EndObject();
  json.EndArray();
  json.Member("c", true);
  json.Key("d");
  json.Null();
  json.EndObject();
  EXPECT_EQ(json.str(), R"({"a":1,"b":["x",-2,{}],"c":true,"d":null})");
}

TEST(JsonWriter, StringsEscapeQuotesBackslashesAndControlCharactersIncludingNul) {
  std::string out;
  AppendJsonString(std::string_view("q\"b\\n\n\t\x01\x1f\x7f\xc3\xa9\0", 13), &out);
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\x7f\xc3\xa9\\u0000\"");
}

TEST(JsonWriter, DoublesUseShortestRoundTripForm) {
  JsonWriter json;
  json.BeginArray();
  json.Double(0.1);
  json.Double(-2.5);
  json.Double(3.0);
  json.Double(1e300);
  json.EndArray();
  EXPECT_EQ(json.str(), "[0.1,-2.5,3,1e+300]");
}

TEST(JsonWriter, StringMapWritesSortedStringMembers) {
  JsonWriter json;
  json.StringMap({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(json.str(), R"({"a":"1","b":"2"})");
}

}  // namespace
}  // namespace jsm::delta
