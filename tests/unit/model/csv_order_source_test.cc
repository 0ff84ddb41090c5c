#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "model/order_source.h"

namespace jsm::model {
namespace {

constexpr char kHeader[] = "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country";

/// Writes `content` to a fresh file under the test temp dir and returns its path.
std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = testing::TempDir() + "csv_order_source_test_" + name + ".csv";
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<OrderRecord> ReadAll(CsvOrderSource& source) {
  std::vector<OrderRecord> records;
  OrderRecord record;
  while (source.Next(&record)) records.push_back(record);
  return records;
}

TEST(CsvOrderSource, ReadsRowsWithCrlfAndStripsTheCarriageReturn) {
  const auto path = WriteFile("crlf", std::string(kHeader) +
                                          "\r\n581482,12/9/2019,22485,Set Of 2 Wooden Market Crates,21.47,12,"
                                          "17490,United Kingdom\r\nC581484,12/9/2019,23843,\"Paper Craft , "
                                          "Little Birdie\",2.08,-80995,16446,United Kingdom\r\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().ToString();
  const auto records = ReadAll(**source);
  ASSERT_TRUE((*source)->status());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].country, "United Kingdom");
  EXPECT_EQ(records[1].transaction_no, "C581484");
  EXPECT_EQ(records[1].product, "Paper Craft , Little Birdie");
  EXPECT_EQ(records[1].quantity, "-80995");
  EXPECT_EQ(records[1].country, "United Kingdom");
}

TEST(CsvOrderSource, ReadsEveryFieldWithLfLineEnds) {
  const auto path = WriteFile("lf", std::string(kHeader) +
                                        "\n581482,12/9/2019,22485,Set Of 2 Wooden Market Crates,21.47,12,"
                                        "17490,United Kingdom\n536365,12/1/2018,85123A,Cream Hanging Heart,"
                                        "12.86,6,NA,EIRE");  // no final newline
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().ToString();
  const auto records = ReadAll(**source);
  ASSERT_TRUE((*source)->status());
  ASSERT_EQ(records.size(), 2u);
  const OrderRecord& first = records[0];
  EXPECT_EQ(first.transaction_no, "581482");
  EXPECT_EQ(first.date, "12/9/2019");
  EXPECT_EQ(first.product_no, "22485");
  EXPECT_EQ(first.product, "Set Of 2 Wooden Market Crates");
  EXPECT_EQ(first.price, "21.47");
  EXPECT_EQ(first.quantity, "12");
  EXPECT_EQ(first.customer_no, "17490");
  EXPECT_EQ(first.country, "United Kingdom");
  EXPECT_EQ(records[1].customer_no, "NA");
  EXPECT_EQ(records[1].country, "EIRE");
}

TEST(CsvOrderSource, UnquotesFieldsWithCommasAndDoubledQuotes) {
  const auto path =
      WriteFile("quotes", std::string(kHeader) +
                              "\r\n581498,12/9/2019,22041,\"Record Frame 7\"\" Single Size\",6.19,"
                              "2,14498,United Kingdom\r\n581499,12/9/2019,21000,\"Doormat Red, "
                              "White And Blue\",8.00,1,14498,\"Korea, Republic of\"\r\n"
                              "581500,12/9/2019,21001,\"\",1.00,1,\"\",United Kingdom\r\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().ToString();
  const auto records = ReadAll(**source);
  ASSERT_TRUE((*source)->status()) << (*source)->status().error().ToString();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].product, "Record Frame 7\" Single Size");
  EXPECT_EQ(records[0].price, "6.19");
  EXPECT_EQ(records[1].product, "Doormat Red, White And Blue");
  EXPECT_EQ(records[1].country, "Korea, Republic of");
  EXPECT_EQ(records[2].product, "");
  EXPECT_EQ(records[2].customer_no, "");
}

TEST(CsvOrderSource, QuotedFieldMaySpanLines) {
  const auto path = WriteFile("multiline", std::string(kHeader) +
                                               "\r\n1,12/9/2019,22041,\"two\r\nlines\",6.19,2,14498,UK\r\n"
                                               "2,12/9/2019,22041,x,6.19,2,14498,UK\r\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  const auto records = ReadAll(**source);
  ASSERT_TRUE((*source)->status());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].product, "two\r\nlines");
  EXPECT_EQ(records[1].transaction_no, "2");
}

