#include "parquet/metadata.h"

#include <gtest/gtest.h>

#include <string>

#include "parquet/thrift_compact.h"

namespace jsm::parquet {
namespace {

FileMetaData SampleMetaData() {
  FileMetaData m;
  m.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  m.schema.push_back(root);
  SchemaElement s;
  s.name = "s";
  s.type = PhysicalType::kByteArray;
  s.repetition_type = Repetition::kOptional;
  s.converted_type = ConvertedType::kUtf8;
  s.logical_type = LogicalType{.kind = LogicalType::Kind::kString};
  m.schema.push_back(s);
  SchemaElement ts;
  ts.name = "ts";
  ts.type = PhysicalType::kInt64;
  ts.repetition_type = Repetition::kRequired;
  ts.converted_type = ConvertedType::kTimestampMicros;
  ts.logical_type = LogicalType{
      .kind = LogicalType::Kind::kTimestamp, .is_adjusted_to_utc = true, .unit = TimeUnit::kMicros};
  m.schema.push_back(ts);
  SchemaElement dec;
  dec.name = "dec";
  dec.type = PhysicalType::kInt64;
  dec.repetition_type = Repetition::kOptional;
  dec.converted_type = ConvertedType::kDecimal;
  dec.scale = 2;
  dec.precision = 18;
  dec.field_id = 7;
  dec.logical_type = LogicalType{.kind = LogicalType::Kind::kDecimal, .scale = 2, .precision = 18};
  m.schema.push_back(dec);
  m.num_rows = 10;
  for (int g = 0; g < 2; ++g) {
    RowGroup group;
    group.num_rows = 5;
    group.total_byte_size = 100 + g;
    group.file_offset = 4 + g * 1000;
    group.total_compressed_size = 90;
    group.ordinal = static_cast<int16_t>(g);
    for (int c = 0; c < 3; ++c) {
      ColumnChunk chunk;
      chunk.file_offset = 4 + c * 10;
      ColumnMetaData& md = chunk.meta_data.emplace();
      md.type = PhysicalType::kInt64;
      md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      md.path_in_schema = {m.schema[c + 1].name};
      md.codec = CompressionCodec::kZstd;
      md.num_values = 5;
      md.total_uncompressed_size = 50;
      md.total_compressed_size = 40;
      md.data_page_offset = 30;
      md.dictionary_page_offset = 4;
      Statistics stats;
      stats.null_count = 1;
      stats.min_value = std::string("\0\1", 2);
      stats.max_value = "zz";
      md.statistics = stats;
      group.columns.push_back(chunk);
    }
    m.row_groups.push_back(group);
  }
  m.key_value_metadata.push_back(KeyValue{"k", "v"});
  m.key_value_metadata.push_back(KeyValue{"no-value", std::nullopt});
  m.created_by = "jsm-pipeline test";
  m.type_defined_column_orders = 3;
  return m;
}

TEST(FileMetaData, RoundTripsThroughThriftCompact) {
  FileMetaData m = SampleMetaData();
  std::string bytes;
  SerializeFileMetaData(m, &bytes);
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(FileMetaData, EveryLogicalTypeRoundTrips) {
  using K = LogicalType::Kind;
  std::vector<LogicalType> types = {
      {.kind = K::kString},
      {.kind = K::kMap},
      {.kind = K::kList},
      {.kind = K::kEnum},
      {.kind = K::kDecimal, .scale = 3, .precision = 9},
      {.kind = K::kDate},
      {.kind = K::kTime, .is_adjusted_to_utc = false, .unit = TimeUnit::kMillis},
      {.kind = K::kTimestamp, .is_adjusted_to_utc = true, .unit = TimeUnit::kNanos},
      {.kind = K::kInteger, .bit_width = 16, .is_signed = false},
      {.kind = K::kUnknown},
      {.kind = K::kJson},
      {.kind = K::kBson},
      {.kind = K::kUuid},
      {.kind = K::kFloat16}};
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  m.schema.push_back(root);
  for (const LogicalType& t : types) {
    SchemaElement e;
    e.name = "c";
    e.logical_type = t;
    m.schema.push_back(e);
  }
  std::string bytes;
  SerializeFileMetaData(m, &bytes);
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(FileMetaData, ParserSkipsFieldsItDoesNotKnow) {
  // A footer with unknown fields at several levels: a nested struct with a list
  // inside FileMetaData, an unknown list in a SchemaElement, an unknown union
  // member in LogicalType.
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, 2);
  w.BeginListField(2, CompactType::kStruct, 2);
  w.BeginStructElement();
  w.WriteBinaryField(4, "schema");
  w.WriteI32Field(5, 1);
  w.BeginListField(12, CompactType::kI32, 2);  // unknown
  w.WriteI32Element(1);
  w.WriteI32Element(2);
  w.EndStruct();
  w.BeginStructElement();
  w.WriteI32Field(1, static_cast<int32_t>(PhysicalType::kInt32));
  w.WriteI32Field(3, 1);
  w.WriteBinaryField(4, "x");
  w.BeginStructField(10);
  w.BeginStructField(19);  // a LogicalType member from the future
  w.WriteBinaryField(1, "payload");
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.WriteI64Field(3, 0);
  w.BeginListField(4, CompactType::kStruct, 0);
  w.BeginStructField(40);  // unknown top-level struct with a list of structs
  w.BeginListField(1, CompactType::kStruct, 1);
  w.BeginStructElement();
  w.WriteI64Field(1, 5);
  w.EndStruct();
  w.EndStruct();
  w.WriteBinaryField(6, "future writer");
  w.EndStruct();

  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->version, 2);
  ASSERT_EQ(parsed->schema.size(), 2u);
  EXPECT_EQ(parsed->schema[1].name, "x");
  ASSERT_TRUE(parsed->schema[1].logical_type);
  EXPECT_EQ(parsed->schema[1].logical_type->kind, LogicalType::Kind::kOther);
  EXPECT_EQ(parsed->created_by, "future writer");
}

TEST(FileMetaData, MissingRequiredFieldIsCorruption) {
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, 1);
  w.BeginListField(2, CompactType::kStruct, 0);
  w.EndStruct();  // no num_rows, no row_groups
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(parsed.error().message().find("num_rows"), std::string::npos);
}

TEST(FileMetaData, ColumnMetaDataWithoutRequiredFieldsIsCorruption) {
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, 1);
  w.BeginListField(2, CompactType::kStruct, 0);
  w.WriteI64Field(3, 1);
  w.BeginListField(4, CompactType::kStruct, 1);
  w.BeginStructElement();  // RowGroup
  w.BeginListField(1, CompactType::kStruct, 1);
  w.BeginStructElement();  // ColumnChunk
  w.WriteI64Field(2, 4);
  w.BeginStructField(3);  // ColumnMetaData without codec (field 4)
  w.WriteI32Field(1, 2);
  w.BeginListField(2, CompactType::kI32, 0);
  w.BeginListField(3, CompactType::kBinary, 0);
  w.WriteI64Field(5, 1);
  w.WriteI64Field(6, 1);
  w.WriteI64Field(7, 1);
  w.WriteI64Field(9, 4);
  w.EndStruct();
  w.EndStruct();
  w.WriteI64Field(2, 1);
  w.WriteI64Field(3, 1);
  w.EndStruct();
  w.EndStruct();
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(parsed.error().message().find("codec"), std::string::npos) << parsed.error().message();
}

