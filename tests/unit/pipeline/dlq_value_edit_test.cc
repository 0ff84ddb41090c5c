#include "pipeline/dlq_value_edit.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

FieldAssignment Set(std::string_view text) {
  auto parsed = ParseFieldAssignment(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : FieldAssignment{};
}

TEST(FieldAssignment, ValueIsJsonWhenItParsesAndAStringOtherwise) {
  EXPECT_EQ(Set("Quantity=3").json, "3");
  EXPECT_EQ(Set("Price=2.5").json, "2.5");
  EXPECT_EQ(Set("Flag=true").json, "true");
  EXPECT_EQ(Set("CustomerNo=null").json, "null");
  EXPECT_EQ(Set("ProductNo=\"85123\"").json, "\"85123\"");
  EXPECT_EQ(Set("Country=United Kingdom").json, "\"United Kingdom\"");
  EXPECT_EQ(Set("Date=12/9/2019").json, "\"12/9/2019\"");
  EXPECT_EQ(Set("Name=say \"hi\"").json, "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Set("Empty=").json, "\"\"");
  EXPECT_EQ(Set("Expr=a=b").field, "Expr");
  EXPECT_EQ(Set("Expr=a=b").json, "\"a=b\"");
}

TEST(FieldAssignment, NeedsAFieldAndAnEqualsSign) {
  EXPECT_FALSE(ParseFieldAssignment("Quantity"));
  EXPECT_FALSE(ParseFieldAssignment("=3"));
  EXPECT_EQ(ParseFieldAssignment("Quantity").error().code(), ErrorCode::kInvalidArgument);
}

TEST(ApplyFieldAssignments, ReplacesInPlaceAndKeepsEveryOtherByte) {
  const std::string value = R"({"TransactionNo":"581482", "Quantity" : "three","Country":"EIRE"})";
  auto edited = ApplyFieldAssignments(value, {Set("Quantity=3")});
  ASSERT_TRUE(edited) << edited.error().ToString();
  EXPECT_EQ(*edited, R"({"TransactionNo":"581482", "Quantity" : 3,"Country":"EIRE"})");
}

TEST(ApplyFieldAssignments, AppendsAMissingFieldAndHandlesNestedValues) {
  const std::string value = R"({"TransactionNo":"1","Extra":{"Quantity":"x","l":[1,"}"]},"Price":2.1})";
  auto edited = ApplyFieldAssignments(value, {Set("Quantity=3"), Set("Price=4")});
  ASSERT_TRUE(edited);
  EXPECT_EQ(*edited, R"({"TransactionNo":"1","Extra":{"Quantity":"x","l":[1,"}"]},"Price":4,"Quantity":3})");
  auto empty = ApplyFieldAssignments(" { } ", {Set("A=1")});
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, R"( { "A":1} )");  // bytes inside the braces are kept
}

TEST(ApplyFieldAssignments, TheLastSetOfAFieldWins) {
  auto edited = ApplyFieldAssignments(R"({"a":1})", {Set("b=1"), Set("b=2")});
  ASSERT_TRUE(edited);
  EXPECT_EQ(*edited, R"({"a":1,"b":2})");
}

TEST(ApplyFieldAssignments, RefusesValuesThatAreNotJsonObjects) {
  auto not_json = ApplyFieldAssignments("{not json", {Set("a=1")});
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message().find("not JSON"), std::string::npos);
  auto array = ApplyFieldAssignments("[1,2]", {Set("a=1")});
  ASSERT_FALSE(array);
  EXPECT_NE(array.error().message().find("not an object"), std::string::npos);
  EXPECT_FALSE(ApplyFieldAssignments("", {Set("a=1")}));
}

TEST(KeyTextOfJson, StringsLoseTheirQuotesOtherValuesStay) {
  EXPECT_EQ(KeyTextOfJson("\"581482\""), "581482");
  EXPECT_EQ(KeyTextOfJson("581482"), "581482");
}

}  // namespace
}  // namespace jsm::pipeline
