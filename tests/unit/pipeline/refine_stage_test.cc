#include "pipeline/refine_stage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/scan.h"
#include "kafka/dead_letter_reader.h"
#include "pipeline/bronze_table.h"
#include "pipeline/reconciliation.h"
#include "unit/pipeline/refine_fixture.h"

namespace jsm::pipeline {
namespace {

/// An order event; `quantity` 0 breaks the drop rule quantity_non_zero.
std::string Event(int transaction, int quantity = 2, std::string_view customer = R"("17490")",
                  std::string_view extra = "") {
  return "{" + std::string(extra) + "\"TransactionNo\":\"" + std::to_string(transaction) +
         "\",\"Date\":\"12/9/2019\",\"ProductNo\":\"22480\",\"Product\":\"Thing\",\"Price\":1.50,\"Quantity\":" +
         std::to_string(quantity) + ",\"CustomerNo\":" + std::string(customer) + ",\"Country\":\"United Kingdom\"}";
}

/// A local store whose next commit to one table's log is refused (the write does not happen).
class RefusingStore : public storage::ObjectStore {
 public:
  explicit RefusingStore(std::unique_ptr<storage::ObjectStore> inner) : inner_(std::move(inner)) {}
  std::string refuse_next_commit_of;  ///< a table path; empty = refuse nothing

  Result<std::string> Get(std::string_view path) override { return inner_->Get(path); }
  Status Put(std::string_view path, std::string_view data) override { return inner_->Put(path, data); }
  Status PutIfAbsent(std::string_view path, std::string_view data) override {
    if (!refuse_next_commit_of.empty() && path.starts_with(refuse_next_commit_of + "/_delta_log/") &&
        path.ends_with(".json")) {
      refuse_next_commit_of.clear();
      return std::unexpected(Error(ErrorCode::kUnavailable, "store unavailable (test): " + std::string(path)));
    }
    return inner_->PutIfAbsent(path, data);
  }
  Result<std::vector<storage::ObjectInfo>> List(std::string_view prefix) override { return inner_->List(prefix); }
  Status Delete(std::string_view path) override { return inner_->Delete(path); }
  std::string Describe() const override { return "refusing " + inner_->Describe(); }

 private:
  std::unique_ptr<storage::ObjectStore> inner_;
};

class RefineStageTest : public RefineFixture {
 protected:
  void SetUp() override {
    RefineFixture::SetUp();
    auto refusing = std::make_unique<RefusingStore>(std::move(store_));
    refusing_ = refusing.get();
    store_ = std::move(refusing);
  }

  std::unique_ptr<RefineStage> NewRefine() {
    auto stage = RefineStage::Create(store_.get(), options_, dead_letters_.get());
    EXPECT_TRUE(stage) << stage.error().ToString();
    return stage ? std::move(*stage) : nullptr;
  }

  /// Steps `stage` until silver has consumed every bronze version.
  void RefineAll(RefineStage* stage) {
    ASSERT_TRUE(stage->MarkTarget());
    for (int i = 0; i < 100; ++i) {
      auto reached = stage->ReachedTarget();
      ASSERT_TRUE(reached) << reached.error().ToString();
      if (*reached) return;
      auto step = stage->Step();
      ASSERT_TRUE(step) << step.error().ToString();
    }
    FAIL() << "refine did not reach the bronze version";
  }