TEST(FileMetaData, ColumnChunkWithoutMetaDataIsCorruption) {
  std::string bytes;
  ThriftCompactWriter w(&bytes);
  w.WriteI32Field(1, 1);
  w.BeginListField(2, CompactType::kStruct, 0);
  w.WriteI64Field(3, 1);
  w.BeginListField(4, CompactType::kStruct, 1);
  w.BeginStructElement();
  w.BeginListField(1, CompactType::kStruct, 3);
  for (int i = 0; i < 3; ++i) {
    w.BeginStructElement();
    w.WriteI64Field(2, 4);  // file_offset only
    w.EndStruct();
  }
  w.WriteI64Field(2, 1);
  w.WriteI64Field(3, 1);
  w.EndStruct();
  w.EndStruct();
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(parsed.error().message().find("meta_data"), std::string::npos) << parsed.error().message();
}

TEST(FileMetaData, TruncationAtEveryLengthIsCorruptionWithAbsoluteOffset) {
  std::string bytes;
  SerializeFileMetaData(SampleMetaData(), &bytes);
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto parsed = ParseFileMetaData(std::string_view(bytes).substr(0, length), 5000);
    ASSERT_FALSE(parsed) << length;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(parsed.error().message().find("byte offset 5"), std::string::npos) << parsed.error().message();
  }
}

TEST(FileMetaData, FlippedBytesNeverCrash) {
  std::string bytes;
  SerializeFileMetaData(SampleMetaData(), &bytes);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int mask : {0x01, 0x80, 0xFF}) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      auto parsed = ParseFileMetaData(damaged, 0);
      if (!parsed) {
        EXPECT_EQ(parsed.error().code(), ErrorCode::kCorruption);
      }
    }
  }
}

TEST(FileMetaData, EncryptionAlgorithmIsFlagged) {
  std::string bytes;
  SerializeFileMetaData(SampleMetaData(), &bytes);
  bytes.pop_back();  // drop the stop byte; append field 8 (an empty struct) in long form, then stop
  bytes += std::string("\x0C\x10\x00\x00", 4);
  auto parsed = ParseFileMetaData(bytes, 0);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_TRUE(parsed->encrypted);
}

}  // namespace
}  // namespace jsm::parquet
