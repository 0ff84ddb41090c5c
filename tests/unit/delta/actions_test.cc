#include "delta/actions.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

std::vector<Action> SampleActions() {
  CommitInfo info;
  info.timestamp = 1700000000000;
  info.operation = "WRITE";
  info.operation_parameters = {{"mode", "Append"}};
  info.operation_metrics = {{"numFiles", "1"}};
  info.engine_info = "jsm-pipeline/0.1.0";
  info.is_blind_append = true;

  Metadata metadata;
  metadata.id = "5fba94ed-9794-4965-ba6e-6ee3c0d22af9";
  metadata.name = "orders";
  metadata.schema = Schema{{Field{"id", DataType::kInt64, false}, Field{"amount", DataType::kDecimal, true, 18, 2}}};
  metadata.configuration = {{"delta.appendOnly", "true"}};
  metadata.created_time = 1700000000000;

  AddFile add;
  add.path = "part-00000-abc-c000.zstd.parquet";
  add.size = 1234;
  add.modification_time = 1700000000001;
  add.stats = R"({"numRecords":2})";

  RemoveFile remove;
  remove.path = "old file.parquet";
  remove.deletion_timestamp = 1700000000002;
  remove.size = 99;

  return {info, Protocol{}, metadata, add, remove, Txn{"ingest-pedidos-0", 42, 1700000000003}};
}

constexpr std::string_view kSampleJson =
    R"({"commitInfo":{"timestamp":1700000000000,"operation":"WRITE","operationParameters":{"mode":"Append"},"operationMetrics":{"numFiles":"1"},"engineInfo":"jsm-pipeline/0.1.0","isBlindAppend":true}}
{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
{"metaData":{"id":"5fba94ed-9794-4965-ba6e-6ee3c0d22af9","name":"orders","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},{\"name\":\"amount\",\"type\":\"decimal(18,2)\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{"delta.appendOnly":"true"},"createdTime":1700000000000}}
{"add":{"path":"part-00000-abc-c000.zstd.parquet","partitionValues":{},"size":1234,"modificationTime":1700000000001,"dataChange":true,"stats":"{\"numRecords\":2}"}}
{"remove":{"path":"old%20file.parquet","deletionTimestamp":1700000000002,"dataChange":true,"extendedFileMetadata":true,"partitionValues":{},"size":99}}
{"txn":{"appId":"ingest-pedidos-0","version":42,"lastUpdated":1700000000003}}
)";

TEST(Actions, SerializeMatchesGoldenDeltaLogLines) {
  EXPECT_EQ(SerializeActions(SampleActions()), kSampleJson);
}

TEST(Actions, ParseOfSerializedActionsRoundTrips) {
  auto parsed = ParseActions(kSampleJson, "00000000000000000000.json");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 6u);
  EXPECT_EQ(SerializeActions(*parsed), kSampleJson);

  const auto& info = std::get<CommitInfo>((*parsed)[0]);
  EXPECT_EQ(info.operation, "WRITE");
  EXPECT_TRUE(info.is_blind_append);
  EXPECT_EQ(info.operation_metrics.at("numFiles"), "1");
  const auto& metadata = std::get<Metadata>((*parsed)[2]);
  EXPECT_EQ(metadata.schema.fields.size(), 2u);
  EXPECT_EQ(metadata.schema.fields[1].scale, 2);
  EXPECT_EQ(metadata.configuration.at("delta.appendOnly"), "true");
  const auto& add = std::get<AddFile>((*parsed)[3]);
  EXPECT_EQ(add.num_records, 2);
  EXPECT_EQ(add.size, 1234);
  const auto& remove = std::get<RemoveFile>((*parsed)[4]);
  EXPECT_EQ(remove.path, "old file.parquet");
  const auto& txn = std::get<Txn>((*parsed)[5]);
  EXPECT_EQ(txn.app_id, "ingest-pedidos-0");
  EXPECT_EQ(txn.version, 42);
}

TEST(Actions, EmptyOptionalFieldsAreNotWritten) {
  Metadata metadata;
  metadata.id = "x";
  metadata.schema = Schema{{Field{"a", DataType::kString, true}}};
  CommitInfo info;
  info.operation = "WRITE";
  AddFile add;
  add.path = "f.parquet";
  const std::string text = SerializeActions({metadata, info, add});
  EXPECT_EQ(text.find("\"name\":\"x\""), std::string::npos);
  EXPECT_EQ(text.find("description"), std::string::npos);
  EXPECT_EQ(text.find("engineInfo"), std::string::npos);
  EXPECT_EQ(text.find("operationMetrics"), std::string::npos);
  EXPECT_EQ(text.find("stats"), std::string::npos);
}

TEST(Actions, ControlCharactersInStringsAreEscaped) {
  Txn txn{"app\n\x01\"id", 1, 2};
  const std::string text = SerializeActions({txn});
  EXPECT_EQ(text, "{\"txn\":{\"appId\":\"app\\n\\u0001\\\"id\",\"version\":1,\"lastUpdated\":2}}\n");
  auto parsed = ParseActions(text, "t.json");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Txn>((*parsed)[0]).app_id, "app\n\x01\"id");
}