  /// Column `column` of every row of `table`, sorted ("NULL" for a null).
  std::vector<std::string> Strings(const char* table, const char* column) {
    std::vector<std::string> out;
    auto opened = delta::DeltaTable::Open(store_.get(), table);
    if (!opened) return out;
    auto scanned = delta::ScanTable(**opened, delta::ScanOptions{.columns = {column}});
    EXPECT_TRUE(scanned) << scanned.error().ToString();
    if (!scanned) return out;
    const Column& values = scanned->batch.column(0);
    for (size_t row = 0; row < values.size(); ++row) {
      out.push_back(values.IsNull(row) ? "NULL" : std::string(values.StringAt(row)));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// The books without gold: every refined message is in silver, quarantine, the DLQ or a duplicate.
  Reconciliation Books() {
    auto books = Reconcile(store_.get());
    EXPECT_TRUE(books) << books.error().ToString();
    if (!books) return {};
    EXPECT_EQ(books->silver_rows + books->quarantined_rows + books->dead_letters + books->duplicates,
              books->refined_rows);
    for (const std::string& problem : books->problems) {
      EXPECT_EQ(problem.find("silver + quarantine"), std::string::npos) << problem;
      EXPECT_EQ(problem.find("commits report"), std::string::npos) << problem;
    }
    return *books;
  }

  RefusingStore* refusing_ = nullptr;
};

TEST_F(RefineStageTest, RepeatsOfAQuarantinedOrderAreQuarantinedOnceAndCountedAsDuplicates) {
  AppendBronze({Event(1, 0), Event(2), Event(1, 0), Event(2), Event(1, 0)});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), std::vector<std::string>{"1"});
  EXPECT_EQ(Strings(kSilverTable, "transaction_no"), std::vector<std::string>{"2"});
  const Reconciliation books = Books();
  EXPECT_EQ(books.duplicates, 3);
  EXPECT_EQ(books.quarantine_duplicates, 2);
  EXPECT_EQ(stage->quarantine_dedupe_keys(), 1u);
}

TEST_F(RefineStageTest, ARepeatInALaterBatchIsStillQuarantinedOnce) {
  AppendBronze({Event(1, 0)});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  AppendBronze({Event(1, 0), Event(3, 0)});
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(Books().quarantine_duplicates, 1);
}

TEST_F(RefineStageTest, AfterARestartTheQuarantineIndexIsRebuiltFromTheTable) {
  AppendBronze({Event(1, 0), Event(4, 0, "null")});
  {
    auto first = NewRefine();
    ASSERT_NE(first, nullptr);
    RefineAll(first.get());
  }
  AppendBronze({Event(4, 0, "null"), Event(1, 0), Event(5, 0)});
  auto restarted = NewRefine();
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(restarted->quarantine_dedupe_keys(), 2u);
  RefineAll(restarted.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "4", "5"}));
  const Reconciliation books = Books();
  EXPECT_EQ(books.quarantined_rows, 3);
  EXPECT_EQ(books.duplicates, 2);
  EXPECT_EQ(books.quarantine_duplicates, 2);
}

TEST_F(RefineStageTest, DifferentBytesOfTheSameNormalizedOrderAreOneQuarantinedOrder) {
  // Whitespace and an unknown field differ; the normalized fields are equal, as silver's dedupe compares them.
  AppendBronze({Event(1, 0), Event(1, 0, R"(" 17490 ")", R"("note":"again",)")});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no").size(), 1u);
  EXPECT_EQ(Books().quarantine_duplicates, 1);
}

TEST_F(RefineStageTest, AnUnconvertibleCurrencyOrderIsQuarantinedOnce) {
  const std::string xyz = Event(7, 2, R"("17490")", R"("Currency":"XYZ",)");
  AppendBronze({xyz, xyz});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  AppendBronze({xyz});
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "broken_rules"), std::vector<std::string>{"unknown_currency"});
  EXPECT_EQ(Books().quarantine_duplicates, 2);
}

/// An order event with this Price and Quantity text (JSON numbers).
std::string PricedEvent(int transaction, std::string_view price, std::string_view quantity) {
  return "{\"TransactionNo\":\"" + std::to_string(transaction) +
         "\",\"Date\":\"12/9/2019\",\"ProductNo\":\"22480\",\"Product\":\"Thing\",\"Price\":" + std::string(price) +
         ",\"Quantity\":" + std::string(quantity) + ",\"CustomerNo\":\"17490\",\"Country\":\"United Kingdom\"}";
}

