#include "pipeline/erase.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "common/clock.h"
#include "delta/rewrite.h"
#include "kafka/dead_letter.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/aggregate_stage.h"
#include "pipeline/event_log.h"
#include "pipeline/reconciliation.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"
#include "unit/pipeline/refine_fixture.h"

namespace jsm::pipeline {
namespace {

/// One order event; `quantity` 0 breaks the quantity_non_zero drop rule.
std::string Event(int transaction, const std::string& customer, int quantity = 2, int price_cents = 150) {
  return "{\"TransactionNo\":\"" + std::to_string(transaction) +
         "\",\"Date\":\"12/9/2019\",\"ProductNo\":\"2248" + std::to_string(transaction % 10) +
         "\",\"Product\":\"Thing " + std::to_string(transaction % 10) + "\",\"Price\":" + std::to_string(price_cents / 100) +
         "." + std::to_string(price_cents % 100 / 10) + std::to_string(price_cents % 10) +
         ",\"Quantity\":" + std::to_string(quantity) + ",\"CustomerNo\":\"" + customer +
         "\",\"Country\":\"United Kingdom\"}";
}

/// Silver column values of every active file.
std::vector<std::string> SilverStrings(delta::DeltaTable* table, const std::string& column) {
  std::vector<std::string> out;
  for (const auto& [path, add] : table->snapshot().files) {
    auto batch = table->ReadDataFile(path, {column});
    EXPECT_TRUE(batch) << batch.error().ToString();
    for (size_t row = 0; row < batch->num_rows(); ++row) {
      out.emplace_back(batch->column(0).IsNull(row) ? "<null>" : std::string(batch->column(0).StringAt(row)));
    }
  }
  return out;
}

int64_t SumInt(delta::DeltaTable* table, const std::string& column) {
  int64_t sum = 0;
  for (const auto& [path, add] : table->snapshot().files) {
    auto batch = table->ReadDataFile(path, {column});
    EXPECT_TRUE(batch) << batch.error().ToString();
    const Column& values = batch->column(0);
    for (size_t row = 0; row < batch->num_rows(); ++row) {
      // Gold money is 128-bit; these sums stay far inside int64.
      sum += values.type() == DataType::kDecimal128 ? static_cast<int64_t>(values.WideAt(row)) : values.IntAt(row);
    }
  }
  return sum;
}

class EraseTest : public RefineFixture {
 protected:
  void SetUp() override {
    RefineFixture::SetUp();
    // The customer numbers here are short labels ("200"), not five digits: the format rule is left out.
    std::erase_if(options_.expectations,
                  [](const ExpectationSpec& spec) { return spec.name == "customer_no_format"; });
  }

  /// Runs refine, then aggregate, until each has caught up with its source.
  void RunStages() {
    auto refine = RefineStage::Create(store_.get(), options_, dead_letters_.get());
    ASSERT_TRUE(refine) << refine.error().ToString();
    ASSERT_TRUE((*refine)->MarkTarget());
    for (int i = 0; i < 100 && !*(*refine)->ReachedTarget(); ++i) {
      auto step = (*refine)->Step();
      ASSERT_TRUE(step) << step.error().ToString();
    }
    ASSERT_TRUE(*(*refine)->ReachedTarget());
    auto aggregate = AggregateStage::Create(store_.get(), options_);
    ASSERT_TRUE(aggregate) << aggregate.error().ToString();
    ASSERT_TRUE((*aggregate)->MarkTarget());
    for (int i = 0; i < 100 && !*(*aggregate)->ReachedTarget(); ++i) {
      auto step = (*aggregate)->Step();
      ASSERT_TRUE(step) << step.error().ToString();
    }
    ASSERT_TRUE(*(*aggregate)->ReachedTarget());
  }

  void ExpectBooksBalance() {
    auto books = Reconcile(store_.get());
    ASSERT_TRUE(books) << books.error().ToString();
    for (const std::string& problem : books->problems) ADD_FAILURE() << problem;
  }

  std::unique_ptr<delta::DeltaTable> Table(const char* path) {
    auto table = delta::DeltaTable::Open(store_.get(), path);
    EXPECT_TRUE(table) << path << ": " << table.error().ToString();
    return table ? std::move(*table) : nullptr;
  }

