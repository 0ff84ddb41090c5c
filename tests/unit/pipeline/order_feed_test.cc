#include "pipeline/order_feed.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "kafka/embedded_broker.h"

namespace jsm::pipeline {
namespace {

constexpr char kHeader[] = "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country\n";

std::string WriteCsv(const std::string& name, const std::string& rows) {
  const std::string path = ::testing::TempDir() + "order_feed_test_" + name + ".csv";
  std::ofstream(path, std::ios::binary) << kHeader << rows;
  return path;
}

std::unique_ptr<model::CsvOrderSource> OpenCsv(const std::string& path) {
  auto source = model::CsvOrderSource::Open(path);
  EXPECT_TRUE(source) << source.error().ToString();
  return source ? std::move(*source) : nullptr;
}

/// Bytes of the event of `record` with its key, as CheckOrders counts them.
int64_t EventBytes(const model::OrderRecord& record) {
  std::string json;
  model::AppendOrderEventJson(record, &json);
  return static_cast<int64_t>(json.size() + record.transaction_no.size());
}

TEST(CheckOrders, CountsTheRecordsOfAGoodFile) {
  auto source = OpenCsv(WriteCsv("good", "1,12/9/2019,22041,a,6.19,2,17850,UK\n\n2,12/9/2019,22041,b,6.19,2,,UK\n"));
  auto records = CheckOrders(source.get(), 1000000);
  ASSERT_TRUE(records) << records.error().ToString();
  EXPECT_EQ(*records, 2);
}

TEST(CheckOrders, AMalformedLineNamesFileAndLineAndSaysNothingWasProduced) {
  const std::string path = WriteCsv("malformed", "1,12/9/2019,22041,a,6.19,2,17850,UK\n"
                                                 "2,12/9/2019,22041,a,6.19,2,17850,UK,extra\n"
                                                 "3,12/9/2019,22041,a,6.19,2,17850,UK\n");
  auto source = OpenCsv(path);
  auto records = CheckOrders(source.get(), 1000000);
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().code(), ErrorCode::kInvalidArgument);
  const std::string& message = records.error().message();
  EXPECT_NE(message.find("'" + path + "' line 3: expected 8 fields, found 9"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing was produced"), std::string::npos) << message;
}

TEST(CheckOrders, AValueThatIsWrongButWellFormedIsLeftToRefine) {
  auto source = OpenCsv(WriteCsv("wrong_value", "1,not a date,22041,a,six,lots,17850,UK\n"));
  auto records = CheckOrders(source.get(), 1000000);
  ASSERT_TRUE(records) << records.error().ToString();
  EXPECT_EQ(*records, 1);
}

TEST(CheckOrders, AnEventLargerThanAMessageNamesItsLine) {
  const std::string big(3000, 'x');
  const std::string path = WriteCsv("too_large", "1,12/9/2019,22041,a,6.19,2,17850,UK\n"
                                                 "2,12/9/2019,22041," + big + ",6.19,2,17850,UK\n");
  auto source = OpenCsv(path);
  auto records = CheckOrders(source.get(), 2000);
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().code(), ErrorCode::kInvalidArgument);
  const std::string& message = records.error().message();
  EXPECT_NE(message.find("'" + path + "' line 3: its event is"), std::string::npos) << message;
  EXPECT_NE(message.find("message.max.bytes 2000"), std::string::npos) << message;
}

// The cheap size bound lets most records through unbuilt; at the limit the built event decides.
TEST(CheckOrders, TheLimitIsExactForEscapedText) {
  const std::string quoted(400, '"');  // each becomes \" in the event: a bound that was too low would miss it
  const std::string row = "1,12/9/2019,22041,\"" + std::string(800, '"') + "\",6.19,2,17850,UK\n";
  const std::string path = WriteCsv("escaped", row);
  model::OrderRecord record;
  {
    auto source = OpenCsv(path);
    ASSERT_TRUE(source->Next(&record));
  }
  ASSERT_EQ(record.product, quoted);
  const int64_t bytes = EventBytes(record);
  auto fits = CheckOrders(OpenCsv(path).get(), bytes + kRecordOverheadBytes);
  EXPECT_TRUE(fits) << fits.error().ToString();
  auto too_large = CheckOrders(OpenCsv(path).get(), bytes + kRecordOverheadBytes - 1);
  ASSERT_FALSE(too_large);
  EXPECT_NE(too_large.error().message().find("its event is " + std::to_string(bytes) + " bytes"), std::string::npos)
      << too_large.error().message();
}

// Without the check (or with a limit it did not know), the producer's refusal still names the line.
TEST(FeedOrders, AnEventTheProducerRefusesNamesItsLine) {
  auto broker = kafka::EmbeddedBroker::Start(1, {kafka::TopicSpec{"orders", 1, 1}});
  ASSERT_TRUE(broker) << broker.error().ToString();
  auto producer = kafka::Producer::Create(
      kafka::ClientConfig{(*broker)->bootstrap_servers(), {{"message.max.bytes", "2000"}}}, {"none", 5});
  ASSERT_TRUE(producer) << producer.error().ToString();
  const std::string path = WriteCsv("refused", "1,12/9/2019,22041,a,6.19,2,17850,UK\n"
                                               "2,12/9/2019,22041," + std::string(3000, 'x') + ",6.19,2,17850,UK\n");
  auto source = OpenCsv(path);
  auto fed = FeedOrders(source.get(), producer->get(), "orders", {}, [] { return false; });
  ASSERT_FALSE(fed);
  EXPECT_NE(fed.error().message().find("'" + path + "' line 3: "), std::string::npos) << fed.error().message();
}

}  // namespace
}  // namespace jsm::pipeline
