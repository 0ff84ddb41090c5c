#include "pipeline/backfill.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/clock.h"
#include "delta/optimize.h"
#include "delta/rewrite.h"
#include "kafka/consumer.h"
#include "kafka/dead_letter.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/aggregate_stage.h"
#include "pipeline/reconciliation.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"
#include "unit/pipeline/refine_fixture.h"

namespace jsm::pipeline {
namespace {

/// One order event; `quantity` 0 breaks the quantity_non_zero drop rule (quarantine).
std::string Event(int transaction, int quantity = 2) {
  return "{\"TransactionNo\":\"" + std::to_string(transaction) + "\",\"Date\":\"12/9/2019\",\"ProductNo\":\"2248" +
         std::to_string(transaction % 10) + "\",\"Product\":\"Thing " + std::to_string(transaction % 10) +
         "\",\"Price\":1.50,\"Quantity\":" + std::to_string(quantity) +
         ",\"CustomerNo\":\"17490\",\"Country\":\"United Kingdom\"}";
}

int64_t Rows(const delta::DeltaTable& table) {
  int64_t rows = 0;
  for (const auto& [path, add] : table.snapshot().files) rows += add.num_records;
  return rows;
}

const delta::CommitInfo* InfoOf(const delta::CommitEntry& commit) {
  for (const delta::Action& action : commit.actions) {
    if (const auto* info = std::get_if<delta::CommitInfo>(&action)) return info;
  }
  return nullptr;
}

TEST(OverwriteActions, RemovesEveryLiveFileThenAddsThenExtras) {
  delta::Snapshot snapshot;
  snapshot.files["a.parquet"] = delta::AddFile{.path = "a.parquet", .size = 10};
  snapshot.files["b.parquet"] = delta::AddFile{.path = "b.parquet", .size = 20};
  delta::AddFile added{.path = "c.parquet", .size = 30};
  added.data_change = false;  // an overwrite's adds are data changes whatever the caller passed
  const auto actions = OverwriteActions(snapshot, {added}, {delta::Txn{kRefineAppId, 7, 1}}, 1234);
  ASSERT_EQ(actions.size(), 4u);
  std::set<std::string> removed;
  for (size_t i = 0; i < 2; ++i) {
    const auto* remove = std::get_if<delta::RemoveFile>(&actions[i]);
    ASSERT_NE(remove, nullptr);
    EXPECT_TRUE(remove->data_change);
    EXPECT_EQ(remove->deletion_timestamp, 1234);
    removed.insert(remove->path);
  }
  EXPECT_EQ(removed, (std::set<std::string>{"a.parquet", "b.parquet"}));
  const auto* add = std::get_if<delta::AddFile>(&actions[2]);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->path, "c.parquet");
  EXPECT_TRUE(add->data_change);
  const auto* txn = std::get_if<delta::Txn>(&actions[3]);
  ASSERT_NE(txn, nullptr);
  EXPECT_EQ(txn->version, 7);
}

TEST(RebuildCommitInfo, IsAWriteOverwriteNamingTheBronzeVersion) {
  const delta::CommitInfo info = RebuildCommitInfo(12);
  EXPECT_EQ(info.operation, "WRITE");
  EXPECT_EQ(info.operation_parameters.at("mode"), "Overwrite");
  EXPECT_EQ(info.operation_parameters.at(kRebuildBronzeVersionParameter), "12");
  EXPECT_TRUE(IsRebuildOverwrite(info));
  delta::CommitInfo gold;  // the aggregate stage's overwrite does not restart silver's books
  gold.operation = "WRITE";
  gold.operation_parameters["mode"] = "Overwrite";
  EXPECT_FALSE(IsRebuildOverwrite(gold));
}

class BackfillTest : public RefineFixture {
 protected:
  std::unique_ptr<RefineStage> Refine() {
    auto refine = RefineStage::Create(store_.get(), options_, dead_letters_.get());
    EXPECT_TRUE(refine) << refine.error().ToString();
    return refine ? std::move(*refine) : nullptr;
  }

  /// Steps `stage` until it reaches its target.
  static void Drain(Stage* stage) {
    ASSERT_TRUE(stage->MarkTarget());
    for (int i = 0; i < 100 && !*stage->ReachedTarget(); ++i) {
      auto step = stage->Step();
      ASSERT_TRUE(step) << step.error().ToString();
    }
    ASSERT_TRUE(*stage->ReachedTarget());
  }