  /// Three customers over two bronze commits; customer 200 also has a quarantined line.
  void LoadThreeCustomers() {
    AppendBronze({Event(1, "100"), Event(2, "200", 3), Event(3, "300"), Event(4, "200", 0)});
    AppendBronze({Event(5, "100"), Event(6, "300", 5), Event(7, "200", 1, 999)});
  }

};

TEST(MarkCustomerMessages, MatchesParsedCustomerAndUnparseableMentions) {
  RecordBatch batch(Schema{{BronzeSchema().fields[kBronzeValue], BronzeSchema().fields[kBronzeValueRaw]}});
  Column& values = batch.column(0);
  values.AppendString(Event(1, "200"));
  values.AppendString(Event(2, "2000"));
  values.AppendString(R"({"CustomerNo": 200, "Date": "not a date"})");   // does not parse
  values.AppendString(R"({"CustomerNo":"2001","Quantity":"x"})");       // does not parse, other customer
  values.AppendNull();
  values.AppendString(Event(3, " 200 "));  // trimmed by the parser
  values.AppendNull();                     // bytes that are not UTF-8, mentioning the customer
  for (size_t row = 0; row + 1 < values.size(); ++row) batch.column(1).AppendNull();
  batch.column(1).AppendString("{\"CustomerNo\":\"200\",\"Product\":\"\xff\"}");
  std::vector<uint8_t> doomed(values.size(), 0);
  model::OrderParser parser;
  MarkCustomerMessages(batch, "200", &parser, &doomed);
  EXPECT_EQ(doomed, (std::vector<uint8_t>{1, 0, 1, 0, 0, 1, 1}));
}

TEST(MarkCustomerRows, MatchesAnyOfTheValuesAndNeverNull) {
  Column column(DataType::kString);
  column.AppendString("200");
  column.AppendNull();
  column.AppendString("abc");
  column.AppendString("20");
  std::vector<uint8_t> doomed(4, 0);
  MarkCustomerRows(column, {"200", "abc"}, &doomed);
  EXPECT_EQ(doomed, (std::vector<uint8_t>{1, 0, 1, 0}));
}

TEST_F(EraseTest, RemovesTheCustomerFromEveryTableAndRecomputesGold) {
  LoadThreeCustomers();
  RunStages();
  auto silver = Table(kSilverTable);
  const std::vector<std::string> before = SilverStrings(silver.get(), "customer_no");
  ASSERT_EQ(before.size(), 6u);
  const int64_t net_before = SumInt(silver.get(), "line_total");
  const int64_t silver_version_before = silver->version();

  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"200"});
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->tables.size(), 3u);
  EXPECT_EQ(report->tables[0].table, kBronzeTable);
  EXPECT_EQ(report->tables[0].metrics.rows_deleted, 3);
  EXPECT_EQ(report->tables[1].table, kQuarantineTable);
  EXPECT_EQ(report->tables[1].metrics.rows_deleted, 1);
  EXPECT_EQ(report->tables[2].table, kSilverTable);
  EXPECT_EQ(report->tables[2].metrics.rows_deleted, 2);
  EXPECT_TRUE(report->gold_recomputed);
  for (const TableErasure& erasure : report->tables) {
    EXPECT_EQ(erasure.deleted_file_retention_ms, 7 * 86400000LL);
    EXPECT_EQ(erasure.vacuum_from_ms, erasure.metrics.committed_at_ms + erasure.deleted_file_retention_ms);
  }

  silver = Table(kSilverTable);
  const std::vector<std::string> after = SilverStrings(silver.get(), "customer_no");
  EXPECT_EQ(after.size(), 4u);
  EXPECT_EQ(std::count(after.begin(), after.end(), "200"), 0);
  const int64_t erased = 3 * 150 + 1 * 999;
  EXPECT_EQ(SumInt(silver.get(), "line_total"), net_before - erased);
  // Gold agrees with silver and reflects the erase version.
  auto country = Table(kCountrySummaryTable);
  EXPECT_EQ(SumInt(country.get(), "net_revenue"), net_before - erased);
  EXPECT_EQ(SumInt(country.get(), "customers"), 2);
  EXPECT_EQ(country->AppVersion(kAggregateAppId), silver->version());
  // Bronze and quarantine hold no message of the customer.
  auto bronze = Table(kBronzeTable);
  for (const auto& [path, add] : bronze->snapshot().files) {
    auto values = bronze->ReadDataFile(path, {"value", "value_raw"});
    ASSERT_TRUE(values);
    std::vector<uint8_t> doomed(values->num_rows(), 0);
    model::OrderParser parser;
    MarkCustomerMessages(*values, "200", &parser, &doomed);
    EXPECT_EQ(std::count(doomed.begin(), doomed.end(), 1), 0);
  }
  EXPECT_EQ(SilverStrings(Table(kQuarantineTable).get(), "transaction_no").size(), 0u);
  // Exactly once: silver records the bronze erase version as refined.
  EXPECT_EQ(silver->AppVersion(kRefineAppId), bronze->version());
  // Time travel still shows the customer until VACUUM.
  auto old = delta::DeltaTable::OpenAtVersion(store_.get(), kSilverTable, silver_version_before);
  ASSERT_TRUE(old);
  const std::vector<std::string> old_rows = SilverStrings(old->get(), "customer_no");
  EXPECT_EQ(std::count(old_rows.begin(), old_rows.end(), "200"), 2);
  ExpectBooksBalance();
}

