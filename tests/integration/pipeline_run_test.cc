// The pipeline as a library: synthetic orders and malformed messages through
// the embedded broker into a temporary lakehouse.

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <map>
#include <set>

#include "delta/table.h"
#include "kafka/consumer.h"
#include "kafka/embedded_broker.h"
#include "kafka/producer.h"
#include "pipeline/event_log.h"
#include "pipeline/pipeline_runner.h"
#include "pipeline/table_schemas.h"
#include "storage/object_store.h"

namespace jsm::pipeline {
namespace {

std::string FreshLakehouse(const std::string& name) {
  std::string path = ::testing::TempDir() + "/jsm-" + name + "-" + std::to_string(::getpid());
  std::filesystem::remove_all(path);
  return path;
}

TEST(PipelineRun, SyntheticOrdersDrainToGoldAndBalance) {
  RunRequest request;
  request.options.lakehouse = FreshLakehouse("synthetic");
  request.options.ingest_commit_messages = 2000;
  request.mode = RunMode::kUntilDrained;
  request.source = std::make_unique<model::SyntheticOrderSource>(10000, 3);
  auto report = RunPipeline(std::move(request));
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->produced, 10000);
  ASSERT_TRUE(report->reconciliation);
  const Reconciliation& books = *report->reconciliation;
  EXPECT_TRUE(books.balanced()) << books.problems.front();
  EXPECT_EQ(books.bronze_rows, 10000);
  EXPECT_GT(books.duplicates, 0);
  EXPECT_EQ(books.dead_letters, 0);
  EXPECT_EQ(books.silver_rows + books.duplicates + books.quarantined_rows, 10000);
}

TEST(PipelineRun, SecondReplayOfSameOrdersAddsNothingToSilver) {
  const std::string lakehouse = FreshLakehouse("twice");
  int64_t silver_after_first = -1;
  for (int run = 0; run < 2; ++run) {
    RunRequest request;
    request.options.lakehouse = lakehouse;
    request.mode = RunMode::kUntilDrained;
    request.source = std::make_unique<model::SyntheticOrderSource>(3000, 11);
    auto report = RunPipeline(std::move(request));
    ASSERT_TRUE(report) << report.error().ToString();
    const Reconciliation& books = *report->reconciliation;
    EXPECT_TRUE(books.balanced()) << books.problems.front();
    EXPECT_EQ(books.bronze_rows, 3000 * (run + 1));
    if (run == 0) {
      silver_after_first = books.silver_rows;
    } else {
      // Every order of the second replay repeats one of the first: all are duplicates.
      EXPECT_EQ(books.silver_rows, silver_after_first);
      EXPECT_EQ(books.duplicates, 6000 - silver_after_first - books.quarantined_rows);
    }
  }
}

/// Malformed messages of every kind, keyed "bad-<i>".
std::vector<std::pair<std::string, std::string>> MalformedMessages(std::map<std::string, std::string>* reasons) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string value, const char* reason) {
    std::string key = "bad-" + std::to_string(out.size());
    (*reasons)[key] = reason;
    out.emplace_back(key, std::move(value));
  };
  const std::string good_tail = R"("Date":"12/9/2019","ProductNo":"22485","Product":"Crate","Price":21.47,"Quantity":12,"CustomerNo":"17490","Country":"United Kingdom"})";
  for (int i = 0; i < 60; ++i) add("this is not json " + std::to_string(i), "not_json");
  for (int i = 0; i < 60; ++i) add(R"({"TransactionNo":"58)" + std::to_string(1000 + i) + R"(","Date":"12/9/2019"})", "missing_field");
  for (int i = 0; i < 60; ++i) add(R"({"TransactionNo":58)" + std::to_string(1000 + i) + "," + good_tail, "wrong_type");
  for (int i = 0; i < 60; ++i) add(R"({"TransactionNo":"5810)" + std::to_string(i) + R"(","Date":"12/9/2019","ProductNo":"22485","Product":"Crate","Price":"cheap","Quantity":12,"CustomerNo":"17490","Country":"United Kingdom"})", "wrong_type");
  for (int i = 0; i < 60; ++i) add(std::string(R"({"TransactionNo":"5812)") + std::to_string(i) + "\xff\xfe\"," + good_tail, "invalid_utf8");
  add(std::string(R"({"TransactionNo":"581300",)") + R"("Pad":")" + std::string(1 << 20, 'x') + "\"," + good_tail, "oversize");
  return out;
}