  void Aggregate(bool full_refresh = false) {
    auto aggregate = AggregateStage::Create(store_.get(), options_);
    ASSERT_TRUE(aggregate) << aggregate.error().ToString();
    if (full_refresh) (*aggregate)->RequestFullRefresh();
    Drain(aggregate->get());
  }

  std::unique_ptr<delta::DeltaTable> Table(const char* path) {
    auto table = delta::DeltaTable::Open(store_.get(), path);
    EXPECT_TRUE(table) << path << ": " << table.error().ToString();
    return table ? std::move(*table) : nullptr;
  }

  void ExpectBooksBalance() {
    auto books = Reconcile(store_.get());
    ASSERT_TRUE(books) << books.error().ToString();
    for (const std::string& problem : books->problems) ADD_FAILURE() << problem;
  }

  /// Bronze v1: two orders, a repeat and a quarantined line; v2: two more orders.
  void LoadTwoBronzeVersions() {
    ASSERT_EQ(AppendBronze({Event(1), Event(2), Event(1), Event(4, 0)}), 1);
    ASSERT_EQ(AppendBronze({Event(5), Event(6)}), 2);
  }

};

TEST_F(BackfillTest, RebuildsFromABronzeVersionWrittenBeforeTheHeadersColumn) {
  Schema before_headers = BronzeSchema();
  before_headers.fields.resize(kBronzeHeaders);
  ASSERT_EQ(AppendBronze({Event(1), Event(2), Event(1), Event(4, 0)}, before_headers), 1);
  auto refine = Refine();  // opening bronze adds the headers column (version 2)
  ASSERT_NE(refine, nullptr);
  auto bronze = Table(kBronzeTable);
  ASSERT_EQ(bronze->version(), 2);
  ASSERT_GE(bronze->schema().FieldIndex("headers"), 0);
  auto rebuilt = refine->RebuildFromBronze(1);
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_EQ(rebuilt->input_rows, 4);
  EXPECT_EQ(rebuilt->silver_rows, 2);
  EXPECT_EQ(rebuilt->quarantined, 1);
  EXPECT_EQ(Rows(*Table(kSilverTable)), 2);
}

TEST_F(BackfillTest, RebuildReplacesSilverInOneOverwriteAndIncrementalContinuesAtTheNextVersion) {
  LoadTwoBronzeVersions();
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  Aggregate();
  auto silver = Table(kSilverTable);
  ASSERT_EQ(Rows(*silver), 4);
  const int64_t silver_before = silver->version();

  auto refine = Refine();
  auto rebuilt = refine->RebuildFromBronze(1);
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_EQ(rebuilt->input_rows, 4);
  EXPECT_EQ(rebuilt->silver_rows, 2);
  EXPECT_EQ(rebuilt->quarantined, 1);
  EXPECT_EQ(rebuilt->duplicates, 1);
  EXPECT_EQ(refine->dedupe_keys(), 2u);

  silver = Table(kSilverTable);
  auto quarantine = Table(kQuarantineTable);
  EXPECT_EQ(silver->version(), silver_before + 1);  // one commit
  EXPECT_EQ(Rows(*silver), 2);
  EXPECT_EQ(Rows(*quarantine), 1);
  EXPECT_EQ(silver->AppVersion(kRefineAppId), 1);
  EXPECT_EQ(quarantine->AppVersion(kRefineAppId), 1);
  EXPECT_EQ(silver->AppVersion(kRebuildAppId), quarantine->AppVersion(kRebuildAppId));
  EXPECT_EQ(InterruptedRebuild(*silver, *quarantine), -1);
  auto commit = silver->ReadCommit(silver->version());
  ASSERT_TRUE(commit);
  EXPECT_TRUE(delta::RemovesData(*commit));
  const delta::CommitInfo* info = InfoOf(*commit);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->operation, "WRITE");
  EXPECT_EQ(info->operation_parameters.at("mode"), "Overwrite");
  EXPECT_EQ(info->operation_metrics.at("numInputRows"), "4");
  // Time travel still reads the old contents.
  auto old = delta::DeltaTable::OpenAtVersion(store_.get(), kSilverTable, silver_before);
  ASSERT_TRUE(old) << old.error().ToString();
  EXPECT_EQ(Rows(**old), 4);