TEST_F(EraseTest, FollowingRunsNeitherBringTheCustomerBackNorDuplicate) {
  LoadThreeCustomers();
  RunStages();
  ASSERT_TRUE(EraseCustomer(store_.get(), options_, EraseRequest{"200"}));
  auto silver = Table(kSilverTable);
  const int64_t version_after_erase = silver->version();
  RunStages();  // nothing new: no rows, no duplicates
  silver = Table(kSilverTable);
  EXPECT_EQ(silver->version(), version_after_erase);
  EXPECT_EQ(SilverStrings(silver.get(), "customer_no").size(), 4u);

  AppendBronze({Event(8, "100"), Event(9, "400")});
  RunStages();
  silver = Table(kSilverTable);
  const std::vector<std::string> rows = SilverStrings(silver.get(), "customer_no");
  EXPECT_EQ(rows.size(), 6u);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), "200"), 0);
  auto country = Table(kCountrySummaryTable);
  EXPECT_EQ(SumInt(country.get(), "net_revenue"), SumInt(silver.get(), "line_total"));
  ExpectBooksBalance();
}

TEST_F(EraseTest, BronzeEraseCommitIsNotRefinedAgainEvenWithoutTheSilverTxn) {
  LoadThreeCustomers();
  RunStages();
  // Erase bronze alone, as if the process died before the silver commit.
  auto bronze = Table(kBronzeTable);
  model::OrderParser parser;
  auto metrics = delta::DeleteRows(
      bronze.get(),
      [&](const RecordBatch& batch, std::vector<uint8_t>* doomed) {
        MarkCustomerMessages(batch, "200", &parser, doomed);
        return Status::Ok();
      },
      delta::RewriteOptions{.match_columns = {"value"}});
  ASSERT_TRUE(metrics) << metrics.error().ToString();
  RunStages();
  auto silver = Table(kSilverTable);
  EXPECT_EQ(SilverStrings(silver.get(), "customer_no").size(), 6u);  // the erased bronze rows were not re-added
  EXPECT_EQ(silver->AppVersion(kRefineAppId), metrics->version);
  // Running the erase again finishes the job.
  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"200"});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->tables[0].metrics.rows_deleted, 0);
  EXPECT_EQ(report->tables[2].metrics.rows_deleted, 2);
  ExpectBooksBalance();
}

TEST_F(EraseTest, CustomerOnlyInQuarantineIsErasedAndTheBooksBalance) {
  AppendBronze({Event(1, "100"), Event(2, "500", 0)});
  RunStages();
  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"500"});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->tables[0].metrics.rows_deleted, 1);
  EXPECT_EQ(report->tables[1].metrics.rows_deleted, 1);
  EXPECT_EQ(report->tables[2].metrics.rows_deleted, 0);
  EXPECT_GE(report->tables[2].metrics.version, 0);  // the txn and the erased counts
  EXPECT_FALSE(report->gold_recomputed);
  EXPECT_EQ(Table(kSilverTable)->AppVersion(kRefineAppId), Table(kBronzeTable)->version());
  ExpectBooksBalance();
}