TEST(CsvOrderSource, ToleratesUtf8BomBeforeHeader) {
  const auto path =
      WriteFile("bom", "\xEF\xBB\xBF" + std::string(kHeader) + "\n1,12/9/2019,22041,x,6.19,2,1,UK\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().ToString();
  EXPECT_EQ(ReadAll(**source).size(), 1u);
}

TEST(CsvOrderSource, SkipsEmptyLines) {
  const auto path = WriteFile("empty_lines",
                              std::string(kHeader) + "\r\n\r\n1,12/9/2019,22041,x,6.19,2,1,UK\r\n\r\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  EXPECT_EQ(ReadAll(**source).size(), 1u);
  EXPECT_TRUE((*source)->status());
}

TEST(CsvOrderSource, WhereNamesTheFileAndTheLineTheLastRecordStartsOn) {
  const auto path = WriteFile("where", std::string(kHeader) +
                                           "\n1,12/9/2019,22041,x,6.19,2,1,UK\n\n"
                                           "2,12/9/2019,22041,\"two\nlines\",6.19,2,1,UK\n"
                                           "3,12/9/2019,22041,x,6.19,2,1,UK\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  OrderRecord record;
  ASSERT_TRUE((*source)->Next(&record));
  EXPECT_EQ((*source)->Where(), "'" + path + "' line 2");
  ASSERT_TRUE((*source)->Next(&record));
  EXPECT_EQ((*source)->Where(), "'" + path + "' line 4");
  ASSERT_TRUE((*source)->Next(&record));
  EXPECT_EQ((*source)->Where(), "'" + path + "' line 6");
}

TEST(CsvOrderSource, WrongFieldCountStopsWithFileAndLineNumber) {
  const auto path = WriteFile("bad_count", std::string(kHeader) +
                                               "\r\n1,12/9/2019,22041,x,6.19,2,1,UK\r\n"
                                               "2,12/9/2019,22041,x,y,6.19,2,1,UK\r\n"
                                               "3,12/9/2019,22041,x,6.19,2,1,UK\r\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  OrderRecord record;
  ASSERT_TRUE((*source)->Next(&record));
  EXPECT_FALSE((*source)->Next(&record));
  const Status status = (*source)->status();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message().find(path), std::string::npos) << status.error().message();
  EXPECT_NE(status.error().message().find("line 3"), std::string::npos) << status.error().message();
  EXPECT_NE(status.error().message().find("found 9"), std::string::npos) << status.error().message();
  EXPECT_FALSE((*source)->Next(&record));  // stays stopped
}

TEST(CsvOrderSource, TooFewFieldsIsAnError) {
  const auto path = WriteFile("few", std::string(kHeader) + "\n1,12/9/2019,22041\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  OrderRecord record;
  EXPECT_FALSE((*source)->Next(&record));
  ASSERT_FALSE((*source)->status());
  const std::string message = (*source)->status().error().message();
  EXPECT_NE(message.find("line 2: expected 8 fields, found 3"), std::string::npos) << message;
}

TEST(CsvOrderSource, UnclosedQuoteIsAnError) {
  const auto path = WriteFile("unclosed", std::string(kHeader) + "\n1,12/9/2019,22041,\"x,6.19,2,1,UK\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  OrderRecord record;
  EXPECT_FALSE((*source)->Next(&record));
  EXPECT_FALSE((*source)->status());
}

TEST(CsvOrderSource, WrongHeaderIsInvalidArgument) {
  const auto path =
      WriteFile("bad_header", "TransactionNo,Date,ProductNo,Product,Price,Quantity,CustomerNo,Country\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(source.error().message().find("header"), std::string::npos);
}

TEST(CsvOrderSource, AnOptionalCurrencyColumnIsRead) {
  const auto path = WriteFile("currency", std::string(kHeader) + ",Currency\n"
                                          "1,12/9/2019,22485,Crates,21.47,12,17490,France,EUR\n"
                                          "2,12/9/2019,22485,Crates,21.47,12,17490,United Kingdom,\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().message();
  const auto records = ReadAll(**source);
  ASSERT_TRUE((*source)->status());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].country, "France");
  EXPECT_EQ(records[0].currency, "EUR");
  EXPECT_EQ(records[1].currency, "");
}

TEST(CsvOrderSource, WithoutTheCurrencyColumnANinthFieldIsAnError) {
  const auto path = WriteFile("ninth", std::string(kHeader) + "\n1,12/9/2019,22485,Crates,21.47,12,17490,France,EUR\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  EXPECT_TRUE(ReadAll(**source).empty());
  ASSERT_FALSE((*source)->status());
  EXPECT_NE((*source)->status().error().message().find("expected 8 fields, found 9"), std::string::npos);
}

TEST(CsvOrderSource, EmptyFileIsInvalidArgument) {
  auto source = CsvOrderSource::Open(WriteFile("empty", ""));
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code(), ErrorCode::kInvalidArgument);
}

TEST(CsvOrderSource, MissingFileIsNotFound) {
  auto source = CsvOrderSource::Open(testing::TempDir() + "no_such_file_here.csv");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code(), ErrorCode::kNotFound);
}

TEST(CsvOrderSource, LinesLongerThanTheReadBlockAreRead) {
  const std::string long_name(3 << 20, 'x');
  const auto path = WriteFile("long", std::string(kHeader) + "\n1,12/9/2019,22041," + long_name +
                                          ",6.19,2,1,UK\n2,12/9/2019,22041,y,6.19,2,1,UK\n");
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source);
  const auto records = ReadAll(**source);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].product, long_name);
  EXPECT_EQ(records[1].product, "y");
}

}  // namespace
}  // namespace jsm::model
