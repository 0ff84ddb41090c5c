// The dead-letter round trip as a library, against the embedded broker: bad
// events are dead-lettered, fixed with --set and replayed into silver exactly
// once, handled letters are never handled twice, and a letter that keeps failing
// is parked after max_attempts.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "delta/table.h"
#include "kafka/dead_letter_lineage.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/dlq_journal.h"
#include "pipeline/dlq_session.h"
#include "pipeline/event_log.h"
#include "pipeline/pipeline_runner.h"
#include "storage/object_store.h"

namespace jsm::pipeline {
namespace {

const char* kGood[] = {
    R"({"TransactionNo":"581482","Date":"12/9/2019","ProductNo":"22485","Product":"Crates","Price":21.47,"Quantity":12,"CustomerNo":"17490","Country":"United Kingdom"})",
    R"({"TransactionNo":"581475","Date":"12/9/2019","ProductNo":"22596","Product":"Chalkboard","Price":10.65,"Quantity":36,"CustomerNo":"13069","Country":"United Kingdom"})",
};
const char* kTextQuantity =
    R"({"TransactionNo":"581476","Date":"12/9/2019","ProductNo":"22597","Product":"Star","Price":1.50,"Quantity":"three","CustomerNo":"13069","Country":"France"})";
const char* kMissingQuantity =
    R"({"TransactionNo":"581477","Date":"12/9/2019","ProductNo":"22598","Product":"Moon","Price":2.25,"CustomerNo":"13069","Country":"France"})";
const char* kNotJson = "this is not an order";

class DlqRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = kafka::EmbeddedBroker::Start(1, {{"pedidos", 3, 1}, {"pedidos.dlq", 1, 1}});
    ASSERT_TRUE(broker) << broker.error().ToString();
    broker_ = std::move(*broker);
    options_.bootstrap = broker_->bootstrap_servers();
    options_.lakehouse = ::testing::TempDir() + "/jsm-dlq-round-trip-" + std::to_string(::getpid());
    std::filesystem::remove_all(options_.lakehouse);
    auto store = storage::OpenStore(options_.lakehouse);
    ASSERT_TRUE(store);
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(options_.lakehouse); }

  void Produce(const std::vector<std::pair<std::string, std::string>>& events) {
    auto producer = kafka::Producer::Create(kafka::ClientConfig{options_.bootstrap, {}});
    ASSERT_TRUE(producer);
    for (const auto& [key, value] : events) ASSERT_TRUE((*producer)->Produce("pedidos", key, value));
    ASSERT_TRUE((*producer)->Flush(10000));
  }

  void RunAvailableNow() {
    RunRequest request;
    request.options = options_;
    request.mode = RunMode::kAvailableNow;
    auto report = RunPipeline(std::move(request));
    ASSERT_TRUE(report) << report.error().ToString();
  }

  std::map<std::string, int64_t> SilverQuantities() {
    std::map<std::string, int64_t> out;
    auto table = delta::DeltaTable::Open(store_.get(), "silver/pedidos");
    EXPECT_TRUE(table);
    if (!table) return out;
    for (const auto& [path, add] : (*table)->snapshot().files) {
      auto rows = (*table)->ReadDataFile(path, {"transaction_no", "quantity"});
      EXPECT_TRUE(rows);
      for (size_t r = 0; r < rows->num_rows(); ++r) {
        EXPECT_TRUE(out.emplace(std::string(rows->column(0).StringAt(r)), rows->column(1).IntAt(r)).second)
            << "twice in silver: " << rows->column(0).StringAt(r);
      }
    }
    return out;
  }

  std::unique_ptr<DlqSession> Session() {
    auto session = DlqSession::Open(store_.get(), options_, 10000);
    EXPECT_TRUE(session) << session.error().ToString();
    return session ? std::move(*session) : nullptr;
  }

  DlqExecution Replay(const std::vector<std::string>& sets, const DlqFilter& filter = {}) {
    std::unique_ptr<DlqSession> session = Session();
    auto selected = session->Select(filter, false);
    EXPECT_TRUE(selected);
    std::vector<FieldAssignment> assignments;
    for (const std::string& s : sets) assignments.push_back(*ParseFieldAssignment(s));
    auto done =
        session->Execute(PlanReplay(*selected, assignments, static_cast<int>(options_.dlq_max_attempts)));
    EXPECT_TRUE(done) << done.error().ToString();
    return done ? *done : DlqExecution{};
  }

  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  PipelineOptions options_;
  std::unique_ptr<storage::ObjectStore> store_;
};

