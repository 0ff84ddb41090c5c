#include "kafka/dead_letter_reader.h"

#include <gtest/gtest.h>

#include <set>

#include "kafka/dead_letter.h"
#include "unit/kafka/kafka_test_support.h"

namespace jsm::kafka {
namespace {

using testing::ConfigFor;
using testing::CreateTestTopic;
using testing::SharedBroker;

DeadLetter Letter(std::string_view key, std::string_view value, std::string_view reason, int64_t offset) {
  DeadLetter letter;
  letter.key = key;
  letter.value = value;
  letter.reason = reason;
  letter.error = "field Quantity is a string";
  letter.stage = "refine";
  letter.original_topic = "pedidos";
  letter.original_partition = 2;
  letter.original_offset = offset;
  letter.original_timestamp_ms = 1764000000123;
  letter.first_failed_at_ms = 1795514400123;
  letter.attempts = 2;
  return letter;
}

TEST(DeadLetterTime, ParsesTheContractFormat) {
  EXPECT_EQ(ParseDeadLetterTime("2026-11-24T10:00:00.123Z").value(), 1795514400123);
  EXPECT_EQ(ParseDeadLetterTime("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(ParseDeadLetterTime("1970-01-01T00:00:01.5Z").value(), 1500);
  EXPECT_EQ(ParseDeadLetterTime("1970-01-01T00:00:01.123456Z").value(), 1123);
}

TEST(DeadLetterTime, RejectsOtherShapes) {
  for (const char* bad : {"", "2026-11-24", "2026-11-24 10:00:00Z", "2026-11-24T10:00:00",
                          "2026-13-01T00:00:00Z", "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00.12aZ"}) {
    EXPECT_FALSE(ParseDeadLetterTime(bad)) << bad;
  }
}

TEST(DecodeDeadLetterHeaders, ReadsBackEveryFieldTheWriterPuts) {
  StoredDeadLetter stored;
  stored.headers = DeadLetterHeaders(Letter("k", "v", "wrong_type", 77), "0.1.0", 1795514461005);
  DecodeDeadLetterHeaders(&stored);
  EXPECT_TRUE(stored.problems.empty()) << stored.problems.front();
  EXPECT_EQ(stored.reason, "wrong_type");
  EXPECT_EQ(stored.error, "field Quantity is a string");
  EXPECT_EQ(stored.stage, "refine");
  EXPECT_EQ(stored.original_topic, "pedidos");
  EXPECT_EQ(stored.original_partition, 2);
  EXPECT_EQ(stored.original_offset, 77);
  EXPECT_EQ(stored.original_timestamp_ms, 1764000000123);
  EXPECT_EQ(stored.first_failed_at_ms, 1795514400123);
  EXPECT_EQ(stored.failed_at_ms, 1795514461005);
  EXPECT_EQ(stored.attempts, 2);
  EXPECT_EQ(stored.pipeline_version, "0.1.0");
}

TEST(DecodeDeadLetterHeaders, NotesMissingAndUnreadableHeaders) {
  StoredDeadLetter stored;
  stored.headers = {{"dlq.reason", "not_json"}, {"dlq.attempts", "many"}, {"dlq.failed_at", "yesterday"}};
  DecodeDeadLetterHeaders(&stored);
  EXPECT_EQ(stored.reason, "not_json");
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.failed_at_ms, -1);
  auto has = [&](std::string_view needle) {
    for (const std::string& p : stored.problems) {
      if (p.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("dlq.attempts: 'many' is not a number"));
  EXPECT_TRUE(has("dlq.failed_at:"));
  EXPECT_TRUE(has("dlq.stage: missing"));
  EXPECT_FALSE(has("dlq.reason"));
}

TEST(FindHeader, TheLastOfRepeatedNamesWins) {
  const std::vector<Header> headers = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  ASSERT_NE(FindHeader(headers, "a"), nullptr);
  EXPECT_EQ(FindHeader(headers, "a")->value, "3");
  EXPECT_EQ(FindHeader(headers, "c"), nullptr);
}

TEST(DeadLetterReader, ReadsEveryLetterWithKeyValueAndHeadersUpToTheStartWatermark) {
  const std::string main = CreateTestTopic(3);
  const std::string dlq = CreateTestTopic(2, ".dlq");
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  DeadLetterWriter writer(producer->get(), dlq, "0.1.0");
  for (int i = 0; i < 20; ++i) {
    // A DeadLetter holds views: the strings must outlive it (AddressSanitizer: stack-use-after-scope).
    const std::string key = "key" + std::to_string(i);
    const std::string value = "value" + std::to_string(i);
    DeadLetter letter = Letter(key, value, i % 2 ? "not_json" : "wrong_type", i);
    letter.original_topic = main;
    if (i == 7) letter.has_key = false;
    ASSERT_TRUE(writer.Send(letter));
  }
  ASSERT_TRUE(writer.Flush(10000));

  auto reader = DeadLetterReader::Create(ConfigFor(SharedBroker()), 10000);
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto letters = (*reader)->ReadAll(dlq);
  ASSERT_TRUE(letters) << letters.error().ToString();
  ASSERT_EQ(letters->size(), 20u);
  std::set<int64_t> originals;
  for (size_t i = 0; i < letters->size(); ++i) {
    const StoredDeadLetter& l = (*letters)[i];
    if (i > 0) {
      const StoredDeadLetter& prev = (*letters)[i - 1];
      EXPECT_TRUE(prev.partition < l.partition || (prev.partition == l.partition && prev.offset < l.offset));
    }
    EXPECT_EQ(l.dlq_topic, dlq);
    EXPECT_TRUE(l.problems.empty());
    EXPECT_EQ(l.headers.size(), 11u);
    EXPECT_EQ(l.original_topic, main);
    EXPECT_EQ(l.value, "value" + std::to_string(l.original_offset));
    EXPECT_EQ(l.has_key, l.original_offset != 7);
    if (l.has_key) EXPECT_EQ(l.key, "key" + std::to_string(l.original_offset));
    EXPECT_EQ(l.reason, l.original_offset % 2 ? "not_json" : "wrong_type");
    EXPECT_EQ(l.attempts, 2);
    originals.insert(l.original_offset);
  }
  EXPECT_EQ(originals.size(), 20u);
}

TEST(DeadLetterReader, EmptyTopicGivesNoLettersAndMissingTopicIsNotFound) {
  const std::string dlq = CreateTestTopic(1, ".dlq");
  auto reader = DeadLetterReader::Create(ConfigFor(SharedBroker()), 10000);
  ASSERT_TRUE(reader);
  auto letters = (*reader)->ReadAll(dlq);
  ASSERT_TRUE(letters) << letters.error().ToString();
  EXPECT_TRUE(letters->empty());
  auto missing = (*reader)->ReadAll("no-such-topic.dlq");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(DeadLetterReader, ReadsTheHeadersOfOneMessageAndNothingBeyondTheLog) {
  const std::string topic = CreateTestTopic(1);
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*producer)->Produce(topic, "k", "v", {{"n", std::to_string(i)}}, 0));
  }
  ASSERT_TRUE((*producer)->Flush(10000));
  auto reader = DeadLetterReader::Create(ConfigFor(SharedBroker()), 10000);
  ASSERT_TRUE(reader);
  auto third = (*reader)->ReadHeadersAt(topic, 0, 3);
  ASSERT_TRUE(third) << third.error().ToString();
  ASSERT_TRUE(third->has_value());
  ASSERT_EQ((*third)->size(), 1u);
  EXPECT_EQ((**third)[0].value, "3");
  auto first = (*reader)->ReadHeadersAt(topic, 0, 0);
  ASSERT_TRUE(first && first->has_value());
  EXPECT_EQ((**first)[0].value, "0");
  auto beyond = (*reader)->ReadHeadersAt(topic, 0, 5);
  ASSERT_TRUE(beyond);
  EXPECT_FALSE(beyond->has_value());
  auto id = (*reader)->ClusterId();
  ASSERT_TRUE(id);
  EXPECT_FALSE(id->empty());
}

TEST(DeadLetterReader, ReadsManyPositionsInOnePassSeekingOverGaps) {
  const std::string topic = CreateTestTopic(2);
  auto producer = Producer::Create(ConfigFor(SharedBroker()));
  ASSERT_TRUE(producer);
  for (int32_t p = 0; p < 2; ++p) {
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(
          (*producer)->Produce(topic, "k", "v", {{"at", std::to_string(p) + "@" + std::to_string(i)}}, p));
    }
  }
  ASSERT_TRUE((*producer)->Flush(10000));
  auto reader = DeadLetterReader::Create(ConfigFor(SharedBroker()), 10000);
  ASSERT_TRUE(reader);
  const std::vector<DeadLetterReader::Position> wanted = {{1, 299}, {0, 5}, {0, 6},   {0, 250},
                                                          {1, 0},   {0, 5}, {0, 300}, {1, 40}};
  auto found = (*reader)->ReadHeadersAt(topic, wanted, /*max_gap=*/20);
  ASSERT_TRUE(found) << found.error().ToString();
  std::set<std::string> seen;
  for (const auto& [position, headers] : *found) {
    ASSERT_EQ(headers.size(), 1u);
    EXPECT_EQ(headers[0].value, std::to_string(position.first) + "@" + std::to_string(position.second));
    seen.insert(headers[0].value);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"0@5", "0@6", "0@250", "1@0", "1@40",
                                         "1@299"}));  // 0@300 is beyond the log
}

}  // namespace
}  // namespace jsm::kafka
