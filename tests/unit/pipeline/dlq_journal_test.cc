#include "pipeline/dlq_journal.h"

#include <gtest/gtest.h>

#include "delta/scan.h"
#include "delta/table.h"
#include "pipeline/event_log.h"
#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {
namespace {

kafka::StoredDeadLetter Letter(int64_t offset) {
  kafka::StoredDeadLetter l;
  l.dlq_topic = "pedidos.dlq";
  l.partition = 0;
  l.offset = offset;
  l.has_key = true;
  l.key = "k" + std::to_string(offset);
  l.has_value = true;
  l.value = R"({"Quantity":"three"})";
  l.headers = {{"dlq.reason", "wrong_type"}, {"dlq.attempts", "3"}, {"dlq.error", "say \"x\"\n"}};
  l.reason = "wrong_type";
  l.error = "say \"x\"\n";
  l.stage = "refine";
  l.original_topic = "pedidos";
  l.original_partition = 4;
  l.original_offset = 100 + offset;
  l.attempts = 3;
  l.failed_at_ms = 1795514461005;
  return l;
}

TEST(DlqJournal, NothingIsHandledInAnEmptyLakehouse) {
  testing::TempDir dir;
  auto store = storage::LocalStore::Open(dir.path());
  ASSERT_TRUE(store);
  auto handled = ReadHandledLetters(store->get());
  ASSERT_TRUE(handled) << handled.error().ToString();
  EXPECT_TRUE(handled->empty());
}

TEST(DlqJournal, RecordedActionsAndParkedLettersAreHandledForTheirClusterOnly) {
  testing::TempDir dir;
  auto store = storage::LocalStore::Open(dir.path());
  ASSERT_TRUE(store);
  const auto replayed = Letter(0), discarded = Letter(1), parked = Letter(2);
  std::vector<DlqAction> actions = {{DlqActionKind::kReplay, &replayed, 1, "pedidos"},
                                    {DlqActionKind::kDiscard, &discarded, 1, ""},
                                    {DlqActionKind::kPark, &parked, 3, ""}};
  auto version = ParkLetters(store->get(), PipelineOptions{}, {actions[2]}, "cluster-a", 1795514500000000);
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_EQ(*version, 1);
  ASSERT_TRUE(RecordDlqActions(store->get(), PipelineOptions{}, actions, "cluster-a", "run1", *version,
                               1795514500000000));
  auto handled = ReadHandledLetters(store->get());
  ASSERT_TRUE(handled);
  EXPECT_EQ(*handled, (std::map<std::string, std::string>{{"pedidos.dlq 0@0 cluster=cluster-a", "replay"},
                                                          {"pedidos.dlq 0@1 cluster=cluster-a", "discard"},
                                                          {"pedidos.dlq 0@2 cluster=cluster-a", "park"}}));
  EXPECT_FALSE(handled->contains(DlqLetterKey(replayed, "cluster-b")));

  // The event log rows say what happened to which letter.
  auto log = delta::DeltaTable::Open(store->get(), kEventLogTable);
  ASSERT_TRUE(log);
  ASSERT_EQ((*log)->snapshot().files.size(), 1u);
  auto rows =
      (*log)->ReadDataFile((*log)->snapshot().files.begin()->first,
                           {"stage", "batch_id", "target_table", "target_version", "action", "rows_out"});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->num_rows(), 3u);
  EXPECT_EQ(rows->column(0).StringAt(0), "dlq");
  EXPECT_EQ(rows->column(1).StringAt(0), "dlq-replay-run1");
  EXPECT_EQ(rows->column(2).StringAt(0), "pedidos");
  EXPECT_EQ(rows->column(2).StringAt(1), "-");
  EXPECT_EQ(rows->column(2).StringAt(2), kDlqParkedTable);
  EXPECT_TRUE(rows->column(3).IsNull(0));
  EXPECT_EQ(rows->column(3).IntAt(2), 1);
  EXPECT_EQ(rows->column(4).StringAt(1), "discard");
  EXPECT_EQ(rows->column(5).IntAt(1), 0);

  // The parked row keeps the letter whole.
  auto table = delta::DeltaTable::Open(store->get(), kDlqParkedTable);
  ASSERT_TRUE(table);
  auto park_rows = (*table)->ReadDataFile((*table)->snapshot().files.begin()->first);
  ASSERT_TRUE(park_rows);
  ASSERT_EQ(park_rows->num_rows(), 1u);
  EXPECT_EQ(park_rows->column("key").StringAt(0), "k2");
  EXPECT_EQ(park_rows->column("value").StringAt(0), R"({"Quantity":"three"})");
  EXPECT_EQ(park_rows->column("headers").StringAt(0),
            R"({"dlq.reason":"wrong_type","dlq.attempts":"3","dlq.error":"say \"x\"\n"})");
  EXPECT_EQ(park_rows->column("attempts").IntAt(0), 3);
  EXPECT_EQ(park_rows->column("original_offset").IntAt(0), 102);
  EXPECT_EQ(park_rows->column("parked_at").IntAt(0), 1795514500000000);
  EXPECT_EQ(park_rows->column("failed_at").IntAt(0), 1795514461005000);
  EXPECT_TRUE(park_rows->column("first_failed_at").IsNull(0));
}

