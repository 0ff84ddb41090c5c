// Round trip of the real order data (sales_transactions_v4a.csv): every CSV row,
// encoded as a JSON event and parsed back, is accepted, clean and unchanged.
// The file is not part of the project: its path comes from JSM_DATA_CSV, else
// ../shared/data/sales_transactions_v4a.csv from the project root (or from the
// working directory); the test skips, saying so, when it is absent.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "model/order_parser.h"
#include "model/order_source.h"

namespace jsm::model {
namespace {

constexpr std::string_view kRelativePath = "../shared/data/sales_transactions_v4a.csv";

/// The data file's path, or empty when it is nowhere to be found.
std::string FindRealDataCsv() {
  if (const char* env = std::getenv("JSM_DATA_CSV"); env != nullptr && *env != '\0') {
    std::error_code ec;
    return std::filesystem::is_regular_file(env, ec) ? std::string(env) : std::string();
  }
  // This file is <root>/tests/unit/model/real_data_round_trip_test.cc.
  const std::filesystem::path root = std::filesystem::path(__FILE__).parent_path() / "../../..";
  const std::filesystem::path candidates[] = {root / kRelativePath, std::filesystem::path(kRelativePath)};
  for (const std::filesystem::path& candidate : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return {};
}

TEST(RealData, EveryRowRoundTripsThroughJsonAcceptedAndClean) {
  const std::string path = FindRealDataCsv();
  if (path.empty()) {
    const char* env = std::getenv("JSM_DATA_CSV");
    const std::string why = env != nullptr && *env != '\0'
                                ? "JSM_DATA_CSV=" + std::string(env) + " is not a file"
                                : "set JSM_DATA_CSV or place it at " + std::string(kRelativePath) +
                                      " from the project root";
    GTEST_SKIP() << "real data absent: " << why;
  }
  auto source = CsvOrderSource::Open(path);
  ASSERT_TRUE(source) << source.error().ToString();

  OrderParser parser;
  NormalizedOrder order;
  OrderRecord record;
  std::string json;
  int64_t rows = 0, cancellations = 0, unknown_customers = 0;
  std::set<std::string> unknown_countries;
  while ((*source)->Next(&record)) {
    ++rows;
    json.clear();
    AppendOrderEventJson(record, &json);
    const RejectReason reason = parser.Parse(json, &order);
    ASSERT_EQ(reason, RejectReason::kNone) << "row " << rows << ": " << parser.error() << "\n" << json;
    const uint32_t broken = CheckQuality(order);
    ASSERT_EQ(broken, 0u) << "row " << rows << " breaks " << QualityRuleNames(broken) << "\n" << json;

    ASSERT_EQ(order.transaction_no, record.transaction_no);
    ASSERT_EQ(order.product_no, record.product_no);
    ASSERT_EQ(order.product_name, record.product);
    ASSERT_EQ(order.quantity, std::stoi(record.quantity));
    int64_t cents;
    ASSERT_TRUE(ParsePriceCents(record.price, &cents));
    ASSERT_EQ(order.unit_price_cents, cents);
    ASSERT_EQ(order.line_total_cents, cents * order.quantity);
    std::string_view name, code;
    if (!CanonicalCountry(record.country, &name, &code)) unknown_countries.insert(record.country);
    cancellations += order.is_cancellation;
    unknown_customers += order.customer_no.empty();
    if (!order.customer_no.empty()) {
      ASSERT_EQ(order.customer_no, record.customer_no);
    }
  }
  ASSERT_TRUE((*source)->status()) << (*source)->status().error().ToString();
  EXPECT_GT(rows, 500000);
  EXPECT_GT(cancellations, 0);
  EXPECT_GT(unknown_customers, 0);
  EXPECT_TRUE(unknown_countries.empty()) << *unknown_countries.begin();
  RecordProperty("rows", std::to_string(rows));
}

}  // namespace
}  // namespace jsm::model