TEST_F(DlqRoundTrip, FixedLettersLandInSilverOnceAndAStubbornOneIsParked) {
  Produce({{"581482", kGood[0]},
           {"581475", kGood[1]},
           {"581476", kTextQuantity},
           {"581477", kMissingQuantity},
           {"x", kNotJson}});
  RunAvailableNow();
  EXPECT_EQ(SilverQuantities().size(), 2u);

  // Every letter carries the contract; list sees three pending letters.
  std::unique_ptr<DlqSession> session = Session();
  ASSERT_EQ(session->letters().size(), 3u);
  std::map<std::string, int> reasons;
  for (const auto& l : session->letters()) {
    EXPECT_TRUE(l.problems.empty()) << l.problems.front();
    EXPECT_EQ(l.attempts, 1);
    EXPECT_EQ(l.stage, "refine");
    EXPECT_EQ(l.original_topic, "pedidos");
    reasons[l.reason]++;
  }
  EXPECT_EQ(reasons, (std::map<std::string, int>{{"missing_field", 1}, {"not_json", 1}, {"wrong_type", 1}}));

  // --set Quantity=3 fixes the two JSON letters; the non-JSON one is skipped, not guessed.
  DlqExecution first = Replay({"Quantity=3"});
  EXPECT_EQ(first.replayed, 2);
  EXPECT_EQ(first.skipped, 1);
  EXPECT_EQ(first.offsets_warning, "");
  {
    // The skipped letter keeps group jsm-dlq's offset at or before it.
    auto reader = kafka::DeadLetterReader::Create(kafka::ClientConfig{options_.bootstrap, {}}, 10000);
    ASSERT_TRUE(reader);
    std::unique_ptr<DlqSession> s = Session();
    auto left = s->Select({}, false);
    ASSERT_TRUE(left);
    ASSERT_EQ(left->size(), 1u);
    auto committed = (*reader)->CommittedOffsets("pedidos.dlq");
    ASSERT_TRUE(committed) << committed.error().ToString();
    EXPECT_EQ(committed->at(0), (*left)[0]->offset);
  }
  RunAvailableNow();
  auto silver = SilverQuantities();
  EXPECT_EQ(silver.size(), 4u);
  EXPECT_EQ(silver["581476"], 3);
  EXPECT_EQ(silver["581477"], 3);
  EXPECT_EQ(silver["581482"], 12);

  // A second replay with the same fix finds only the skipped letter again.
  DlqExecution again = Replay({"Quantity=3"});
  EXPECT_EQ(again.replayed, 0);
  EXPECT_EQ(again.skipped, 1);

  // The non-JSON letter replayed as is fails again, twice, then is parked.
  for (int attempt = 2; attempt <= 3; ++attempt) {
    DlqExecution done = Replay({});
    EXPECT_EQ(done.replayed, 1) << "attempt " << attempt;
    RunAvailableNow();
    std::unique_ptr<DlqSession> s = Session();
    auto pending = s->Select({}, false);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ((*pending)[0]->attempts, attempt) << "lineage counts attempts";
    EXPECT_EQ((*pending)[0]->reason, "not_json");
  }
  DlqExecution parked = Replay({});
  EXPECT_EQ(parked.replayed, 0);
  EXPECT_EQ(parked.parked, 1);
  auto table = delta::DeltaTable::Open(store_.get(), kDlqParkedTable);
  ASSERT_TRUE(table);
  auto rows =
      (*table)->ReadDataFile((*table)->snapshot().files.begin()->first, {"value", "attempts", "reason"});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->num_rows(), 1u);
  EXPECT_EQ(rows->column(0).StringAt(0), kNotJson);
  EXPECT_EQ(rows->column(1).IntAt(0), 3);
  EXPECT_EQ(rows->column(2).StringAt(0), "not_json");

  // Nothing is pending any more; silver never saw a duplicate.
  EXPECT_TRUE(Session()->Select({}, false)->empty());
  EXPECT_EQ(SilverQuantities().size(), 4u);
}

TEST_F(DlqRoundTrip, DiscardedLettersAreRecordedAndNeverReplayed) {
  Produce({{"581476", kTextQuantity}, {"x", kNotJson}});
  RunAvailableNow();
  std::unique_ptr<DlqSession> session = Session();
  DlqFilter not_json;
  not_json.reason = "not_json";
  auto selected = session->Select(not_json, false);
  ASSERT_TRUE(selected);
  ASSERT_EQ(selected->size(), 1u);
  auto discarded = session->Execute(PlanDiscard(*selected));
  ASSERT_TRUE(discarded);
  EXPECT_EQ(discarded->discarded, 1);
  DlqExecution rest = Replay({"Quantity=3"});
  EXPECT_EQ(rest.replayed, 1);
  EXPECT_EQ(rest.skipped, 0);
  auto all = Session()->Select({}, true);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_TRUE(Session()->Select({}, false)->empty());
  // Group jsm-dlq's offsets say so too, for lag tools.
  auto reader = kafka::DeadLetterReader::Create(kafka::ClientConfig{options_.bootstrap, {}}, 10000);
  ASSERT_TRUE(reader);
  auto committed = (*reader)->CommittedOffsets("pedidos.dlq");
  ASSERT_TRUE(committed) << committed.error().ToString();
  EXPECT_EQ(*committed, (std::map<int32_t, int64_t>{{0, 2}}));
}

}  // namespace
}  // namespace jsm::pipeline