TEST(DlqJournal, FindsItsRowsAmongTheStagesBatchesWithoutReadingThem) {
  testing::TempDir dir;
  auto store = storage::LocalStore::Open(dir.path());
  ASSERT_TRUE(store);
  auto log = EventLog::Open(store->get(), PipelineOptions{});
  ASSERT_TRUE(log);
  BatchEvent batch;
  batch.stage = "refine";
  batch.target_table = "silver/pedidos";
  batch.source_range = "pedidos.dlq 0@0 cluster=c";  // looks like a letter, but is no dlq row
  ASSERT_TRUE((*log)->Append(batch));
  const auto letter = Letter(1);
  ASSERT_TRUE(RecordDlqActions(store->get(), PipelineOptions{}, {{DlqActionKind::kDiscard, &letter, 1, ""}},
                               "c", "r", -1, 0));
  auto handled = ReadHandledLetters(store->get());
  ASSERT_TRUE(handled) << handled.error().ToString();
  EXPECT_EQ(*handled, (std::map<std::string, std::string>{{"pedidos.dlq 0@1 cluster=c", "discard"}}));
  // The file of the refine batch is skipped by its stats, not read.
  auto table = delta::DeltaTable::Open(store->get(), kEventLogTable);
  ASSERT_TRUE(table);
  delta::ScanOptions scan;
  scan.filters = {{"stage", delta::CompareOp::kEq, "dlq"}};
  auto scanned = delta::ScanTable(**table, scan);
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->files_total, 2);
  EXPECT_EQ(scanned->files_read, 1);
}

TEST(DlqJournal, ParkingNothingWritesNothing) {
  testing::TempDir dir;
  auto store = storage::LocalStore::Open(dir.path());
  ASSERT_TRUE(store);
  auto version = ParkLetters(store->get(), PipelineOptions{}, {}, "c", 0);
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, -1);
  ASSERT_TRUE(RecordDlqActions(store->get(), PipelineOptions{}, {}, "c", "r", -1, 0));
  EXPECT_FALSE(delta::DeltaTable::Open(store->get(), kDlqParkedTable));
  EXPECT_FALSE(delta::DeltaTable::Open(store->get(), kEventLogTable));
}

TEST(DlqJournal, ParkedBytesThatAreNotUtf8GoToTheBinaryColumnsAndHeadersStayJson) {
  testing::TempDir dir;
  auto store = storage::LocalStore::Open(dir.path());
  ASSERT_TRUE(store);
  kafka::StoredDeadLetter hostile = Letter(5);
  hostile.value = std::string("\xff\xfe\x00garbage\x80", 11);
  hostile.key = "\xc3\x28";
  hostile.headers.push_back({"\xff\xfe", "\x80v"});
  kafka::StoredDeadLetter tombstone = Letter(6);
  tombstone.has_value = false;
  tombstone.value.clear();
  auto version = ParkLetters(store->get(), PipelineOptions{},
                             {{DlqActionKind::kPark, &hostile, 3, ""}, {DlqActionKind::kPark, &tombstone, 3, ""}},
                             "c", 1795514500000000);
  ASSERT_TRUE(version) << version.error().ToString();
  auto parked = delta::DeltaTable::Open(store->get(), kDlqParkedTable);
  ASSERT_TRUE(parked);
  auto rows = (*parked)->ReadDataFile((*parked)->snapshot().files.begin()->first,
                                      {"key", "value", "key_raw", "value_raw", "headers"});
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->num_rows(), 2u);
  EXPECT_TRUE(rows->column(0).IsNull(0));
  EXPECT_EQ(rows->column(2).StringAt(0), "\xc3\x28");
  EXPECT_TRUE(rows->column(1).IsNull(0));
  EXPECT_EQ(rows->column(3).StringAt(0), hostile.value);
  EXPECT_NE(rows->column(4).StringAt(0).find(R"("base64://4=":{"base64":"gHY="})"), std::string::npos)
      << rows->column(4).StringAt(0);
  EXPECT_TRUE(rows->column(1).IsNull(1));  // a tombstone's letter: null in both
  EXPECT_TRUE(rows->column(3).IsNull(1));
}

}  // namespace
}  // namespace jsm::pipeline