TEST_F(EraseTest, RefusesWhileSilverIsBehindBronze) {
  LoadThreeCustomers();
  RunStages();
  AppendBronze({Event(8, "200")});
  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"200"});
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message().find("catch up"), std::string::npos) << report.error().message();
}

TEST_F(EraseTest, DryRunWritesNothing) {
  LoadThreeCustomers();
  RunStages();
  const int64_t silver_version = Table(kSilverTable)->version();
  const int64_t bronze_version = Table(kBronzeTable)->version();
  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"200", /*dry_run=*/true});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->tables[2].metrics.rows_deleted, 2);
  EXPECT_EQ(report->tables[2].metrics.version, -1);
  EXPECT_FALSE(report->gold_recomputed);
  EXPECT_EQ(Table(kSilverTable)->version(), silver_version);
  EXPECT_EQ(Table(kBronzeTable)->version(), bronze_version);
}

TEST_F(EraseTest, PseudonymizedSilverHoldsNoRawNumberAndEraseFindsThePseudonym) {
  ::setenv("JSM_TEST_ERASE_KEY", "erase-test-key-0123456789abcdef", 1);
  options_.pseudonymize_customer = true;
  options_.pseudonym_key_env = "JSM_TEST_ERASE_KEY";
  LoadThreeCustomers();
  RunStages();
  auto silver = Table(kSilverTable);
  const std::vector<std::string> rows = SilverStrings(silver.get(), "customer_no");
  ASSERT_EQ(rows.size(), 6u);
  for (const std::string& value : rows) {
    EXPECT_EQ(value.size(), kPseudonymChars) << value;
    EXPECT_TRUE(value != "100" && value != "200" && value != "300");
  }
  EXPECT_EQ(std::set<std::string>(rows.begin(), rows.end()).size(), 3u);  // distinct customers preserved
  auto country = Table(kCountrySummaryTable);
  EXPECT_EQ(SumInt(country.get(), "customers"), 3);

  auto report = EraseCustomer(store_.get(), options_, EraseRequest{"200"});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->pseudonymized);
  EXPECT_EQ(report->tables[2].metrics.rows_deleted, 2);
  EXPECT_EQ(SilverStrings(Table(kSilverTable).get(), "customer_no").size(), 4u);
  ::unsetenv("JSM_TEST_ERASE_KEY");
  auto missing_key = EraseCustomer(store_.get(), options_, EraseRequest{"100"});
  ASSERT_FALSE(missing_key);
  EXPECT_NE(missing_key.error().message().find("JSM_TEST_ERASE_KEY"), std::string::npos);
  // Forgetting the privacy settings must not half-erase: silver would be missed.
  options_.pseudonymize_customer = false;
  const int64_t bronze_version = Table(kBronzeTable)->version();
  auto without_settings = EraseCustomer(store_.get(), options_, EraseRequest{"100"});
  ASSERT_FALSE(without_settings);
  EXPECT_NE(without_settings.error().message().find("pseudonymize_customer"), std::string::npos);
  EXPECT_EQ(Table(kBronzeTable)->version(), bronze_version);
}

TEST_F(EraseTest, RefineRefusesToStartWhenPseudonymizationHasNoKey) {
  ::unsetenv("JSM_TEST_ERASE_KEY_NONE");
  options_.pseudonymize_customer = true;
  options_.pseudonym_key_env = "JSM_TEST_ERASE_KEY_NONE";
  auto refine = RefineStage::Create(store_.get(), options_, dead_letters_.get());
  ASSERT_FALSE(refine);
  EXPECT_NE(refine.error().message().find("JSM_TEST_ERASE_KEY_NONE"), std::string::npos);
}

TEST_F(EraseTest, EraseIsRecordedInTheEventLogWithoutTheCustomerNumber) {
  LoadThreeCustomers();
  RunStages();
  ASSERT_TRUE(EraseCustomer(store_.get(), options_, EraseRequest{"200"}));
  auto log = Table(kEventLogTable);
  const std::vector<std::string> stages = SilverStrings(log.get(), "stage");
  EXPECT_EQ(std::count(stages.begin(), stages.end(), "erase"), 3);
  for (const std::string& range : SilverStrings(log.get(), "source_range")) {
    EXPECT_EQ(range.find("200"), std::string::npos) << range;
  }
}

}  // namespace
}  // namespace jsm::pipeline