TEST(PipelineRun, MalformedMessagesLandInBronzeAndTheDeadLetterTopicOnly) {
  auto broker = kafka::EmbeddedBroker::Start(1, kafka::DefaultTopics("pedidos"));
  ASSERT_TRUE(broker) << broker.error().ToString();
  kafka::ClientConfig client{(*broker)->bootstrap_servers(), {{"message.max.bytes", "3000000"}}};
  auto producer = kafka::Producer::Create(client);
  ASSERT_TRUE(producer) << producer.error().ToString();
  std::map<std::string, std::string> reasons;
  const auto bad = MalformedMessages(&reasons);
  model::SyntheticOrderSource good(5000, 5);
  model::OrderRecord record;
  std::string json;
  for (size_t i = 0; good.Next(&record); ++i) {
    json.clear();
    model::AppendOrderEventJson(record, &json);
    ASSERT_TRUE((*producer)->Produce("pedidos", record.transaction_no, json));
    if (i % 16 == 0 && i / 16 < bad.size()) {
      ASSERT_TRUE((*producer)->Produce("pedidos", bad[i / 16].first, bad[i / 16].second));
    }
  }
  for (size_t i = 5000 / 16 + 1; i < bad.size(); ++i) {
    ASSERT_TRUE((*producer)->Produce("pedidos", bad[i].first, bad[i].second));
  }
  ASSERT_TRUE((*producer)->Flush(30000));
  ASSERT_EQ((*producer)->delivered(), static_cast<int64_t>(5000 + bad.size()));

  const std::string lakehouse = FreshLakehouse("bad");
  RunRequest request;
  request.options.lakehouse = lakehouse;
  request.options.bootstrap = client.bootstrap_servers;
  request.options.kafka_properties = client.properties;
  request.options.max_event_bytes = 64 * 1024;
  request.mode = RunMode::kAvailableNow;
  auto report = RunPipeline(std::move(request));
  ASSERT_TRUE(report) << report.error().ToString();

  auto store = storage::OpenStore(lakehouse);
  ASSERT_TRUE(store);
  auto books = Reconcile(store->get(), static_cast<int64_t>(5000 + bad.size()));
  ASSERT_TRUE(books) << books.error().ToString();
  EXPECT_TRUE(books->balanced()) << books->problems.front();
  EXPECT_EQ(books->dead_letters, static_cast<int64_t>(bad.size()));

  // Bronze holds every message, good and bad, each once.
  auto bronze = delta::DeltaTable::Open(store->get(), kBronzeTable);
  ASSERT_TRUE(bronze);
  std::set<std::pair<int, int64_t>> bronze_coordinates;
  size_t bad_in_bronze = 0;
  for (const auto& [path, add] : (*bronze)->snapshot().files) {
    auto rows = (*bronze)->ReadDataFile(path, {"key", "partition", "offset"});
    ASSERT_TRUE(rows) << rows.error().ToString();
    for (size_t r = 0; r < rows->num_rows(); ++r) {
      bronze_coordinates.insert({static_cast<int>(rows->column(1).IntAt(r)), rows->column(2).IntAt(r)});
      bad_in_bronze += rows->column(0).StringAt(r).starts_with("bad-");
    }
  }
  EXPECT_EQ(bronze_coordinates.size(), 5000 + bad.size());
  EXPECT_EQ(bad_in_bronze, bad.size());
  // Nothing else is affected: the good orders are all in silver or removed as duplicates.
  EXPECT_EQ(books->silver_rows + books->duplicates + books->quarantined_rows, 5000);

  // The dead-letter topic holds every malformed message, unchanged, with the contract's headers.
  auto consumer = kafka::Consumer::Create(client, "dlq-check");
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->AssignAll("pedidos.dlq", {}));
  std::map<std::string, std::string> seen;
  std::vector<kafka::Message> messages;
  for (int attempt = 0; attempt < 200 && seen.size() < bad.size(); ++attempt) {
    ASSERT_TRUE((*consumer)->Poll(1000, 100, &messages));
    for (const kafka::Message& m : messages) {
      std::string key(m.key);
      auto original = std::find_if(bad.begin(), bad.end(), [&](const auto& b) { return b.first == key; });
      ASSERT_NE(original, bad.end()) << "a good order was dead-lettered: " << key;
      EXPECT_EQ(m.value, original->second);
      std::map<std::string, std::string> headers;
      for (const kafka::HeaderView& h : kafka::MessageHeaders(m)) headers[std::string(h.name)] = std::string(h.value);
      EXPECT_EQ(headers["dlq.reason"], reasons[key]) << key;
      EXPECT_FALSE(headers["dlq.error"].empty());
      EXPECT_EQ(headers["dlq.stage"], "refine");
      EXPECT_EQ(headers["dlq.original.topic"], "pedidos");
      EXPECT_EQ(bronze_coordinates.count({std::stoi(headers["dlq.original.partition"]),
                                          std::stoll(headers["dlq.original.offset"])}), 1u) << key;
      EXPECT_GT(std::stoll(headers["dlq.original.timestamp"]), 0);
      EXPECT_EQ(headers["dlq.first_failed_at"].size(), 24u) << headers["dlq.first_failed_at"];
      EXPECT_EQ(headers["dlq.failed_at"].size(), 24u);
      EXPECT_EQ(headers["dlq.attempts"], "1");
      EXPECT_EQ(headers["dlq.pipeline_version"], JSM_VERSION);
      seen[key] = std::string(m.value);
    }
  }
  EXPECT_EQ(seen.size(), bad.size());
}

}  // namespace
}  // namespace jsm::pipeline