TEST_F(RefineStageTest, AmountsSilverCannotHoldAreQuarantinedWithTheirReasonOnceAcrossRestarts) {
  const std::string line_total = PricedEvent(11, "5000000000000", "2000000");  // 10^21 cents
  const std::string price = PricedEvent(12, "20000000000000000", "1");         // 2 * 10^18 cents
  const std::string extreme = PricedEvent(13, "99999.99", "2147483647");       // fits: silver
  AppendBronze({line_total, price, extreme, line_total});
  {
    auto stage = NewRefine();
    ASSERT_NE(stage, nullptr);
    RefineAll(stage.get());
  }
  EXPECT_EQ(Strings(kQuarantineTable, "broken_rules"),
            (std::vector<std::string>{"line_total_in_range", "unit_price_in_range"}));
  EXPECT_EQ(Strings(kSilverTable, "transaction_no"), std::vector<std::string>{"13"});
  auto quarantine = delta::DeltaTable::Open(store_.get(), kQuarantineTable);
  ASSERT_TRUE(quarantine);
  auto scanned = delta::ScanTable(**quarantine, delta::ScanOptions{.columns = {"transaction_no", "unit_price"}});
  ASSERT_TRUE(scanned);
  for (size_t row = 0; row < scanned->batch.num_rows(); ++row) {
    const bool price_row = scanned->batch.column(0).StringAt(row) == "12";
    EXPECT_EQ(scanned->batch.column(1).IsNull(row), price_row) << row;  // a price DECIMAL(18,2) cannot hold is null
    if (!price_row) EXPECT_EQ(scanned->batch.column(1).IntAt(row), 500000000000000);
  }
  // A restart rebuilds the quarantine's dedupe keys from the kept values: repeats stay duplicates.
  AppendBronze({price});
  auto restarted = NewRefine();
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(restarted->quarantine_dedupe_keys(), 2u);
  RefineAll(restarted.get());
  const Reconciliation books = Books();
  EXPECT_EQ(books.quarantined_rows, 2);
  EXPECT_EQ(books.quarantine_duplicates, 2);
  EXPECT_EQ(books.dead_letters, 0);
  EXPECT_TRUE(books.silver_net_cents == Cents{9'999'999} * 2'147'483'647);
}

TEST_F(RefineStageTest, ACrashBetweenTheQuarantineAndTheSilverCommitIsRedoneWithTheSameBooks) {
  AppendBronze({Event(1, 0), Event(2), Event(1, 0)});
  {
    auto first = NewRefine();
    ASSERT_NE(first, nullptr);
    RefineAll(first.get());
  }
  AppendBronze({Event(1, 0), Event(3, 0), Event(3, 0), Event(2), Event(4)});
  auto crashing = NewRefine();
  ASSERT_NE(crashing, nullptr);
  refusing_->refuse_next_commit_of = kSilverTable;
  ASSERT_TRUE(crashing->MarkTarget());
  auto failed = crashing->Step();
  ASSERT_FALSE(failed) << "the silver commit was to be refused";
  EXPECT_TRUE(refusing_->refuse_next_commit_of.empty());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "3"}));
  crashing.reset();

  auto restarted = NewRefine();
  ASSERT_NE(restarted, nullptr);
  RefineAll(restarted.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(Strings(kSilverTable, "transaction_no"), (std::vector<std::string>{"2", "4"}));
  const Reconciliation books = Books();
  EXPECT_EQ(books.refined_rows, 8);
  EXPECT_EQ(books.duplicates, 4);             // order 2 once, and three repeats of quarantined orders
  EXPECT_EQ(books.quarantine_duplicates, 3);  // 1 in the first batch; 1 and 3 in the redone one
}

TEST_F(RefineStageTest, ARedoneStepOfTheSameStageKeepsTheBooksToo) {
  const std::string xyz = Event(7, 2, R"("17490")", R"("Currency":"XYZ",)");
  AppendBronze({Event(1, 0), Event(1, 0), Event(2), xyz, xyz});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  refusing_->refuse_next_commit_of = kSilverTable;
  ASSERT_TRUE(stage->MarkTarget());
  ASSERT_FALSE(stage->Step());
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "7"}));
  const Reconciliation books = Books();
  EXPECT_EQ(books.duplicates, 2);
  EXPECT_EQ(books.quarantine_duplicates, 2);
}

// customer_no_format (a default expectation).

TEST_F(RefineStageTest, ACustomerNumberThatIsNotFiveDigitsIsQuarantined) {
  AppendBronze({Event(1, 2, R"("-5")"), Event(2, 2, R"("12345678901234567890123")"), Event(3, 2, "12345678901234567890123"),
                Event(4, 2, R"("1234")"), Event(5, 2, R"("17490")"), Event(6, 2, "17490"), Event(7, 2, R"("NA")"),
                Event(8, 2, "null"), Event(9, 2, R"("")")});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "2", "3", "4"}));
  for (const std::string& rules : Strings(kQuarantineTable, "broken_rules")) EXPECT_EQ(rules, "customer_no_format");
  EXPECT_EQ(Strings(kSilverTable, "customer_no"),
            (std::vector<std::string>{"17490", "17490", "NULL", "NULL", "NULL"}));
}