  // Limited to the rebuilt version (as a bounded rebuild run is), a Step refines nothing more.
  refine->LimitToBronzeVersion(1);
  ASSERT_TRUE(refine->MarkTarget());
  EXPECT_TRUE(*refine->ReachedTarget());
  ASSERT_TRUE(refine->Step());
  EXPECT_EQ(Rows(*Table(kSilverTable)), 2);
  // Then an incremental run refines exactly bronze v2, once.
  auto incremental = Refine();
  Drain(incremental.get());
  silver = Table(kSilverTable);
  EXPECT_EQ(Rows(*silver), 4);
  EXPECT_EQ(silver->AppVersion(kRefineAppId), 2);
  Aggregate();
  ExpectBooksBalance();
  // A second step finds nothing new.
  ASSERT_TRUE(incremental->Step());
  EXPECT_EQ(Rows(*Table(kSilverTable)), 4);
}

TEST_F(BackfillTest, RebuildUsesTheRulesOfNowAndTheBooksBalanceAfterGoldRefresh) {
  LoadTwoBronzeVersions();
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  Aggregate();
  // A new drop rule: quantity above 1 goes to quarantine from now on.
  options_.expectations.push_back(ExpectationSpec{"small_quantity", "quantity <= 1", "drop"});
  auto refine = Refine();
  ASSERT_TRUE(refine);
  auto rebuilt = refine->RebuildFromBronze(2);
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_EQ(rebuilt->silver_rows, 0);
  // Every row breaks a drop rule now: the five distinct orders are quarantined, the exact repeat
  // is a duplicate of a quarantined order (counted, not quarantined twice).
  EXPECT_EQ(Rows(*Table(kQuarantineTable)), 5);
  EXPECT_EQ(rebuilt->duplicates, 1);
  EXPECT_EQ(rebuilt->quarantine_duplicates, 1);
  Aggregate();
  ExpectBooksBalance();
}

TEST_F(BackfillTest, ARebuildFromAnEarlierVersionSendsNoDeadLetterTwice) {
  // v1 and v2 each hold one message that is not an order (a dead letter), v3 holds orders only.
  ASSERT_EQ(AppendBronze({Event(1), "not json 1"}), 1);
  ASSERT_EQ(AppendBronze({Event(2), "not json 2"}), 2);
  ASSERT_EQ(AppendBronze({Event(3)}), 3);
  auto letters_on_topic = [&] {
    auto consumer = kafka::Consumer::Create(kafka::ClientConfig{broker_->bootstrap_servers(), {}}, "letters");
    EXPECT_TRUE(consumer) << consumer.error().ToString();
    auto marks = (*consumer)->QueryWatermarks("pedidos.dlq", 0);
    EXPECT_TRUE(marks) << marks.error().ToString();
    return marks ? marks->high : -1;
  };
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  ASSERT_EQ(letters_on_topic(), 2);
  // Rebuild from v1: v1's letter was sent before; then v2 and v3 are refined again, incrementally.
  auto refine = Refine();
  auto rebuilt = refine->RebuildFromBronze(1);
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_EQ(rebuilt->dead_letters, 1);
  EXPECT_EQ(Table(kSilverTable)->AppVersion(kLettersSentAppId), 3);
  Drain(refine.get());
  EXPECT_EQ(Table(kSilverTable)->AppVersion(kRefineAppId), 3);
  EXPECT_EQ(Rows(*Table(kSilverTable)), 3);
  EXPECT_EQ(letters_on_topic(), 2) << "no letter was sent a second time";
  // A new bad message after the rebuild still gets its letter.
  ASSERT_EQ(AppendBronze({"not json 4"}), 4);
  Drain(refine.get());
  EXPECT_EQ(letters_on_topic(), 3);
}

TEST_F(BackfillTest, RefusesWithoutWritingAVersionThatDoesNotExistOrIsBeforeAnErase) {
  LoadTwoBronzeVersions();
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  const int64_t silver_version = Table(kSilverTable)->version();
  auto refine = Refine();
  auto missing = refine->RebuildFromBronze(9);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("has versions 0 to 2"), std::string::npos) << missing.error().ToString();

  // A bronze commit that removes data (as jsm erase writes) after version 1.
  auto bronze = Table(kBronzeTable);
  const auto& [path, add] = *bronze->snapshot().files.begin();
  delta::RemoveFile remove{.path = path, .deletion_timestamp = NowMillis(), .size = add.size};
  ASSERT_TRUE(bronze->Commit({remove}, delta::CommitInfo{.operation = "DELETE"}));
  auto before_erase = refine->RebuildFromBronze(1);
  ASSERT_FALSE(before_erase);
  EXPECT_NE(before_erase.error().message().find("removes data"), std::string::npos);
  EXPECT_EQ(Table(kSilverTable)->version(), silver_version);
}