TEST(Actions, ParseSkipsUnknownActionKindsAndFields) {
  constexpr std::string_view text =
      "{\"commitInfo\":{\"timestamp\":5,\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\","
      "\"partitionBy\":[],\"n\":3},\"readVersion\":2,\"isolationLevel\":\"Serializable\",\"clientVersion\":\"delta-rs\"}}\r\n"
      "\n"
      "{\"cdc\":{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":1,\"dataChange\":false}}\n"
      "{\"domainMetadata\":{\"domain\":\"d\",\"configuration\":\"{}\",\"removed\":false}}\n"
      "{\"checkpointMetadata\":{\"version\":1}}\n"
      "{\"add\":{\"path\":\"a.parquet\",\"partitionValues\":{\"p\":null},\"size\":10,\"modificationTime\":1,"
      "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":7,\\\"tightBounds\\\":true}\",\"tags\":{\"x\":\"y\"},"
      "\"deletionVector\":null,\"baseRowId\":4,\"defaultRowCommitVersion\":1}}\n"
      "{\"remove\":{\"path\":\"b.parquet\",\"deletionTimestamp\":9,\"dataChange\":true}}";
  auto parsed = ParseActions(text, "00000000000000000003.json");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  const auto& info = std::get<CommitInfo>((*parsed)[0]);
  EXPECT_EQ(info.timestamp, 5);
  EXPECT_EQ(info.operation_parameters.at("partitionBy"), "[]");
  EXPECT_EQ(info.operation_parameters.at("n"), "3");
  const auto& add = std::get<AddFile>((*parsed)[1]);
  EXPECT_EQ(add.num_records, 7);
  EXPECT_EQ(add.partition_values.at("p"), "");
  const auto& remove = std::get<RemoveFile>((*parsed)[2]);
  EXPECT_EQ(remove.path, "b.parquet");
  EXPECT_FALSE(remove.extended_file_metadata);
}

TEST(Actions, AddWithoutStatsHasUnknownRecordCount) {
  auto parsed = ParseActions(R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})",
                             "f.json");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<AddFile>((*parsed)[0]).num_records, -1);
}

TEST(Actions, MalformedJsonIsCorruptionNamingFileAndLine) {
  auto parsed = ParseActions("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{\"add\":{\"path\":", "log/00000000000000000007.json");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(parsed.error().message().find("log/00000000000000000007.json line 2"), std::string::npos)
      << parsed.error().message();
}

TEST(Actions, AddWithoutPathIsCorruption) {
  auto parsed = ParseActions(R"({"add":{"size":1}})", "f.json");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(parsed.error().message().find("path"), std::string::npos);
}

TEST(Actions, ProtocolFeaturesRoundTrip) {
  Protocol protocol{3, 7, {"deletionVectors"}, {"deletionVectors", "appendOnly"}};
  const std::string text = SerializeActions({protocol});
  EXPECT_EQ(text,
            R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors","appendOnly"]}})"
            "\n");
  auto parsed = ParseActions(text, "f.json");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<Protocol>((*parsed)[0]).writer_features.size(), 2u);
}

TEST(Actions, FindProtocolSeesProtocolEvenWhenMetadataDoesNotParse) {
  constexpr std::string_view text =
      R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz"]}})"
      "\n"
      R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"t\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{}}})";
  auto parsed = ParseActions(text, "f.json");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(parsed.error().message().find("'t'"), std::string::npos) << parsed.error().message();
  auto protocol = FindProtocol(text);
  ASSERT_TRUE(protocol.has_value());
  EXPECT_EQ(protocol->min_reader_version, 3);
  EXPECT_EQ(protocol->reader_features, std::vector<std::string>{"timestampNtz"});
  EXPECT_FALSE(FindProtocol("{\"txn\":{\"appId\":\"a\",\"version\":1}}").has_value());
}

}  // namespace
}  // namespace jsm::delta