namespace jsm::pipeline {
namespace {

TEST(PipelineRun, LinesBreakingQualityRulesGoToQuarantineWithTheirReasons) {
  auto broker = kafka::EmbeddedBroker::Start(1, kafka::DefaultTopics("pedidos"));
  ASSERT_TRUE(broker) << broker.error().ToString();
  kafka::ClientConfig client{(*broker)->bootstrap_servers(), {}};
  auto producer = kafka::Producer::Create(client);
  ASSERT_TRUE(producer);
  auto event = [](const char* transaction, const char* product, const char* price, const char* quantity) {
    model::OrderRecord record{transaction, "12/9/2019", product, "Crate", price, quantity, "17490", "EIRE"};
    std::string json;
    model::AppendOrderEventJson(record, &json);
    return json;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {event("581001", "22485", "2.10", "3"), ""},
      {event("581002", "22485", "2.10", "0"), "quantity_non_zero"},
      {event("581003", "ABC", "2.10", "3"), "product_no_pattern"},
      {event("581004", "22485", "0", "3"), "price_positive"},
      {event("C581005", "22485", "2.10", "3"), "quantity_sign_matches_cancellation"},
      {event("X581006", "22485", "2.10", "-3"), "transaction_no_pattern,quantity_sign_matches_cancellation"},
  };
  for (const auto& [json, reasons] : cases) ASSERT_TRUE((*producer)->Produce("pedidos", "k", json));
  ASSERT_TRUE((*producer)->Flush(30000));

  const std::string lakehouse = FreshLakehouse("quarantine");
  RunRequest request;
  request.options.lakehouse = lakehouse;
  request.options.bootstrap = client.bootstrap_servers;
  request.mode = RunMode::kAvailableNow;
  auto report = RunPipeline(std::move(request));
  ASSERT_TRUE(report) << report.error().ToString();

  auto store = storage::OpenStore(lakehouse);
  ASSERT_TRUE(store);
  auto books = Reconcile(store->get(), static_cast<int64_t>(cases.size()));
  ASSERT_TRUE(books);
  EXPECT_TRUE(books->balanced()) << books->problems.front();
  EXPECT_EQ(books->silver_rows, 1);
  EXPECT_EQ(books->quarantined_rows, 5);
  auto quarantine = delta::DeltaTable::Open(store->get(), kQuarantineTable);
  ASSERT_TRUE(quarantine);
  std::multiset<std::string> got, expected;
  for (const auto& [path, add] : (*quarantine)->snapshot().files) {
    auto rows = (*quarantine)->ReadDataFile(path, {"broken_rules", "value"});
    ASSERT_TRUE(rows);
    for (size_t r = 0; r < rows->num_rows(); ++r) {
      got.insert(std::string(rows->column(0).StringAt(r)));
      EXPECT_TRUE(rows->column(1).StringAt(r).starts_with("{\"TransactionNo\""));
    }
  }
  for (const auto& [json, reasons] : cases) {
    if (!reasons.empty()) expected.insert(reasons);
  }
  EXPECT_EQ(got, expected);
  // The event log counts each rule's failures.
  auto summaries = SummarizeExpectations(store->get(), 0);
  ASSERT_TRUE(summaries);
  std::map<std::string, int64_t> failures;
  for (const auto& s : *summaries) {
    failures[s.name] = s.failed;
    EXPECT_EQ(s.passed + s.failed, 6) << s.name;
  }
  EXPECT_EQ(failures["quantity_sign_matches_cancellation"], 2);
  EXPECT_EQ(failures["transaction_no_pattern"], 1);
  EXPECT_EQ(failures["price_positive"], 1);
}

}  // namespace
}  // namespace jsm::pipeline