TEST_F(BackfillTest, ReadsTheFilesLiveAtTheVersionEvenAfterALaterCompaction) {
  LoadTwoBronzeVersions();
  auto bronze = Table(kBronzeTable);
  auto optimized = delta::Optimize(bronze.get());
  ASSERT_TRUE(optimized) << optimized.error().ToString();
  ASSERT_GT(optimized->version, 2);  // the two files of v1 and v2 are one file now
  AppendBronze({Event(8)});
  auto refine = Refine();
  auto rebuilt = refine->RebuildFromBronze(1);  // before the compaction: reads v1's own file
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_EQ(rebuilt->input_rows, 4);
  EXPECT_EQ(Rows(*Table(kSilverTable)), 2);
  auto incremental = Refine();  // v2, the compaction (no new rows) and v4
  Drain(incremental.get());
  EXPECT_EQ(Rows(*Table(kSilverTable)), 5);
  Aggregate();
  ExpectBooksBalance();
}

TEST_F(BackfillTest, RefusesAVersionWhoseFilesWereVacuumed) {
  LoadTwoBronzeVersions();
  auto bronze = Table(kBronzeTable);
  for (const auto& [path, add] : bronze->snapshot().files) {
    std::filesystem::remove(std::filesystem::path(dir_.path()) / kBronzeTable / path);
    break;
  }
  auto refine = Refine();
  auto vacuumed = refine->RebuildFromBronze(2);
  ASSERT_FALSE(vacuumed);
  EXPECT_EQ(vacuumed.error().code(), ErrorCode::kInvalidArgument);  // a refusal: `jsm run` exits 4
  EXPECT_NE(vacuumed.error().message().find("VACUUM"), std::string::npos);
  EXPECT_EQ(Rows(*Table(kSilverTable)), 0);
}

TEST_F(BackfillTest, AnInterruptedRebuildIsRefusedByIncrementalRefineAndARerunConverges) {
  LoadTwoBronzeVersions();
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  // As if a rebuild from version 1 crashed after its quarantine commit.
  auto quarantine = Table(kQuarantineTable);
  ASSERT_TRUE(quarantine->Commit(OverwriteActions(quarantine->snapshot(), {},
                                                  {delta::Txn{kRefineAppId, 1, NowMillis()},
                                                   delta::Txn{kRebuildAppId, 42, NowMillis()}},
                                                  NowMillis()),
                                 RebuildCommitInfo(1)));
  EXPECT_EQ(InterruptedRebuild(*Table(kSilverTable), *Table(kQuarantineTable)), 1);
  AppendBronze({Event(7)});
  auto refine = Refine();
  auto step = refine->Step();
  ASSERT_FALSE(step);
  EXPECT_NE(step.error().message().find("--from-bronze-version 1"), std::string::npos) << step.error().ToString();

  auto rerun = refine->RebuildFromBronze(1);
  ASSERT_TRUE(rerun) << rerun.error().ToString();
  EXPECT_EQ(InterruptedRebuild(*Table(kSilverTable), *Table(kQuarantineTable)), -1);
  auto incremental = Refine();
  Drain(incremental.get());
  EXPECT_EQ(Rows(*Table(kSilverTable)), 5);
  EXPECT_EQ(Rows(*Table(kQuarantineTable)), 1);
  Aggregate();
  ExpectBooksBalance();
}

TEST_F(BackfillTest, FullRefreshOverwritesEveryGoldTableAtTheSameSilverVersion) {
  LoadTwoBronzeVersions();
  {
    auto refine = Refine();
    Drain(refine.get());
  }
  Aggregate();
  const char* gold[] = {kDailySalesTable, kProductPerformanceTable, kCountrySummaryTable, kCustomerRfmTable,
                        kMonthlyKpisTable};
  std::vector<int64_t> before;
  for (const char* path : gold) before.push_back(Table(path)->version());
  Aggregate();  // up to date: writes nothing
  for (size_t i = 0; i < std::size(gold); ++i) EXPECT_EQ(Table(gold[i])->version(), before[i]) << gold[i];
  Aggregate(/*full_refresh=*/true);
  const int64_t silver_version = Table(kSilverTable)->version();
  for (size_t i = 0; i < std::size(gold); ++i) {
    auto table = Table(gold[i]);
    EXPECT_EQ(table->version(), before[i] + 1) << gold[i];
    EXPECT_EQ(table->AppVersion(kAggregateAppId), silver_version) << gold[i];
    EXPECT_EQ(table->snapshot().files.size(), 1u) << gold[i];
  }
  ExpectBooksBalance();
}

}  // namespace
}  // namespace jsm::pipeline
