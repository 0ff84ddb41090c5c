// The lineage and routing of the refine stage's dead letters (RefineStage::ParseBronzeFile):
// only lineage signed by `jsm dlq replay` counts, and letters go to pedidos.dlq whatever the
// event's headers say. (A file of its own rather than refine_stage_test.cc: those lines only.)
#include <gtest/gtest.h>

#include "kafka/dead_letter_lineage.h"
#include "kafka/dead_letter_reader.h"
#include "pipeline/bronze_headers.h"
#include "pipeline/dlq_signing_key.h"
#include "pipeline/refine_stage.h"
#include "unit/pipeline/refine_fixture.h"

namespace jsm::pipeline {
namespace {

constexpr const char* kWrongType =
    R"({"TransactionNo":"581476","Date":"12/9/2019","ProductNo":"22597","Product":"Star Garland","Price":1.5,)"
    R"("Quantity":"three","CustomerNo":"13069","Country":"France"})";

class RefineLineageTest : public RefineFixture {
 protected:
  /// One bronze commit of `rows` (value, headers) on pedidos partition 0, key "k".
  void AppendWithHeaders(const std::vector<std::pair<std::string, std::vector<kafka::Header>>>& rows) {
    auto bronze = delta::DeltaTable::OpenOrCreate(store_.get(), kBronzeTable, "pedidos_bronze", BronzeSchema());
    ASSERT_TRUE(bronze) << bronze.error().ToString();
    RecordBatch batch((*bronze)->schema());
    for (const auto& [value, headers] : rows) {
      batch.column(kBronzeValue).AppendString(value);
      batch.column(kBronzeKey).AppendString("k");
      batch.column(kBronzeTopic).AppendString("pedidos");
      batch.column(kBronzePartition).AppendInt(0);
      batch.column(kBronzeOffset).AppendInt(next_offset_++);
      batch.column(kBronzeKafkaTimestamp).AppendInt(NowMicros());
      batch.column(kBronzeIngestedAt).AppendInt(NowMicros());
      std::vector<kafka::HeaderView> views;
      for (const kafka::Header& h : headers) views.push_back({h.name, h.value, true});
      std::string json;
      AppendHeadersJson(views, &json);
      batch.column(kBronzeHeaders).AppendString(json);
      for (size_t c = kBronzeHeaders + 1; c < batch.num_columns(); ++c) batch.column(c).AppendNull();
    }
    auto add = (*bronze)->WriteDataFile(batch, parquet::WriterOptions{});
    ASSERT_TRUE(add) << add.error().ToString();
    ASSERT_TRUE((*bronze)->Commit({*add}, delta::CommitInfo{.operation = "STREAMING UPDATE"}));
  }

  std::vector<kafka::StoredDeadLetter> Refine() {
    auto refine = RefineStage::Create(store_.get(), options_, dead_letters_.get());
    EXPECT_TRUE(refine) << refine.error().ToString();
    if (!refine) return {};
    EXPECT_TRUE((*refine)->MarkTarget());
    for (int i = 0; i < 20 && !*(*refine)->ReachedTarget(); ++i) {
      auto step = (*refine)->Step();
      EXPECT_TRUE(step) << step.error().ToString();
    }
    auto reader = kafka::DeadLetterReader::Create(kafka::ClientConfig{broker_->bootstrap_servers(), {}});
    EXPECT_TRUE(reader) << reader.error().ToString();
    auto letters = (*reader)->ReadAll("pedidos.dlq");
    EXPECT_TRUE(letters) << letters.error().ToString();
    return letters ? *letters : std::vector<kafka::StoredDeadLetter>{};
  }

  /// Lineage as `jsm dlq replay` writes it for a letter first read at pedidos 4@901, signed over (pedidos, k, value).
  std::vector<kafka::Header> SignedReplay(const std::string& value) {
    kafka::StoredDeadLetter letter;
    letter.dlq_topic = "pedidos.dlq";
    letter.offset = 17;
    letter.reason = "wrong_type";
    letter.failed_at_ms = 1795514400123;
    letter.original_topic = "pedidos";
    letter.original_partition = 4;
    letter.original_offset = 901;
    std::vector<kafka::Header> headers = kafka::ReplayHeaders(letter, 2, 1795514500000);
    auto key = DlqSigningKey::Create(store_.get());
    EXPECT_TRUE(key);
    auto signer = (*key)->ForSigning();
    EXPECT_TRUE(signer) << signer.error().ToString();
    (*signer)->AddSignature(&headers, kafka::SignedMessage{"pedidos", true, "k", true, value});
    return headers;
  }
};

TEST_F(RefineLineageTest, ForgedLineageIsIgnoredAndSignedLineageCounts) {
  unsetenv(kDlqSigningKeyVariable);
  const std::string copied_value = std::string(kWrongType) + " ";
  AppendWithHeaders({
      {kWrongType,
       {{"dlq.original.topic", "payments"}, {"dlq.original.partition", "0"}, {"dlq.original.offset", "0"},
        {"dlq.attempts", "999"}, {"dlq.first_failed_at", "1999-01-01T00:00:00.000Z"}}},
      {kWrongType, SignedReplay(kWrongType)},
      {copied_value, SignedReplay(kWrongType)},  // a genuine signature on another value
  });
  const std::vector<kafka::StoredDeadLetter> letters = Refine();
  ASSERT_EQ(letters.size(), 3u);

  const kafka::StoredDeadLetter& forged = letters[0];
  EXPECT_EQ(forged.attempts, 1);
  EXPECT_EQ(forged.original_topic, "pedidos");
  EXPECT_EQ(forged.original_offset, 0);
  EXPECT_EQ(forged.first_failed_at_ms, forged.failed_at_ms);
  EXPECT_EQ(kafka::FindHeader(forged.headers, "dlq.lineage_ignored")->value, "unsigned");
  EXPECT_EQ(kafka::FindHeader(forged.headers, "dlq.replayed_from"), nullptr);

  const kafka::StoredDeadLetter& replay = letters[1];
  EXPECT_EQ(replay.attempts, 2);
  EXPECT_EQ(replay.original_partition, 4);
  EXPECT_EQ(replay.original_offset, 901);
  EXPECT_EQ(replay.first_failed_at_ms, 1795514400123);
  EXPECT_EQ(kafka::FindHeader(replay.headers, "dlq.replayed_from")->value, "pedidos.dlq 0@17");
  EXPECT_EQ(kafka::FindHeader(replay.headers, "dlq.lineage_ignored"), nullptr);

  const kafka::StoredDeadLetter& copied = letters[2];
  EXPECT_EQ(copied.attempts, 1);
  EXPECT_EQ(copied.original_partition, 0);
  EXPECT_EQ(copied.original_offset, 2);
  EXPECT_EQ(kafka::FindHeader(copied.headers, "dlq.lineage_ignored")->value, "bad_signature");
}

TEST_F(RefineLineageTest, WithoutAnyKeyNoLineageCountsAndNoKeyIsMade) {
  unsetenv(kDlqSigningKeyVariable);
  AppendWithHeaders({{kWrongType, {{"dlq.attempts", "2"}, {"dlq.signature", "v1:" + std::string(64, 'a')}}}});
  const std::vector<kafka::StoredDeadLetter> letters = Refine();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].attempts, 1);
  EXPECT_EQ(kafka::FindHeader(letters[0].headers, "dlq.lineage_ignored")->value, "bad_signature");
  EXPECT_EQ(store_->Get(kDlqSigningKeyPath).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jsm::pipeline
