#include <gtest/gtest.h>

#include "model/order_record.h"

namespace jsm::model {
namespace {

OrderRecord SampleRecord() {
  return OrderRecord{"581482", "12/9/2019", "22485", "Set Of 2 Wooden Market Crates",
                     "21.47",  "12",        "17490", "United Kingdom"};
}

TEST(OrderEventJson, EncodesTheDocumentedShapeInKeyOrder) {
  std::string out;
  AppendOrderEventJson(SampleRecord(), &out);
  EXPECT_EQ(out,
            R"({"TransactionNo":"581482","Date":"12/9/2019","ProductNo":"22485",)"
            R"("Product":"Set Of 2 Wooden Market Crates","Price":21.47,"Quantity":12,)"
            R"("CustomerNo":"17490","Country":"United Kingdom"})");
}

TEST(OrderEventJson, ACurrencyIsAppendedLast) {
  OrderRecord record = SampleRecord();
  record.currency = "EUR";
  std::string out;
  AppendOrderEventJson(record, &out);
  EXPECT_TRUE(out.ends_with(R"("Country":"United Kingdom","Currency":"EUR"})")) << out;
}

TEST(OrderEventJson, AppendsWithoutClearing) {
  std::string out = "[";
  AppendOrderEventJson(SampleRecord(), &out);
  EXPECT_EQ(out.substr(0, 19), "[{\"TransactionNo\":\"");
}

TEST(OrderEventJson, CancellationKeepsNegativeQuantityAsNumber) {
  OrderRecord record = SampleRecord();
  record.transaction_no = "C581484";
  record.quantity = "-80995";
  record.customer_no = "NA";
  std::string out;
  AppendOrderEventJson(record, &out);
  EXPECT_NE(out.find(R"("TransactionNo":"C581484")"), std::string::npos);
  EXPECT_NE(out.find(R"("Quantity":-80995,)"), std::string::npos);
  EXPECT_NE(out.find(R"("CustomerNo":"NA")"), std::string::npos);
}

TEST(OrderEventJson, PriceAndQuantityThatAreNotJsonNumbersBecomeStrings) {
  OrderRecord record = SampleRecord();
  record.price = " 21.47";
  record.quantity = "12.";
  std::string out;
  AppendOrderEventJson(record, &out);
  EXPECT_NE(out.find(R"("Price":" 21.47","Quantity":"12.",)"), std::string::npos);

  record.price = "";
  record.quantity = "abc";
  out.clear();
  AppendOrderEventJson(record, &out);
  EXPECT_NE(out.find(R"("Price":"","Quantity":"abc",)"), std::string::npos);

  record.price = "2.147e1";
  record.quantity = "-0";
  out.clear();
  AppendOrderEventJson(record, &out);
  EXPECT_NE(out.find(R"("Price":2.147e1,"Quantity":-0,)"), std::string::npos);
}

TEST(OrderEventJson, EscapesQuotesBackslashAndControlCharacters) {
  std::string out;
  AppendJsonString("Record Frame 7\" Single\\Size", &out);
  EXPECT_EQ(out, R"("Record Frame 7\" Single\\Size")");
  out.clear();
  AppendJsonString(std::string("a\nb\tc\x01\x1f\x7f", 8) + std::string(1, '\0'), &out);
  EXPECT_EQ(out, std::string("\"a\\u000ab\\u0009c\\u0001\\u001f\x7f\\u0000\""));
}

TEST(OrderEventJson, KeepsUtf8AsIs) {
  std::string out;
  AppendJsonString("Caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x8E\x84", &out);
  EXPECT_EQ(out, "\"Caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x8E\x84\"");
}

TEST(OrderEventJson, EmptyStringIsTwoQuotes) {
  std::string out;
  AppendJsonString("", &out);
  EXPECT_EQ(out, "\"\"");
}

}  // namespace
}  // namespace jsm::model