TEST_F(RefineStageTest, WithPseudonymsTheRuleChecksTheEventsNumberAndSilverKeepsThePseudonym) {
  ASSERT_EQ(setenv("JSM_TEST_REFINE_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef", 1), 0);
  options_.pseudonymize_customer = true;
  options_.pseudonym_key_env = "JSM_TEST_REFINE_PSEUDONYM_KEY";
  AppendBronze({Event(1, 2, R"("-5")"), Event(2, 2, R"("17490")"), Event(3, 2, R"("NA")"), Event(4, 0, R"("17490")"),
                Event(4, 0, R"("17490")")});
  auto stage = NewRefine();
  ASSERT_NE(stage, nullptr);
  RefineAll(stage.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no"), (std::vector<std::string>{"1", "4"}));
  std::vector<std::string> customers = Strings(kSilverTable, "customer_no");
  ASSERT_EQ(customers.size(), 2u);
  if (customers[0] == "NULL") std::swap(customers[0], customers[1]);
  EXPECT_EQ(customers[0].size(), 64u) << customers[0];
  EXPECT_EQ(customers[0].find("17490"), std::string::npos);
  EXPECT_EQ(customers[1], "NULL");
  // The quarantine index is rebuilt with the pseudonymized keys: the repeat is still known.
  AppendBronze({Event(4, 0, R"("17490")")});
  auto restarted = NewRefine();
  ASSERT_NE(restarted, nullptr);
  RefineAll(restarted.get());
  EXPECT_EQ(Strings(kQuarantineTable, "transaction_no").size(), 2u);
  EXPECT_EQ(Books().quarantine_duplicates, 2);
  unsetenv("JSM_TEST_REFINE_PSEUDONYM_KEY");
}

TEST_F(RefineStageTest, ATombstoneAndBytesThatAreNotUtf8AreDeadLetteredWithTheirExactBytes) {
  auto bronze = OpenBronzeTable(store_.get());
  ASSERT_TRUE(bronze) << bronze.error().ToString();
  const std::string hostile("\xff\xfe\x00garbage\x80", 11);
  const std::string order =
      R"({"TransactionNo":"581482","Date":"12/9/2019","ProductNo":"22485","Product":"Crates","Price":21.47,)"
      R"("Quantity":12,"CustomerNo":"17490","Country":"United Kingdom"})";
  const std::optional<std::string_view> values[] = {std::nullopt, std::string_view(hostile), std::string_view(order)};
  const std::optional<std::string_view> keys[] = {std::string_view("t"), std::string_view("\xc3\x28"),
                                                  std::string_view("\x80")};
  RecordBatch batch(BronzeSchema());
  for (int64_t row = 0; row < 3; ++row) {
    AppendBronzeBytes(values[row], &batch.column(kBronzeValue), &batch.column(kBronzeValueRaw));
    AppendBronzeBytes(keys[row], &batch.column(kBronzeKey), &batch.column(kBronzeKeyRaw));
    batch.column(kBronzeTopic).AppendString("pedidos");
    batch.column(kBronzePartition).AppendInt(0);
    batch.column(kBronzeOffset).AppendInt(row);
    batch.column(kBronzeKafkaTimestamp).AppendNull();
    batch.column(kBronzeIngestedAt).AppendInt(NowMicros());
    batch.column(kBronzeHeaders).AppendNull();
  }
  auto add = (*bronze)->WriteDataFile(batch, {});
  ASSERT_TRUE(add) << add.error().ToString();
  ASSERT_TRUE((*bronze)->Commit({*add}, delta::CommitInfo{.operation = "STREAMING UPDATE"}));

  auto refine = RefineStage::Create(store_.get(), options_, dead_letters_.get());
  ASSERT_TRUE(refine) << refine.error().ToString();
  ASSERT_TRUE((*refine)->MarkTarget());
  for (int i = 0; i < 100 && !*(*refine)->ReachedTarget(); ++i) {
    auto step = (*refine)->Step();
    ASSERT_TRUE(step) << step.error().ToString();
  }
  auto reader = kafka::DeadLetterReader::Create(kafka::ClientConfig{broker_->bootstrap_servers(), {}});
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto letters = (*reader)->ReadAll("pedidos.dlq");
  ASSERT_TRUE(letters) << letters.error().ToString();
  ASSERT_EQ(letters->size(), 2u);
  const kafka::StoredDeadLetter& tombstone = (*letters)[0].original_offset == 0 ? (*letters)[0] : (*letters)[1];
  const kafka::StoredDeadLetter& bad = (*letters)[0].original_offset == 0 ? (*letters)[1] : (*letters)[0];
  EXPECT_EQ(tombstone.reason, "null_value");
  EXPECT_FALSE(tombstone.has_value);  // null stays null, not ""
  EXPECT_EQ(tombstone.key, "t");
  EXPECT_EQ(bad.reason, "invalid_utf8");
  EXPECT_TRUE(bad.has_value);
  EXPECT_EQ(bad.value, hostile);
  EXPECT_EQ(bad.key, "\xc3\x28");
  // The good order with a key that is not UTF-8 is an order: silver.
  auto silver = delta::DeltaTable::Open(store_.get(), kSilverTable);
  ASSERT_TRUE(silver);
  int64_t rows = 0;
  for (const auto& [path, file] : (*silver)->snapshot().files) rows += file.num_records;
  EXPECT_EQ(rows, 1);
}

}  // namespace
}  // namespace jsm::pipeline
