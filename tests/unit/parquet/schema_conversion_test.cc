#include "parquet/schema_conversion.h"

#include <gtest/gtest.h>

namespace jsm::parquet {
namespace {

Schema EveryType() {
  return Schema{{Field{"s", DataType::kString, true}, Field{"b", DataType::kBoolean, false},
                 Field{"i32", DataType::kInt32, true}, Field{"i64", DataType::kInt64, true},
                 Field{"d", DataType::kDouble, true}, Field{"dt", DataType::kDate, true},
                 Field{"ts", DataType::kTimestamp, true}, Field{"dec", DataType::kDecimal, false, 18, 4}}};
}

TEST(SchemaElementsFor, RootThenOneElementPerField) {
  auto elements = SchemaElementsFor(EveryType());
  ASSERT_TRUE(elements);
  ASSERT_EQ(elements->size(), 9u);
  const SchemaElement& root = (*elements)[0];
  EXPECT_EQ(root.name, "schema");
  EXPECT_EQ(root.num_children, 8);
  EXPECT_FALSE(root.type);
  EXPECT_FALSE(root.repetition_type);
}

TEST(SchemaElementsFor, MapsEveryTypeToPhysicalConvertedAndLogicalType) {
  auto elements = SchemaElementsFor(EveryType());
  ASSERT_TRUE(elements);
  const auto& e = *elements;
  using K = LogicalType::Kind;
  EXPECT_EQ(e[1].type, PhysicalType::kByteArray);
  EXPECT_EQ(e[1].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(e[1].logical_type->kind, K::kString);
  EXPECT_EQ(e[1].repetition_type, Repetition::kOptional);
  EXPECT_EQ(e[2].type, PhysicalType::kBoolean);
  EXPECT_EQ(e[2].repetition_type, Repetition::kRequired);
  EXPECT_FALSE(e[2].logical_type);
  EXPECT_EQ(e[3].type, PhysicalType::kInt32);
  EXPECT_FALSE(e[3].converted_type);
  EXPECT_EQ(e[4].type, PhysicalType::kInt64);
  EXPECT_EQ(e[5].type, PhysicalType::kDouble);
  EXPECT_EQ(e[6].type, PhysicalType::kInt32);
  EXPECT_EQ(e[6].converted_type, ConvertedType::kDate);
  EXPECT_EQ(e[6].logical_type->kind, K::kDate);
  EXPECT_EQ(e[7].type, PhysicalType::kInt64);
  EXPECT_EQ(e[7].converted_type, ConvertedType::kTimestampMicros);
  EXPECT_EQ(e[7].logical_type->kind, K::kTimestamp);
  EXPECT_TRUE(e[7].logical_type->is_adjusted_to_utc);
  EXPECT_EQ(e[7].logical_type->unit, TimeUnit::kMicros);
  EXPECT_EQ(e[8].type, PhysicalType::kInt64);
  EXPECT_EQ(e[8].converted_type, ConvertedType::kDecimal);
  EXPECT_EQ(e[8].precision, 18);
  EXPECT_EQ(e[8].scale, 4);
  EXPECT_EQ(e[8].logical_type->kind, K::kDecimal);
  EXPECT_EQ(e[8].logical_type->precision, 18);
  EXPECT_EQ(e[8].logical_type->scale, 4);
}

TEST(SchemaElementsFor, BadDecimalsAndNamesAreInvalidArguments) {
  for (auto [precision, scale] : {std::pair{0, 0}, {19, 2}, {5, 6}, {5, -1}}) {
    Schema schema{{Field{"dec", DataType::kDecimal, true, precision, scale}}};
    auto elements = SchemaElementsFor(schema);
    ASSERT_FALSE(elements) << precision << "," << scale;
    EXPECT_EQ(elements.error().code(), ErrorCode::kInvalidArgument);
  }
  Schema duplicate{{Field{"a", DataType::kInt32}, Field{"a", DataType::kInt64}}};
  EXPECT_EQ(SchemaElementsFor(duplicate).error().code(), ErrorCode::kInvalidArgument);
  Schema empty_name{{Field{"", DataType::kInt32}}};
  EXPECT_EQ(SchemaElementsFor(empty_name).error().code(), ErrorCode::kInvalidArgument);
}

TEST(LeafColumnFor, InvertsSchemaElementsFor) {
  Schema schema = EveryType();
  auto elements = SchemaElementsFor(schema);
  ASSERT_TRUE(elements);
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    auto leaf = LeafColumnFor((*elements)[i + 1]);
    ASSERT_TRUE(leaf) << leaf.error().ToString();
    EXPECT_EQ(leaf->field, schema.fields[i]);
    EXPECT_EQ(leaf->int_multiplier, 1);
  }
}

SchemaElement Leaf(PhysicalType type) {
  SchemaElement e;
  e.name = "c";
  e.type = type;
  e.repetition_type = Repetition::kOptional;
  return e;
}

TEST(LeafColumnFor, ReadsLegacyConvertedTypesWithoutLogicalType) {
  SchemaElement utf8 = Leaf(PhysicalType::kByteArray);
  utf8.converted_type = ConvertedType::kUtf8;
  EXPECT_EQ(LeafColumnFor(utf8)->field.type, DataType::kString);
  SchemaElement micros = Leaf(PhysicalType::kInt64);
  micros.converted_type = ConvertedType::kTimestampMicros;
  EXPECT_EQ(LeafColumnFor(micros)->field.type, DataType::kTimestamp);
  SchemaElement dec = Leaf(PhysicalType::kInt32);
  dec.converted_type = ConvertedType::kDecimal;
  dec.precision = 9;
  dec.scale = 2;
  auto leaf = LeafColumnFor(dec);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->field.type, DataType::kDecimal);
  EXPECT_EQ(leaf->field.precision, 9);
  EXPECT_EQ(leaf->field.scale, 2);
  SchemaElement small = Leaf(PhysicalType::kInt32);
  small.converted_type = ConvertedType::kInt16;
  EXPECT_EQ(LeafColumnFor(small)->field.type, DataType::kInt32);
}

TEST(LeafColumnFor, MillisecondTimestampsAreScaledToMicroseconds) {
  SchemaElement e = Leaf(PhysicalType::kInt64);
  e.logical_type = LogicalType{.kind = LogicalType::Kind::kTimestamp, .unit = TimeUnit::kMillis};
  auto leaf = LeafColumnFor(e);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->field.type, DataType::kTimestamp);
  EXPECT_EQ(leaf->int_multiplier, 1000);
}

TEST(LeafColumnFor, FixedLengthDecimalsUpToEighteenDigitsAreDecimals) {
  SchemaElement e = Leaf(PhysicalType::kFixedLenByteArray);
  e.type_length = 6;
  e.logical_type = LogicalType{.kind = LogicalType::Kind::kDecimal, .scale = 2, .precision = 12};
  auto leaf = LeafColumnFor(e);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->field.type, DataType::kDecimal);
  EXPECT_EQ(leaf->type_length, 6);
  e.logical_type->precision = 38;
  EXPECT_EQ(LeafColumnFor(e).error().code(), ErrorCode::kUnsupported);
}

TEST(DecimalByteWidth, IsTheFewestBytesThatHoldThePrecision) {
  // The Parquet spec's table: bytes n hold floor(log10(2^(8n-1) - 1)) digits.
  EXPECT_EQ(DecimalByteWidth(1), 1);
  EXPECT_EQ(DecimalByteWidth(2), 1);
  EXPECT_EQ(DecimalByteWidth(3), 2);
  EXPECT_EQ(DecimalByteWidth(18), 8);
  EXPECT_EQ(DecimalByteWidth(19), 9);
  EXPECT_EQ(DecimalByteWidth(28), 12);
  EXPECT_EQ(DecimalByteWidth(29), 13);
  EXPECT_EQ(DecimalByteWidth(38), 16);
}

TEST(SchemaElementsFor, WideDecimalsAreFixedLengthByteArraysOfTheFewestBytes) {
  auto e = LeafElementFor(Field{"net", DataType::kDecimal128, false, 28, 2});
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(e->type_length, 12);
  EXPECT_EQ(e->converted_type, ConvertedType::kDecimal);
  EXPECT_EQ(e->precision, 28);
  EXPECT_EQ(e->scale, 2);
  ASSERT_TRUE(e->logical_type);
  EXPECT_EQ(e->logical_type->kind, LogicalType::Kind::kDecimal);
  EXPECT_EQ(e->logical_type->precision, 28);
  auto leaf = LeafColumnFor(*e);
  ASSERT_TRUE(leaf) << leaf.error().ToString();
  EXPECT_EQ(leaf->field, (Field{"net", DataType::kDecimal128, false, 28, 2}));
  EXPECT_EQ(leaf->type_length, 12);
  // 19..38 digits only: 18 fits int64 (kDecimal), 39 fits nothing.
  EXPECT_EQ(LeafElementFor(Field{"x", DataType::kDecimal128, false, 18, 2}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(LeafElementFor(Field{"x", DataType::kDecimal128, false, 39, 2}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(LeafElementFor(Field{"x", DataType::kDecimal128, false, 28, 29}).error().code(), ErrorCode::kInvalidArgument);
}

TEST(LeafColumnFor, FixedLengthDecimalsTooNarrowForTheirPrecisionAreUnsupported) {
  SchemaElement e = Leaf(PhysicalType::kFixedLenByteArray);
  e.type_length = 11;
  e.logical_type = LogicalType{.kind = LogicalType::Kind::kDecimal, .scale = 2, .precision = 28};
  EXPECT_EQ(LeafColumnFor(e).error().code(), ErrorCode::kUnsupported);
  e.type_length = 16;  // wider than needed is allowed
  EXPECT_EQ(LeafColumnFor(e)->field.type, DataType::kDecimal128);
}

TEST(LeafColumnFor, UnrepresentableTypesAreUnsupportedAndNameTheColumn) {
  SchemaElement int96 = Leaf(PhysicalType::kInt96);
  SchemaElement flt = Leaf(PhysicalType::kFloat);
  SchemaElement nanos = Leaf(PhysicalType::kInt64);
  nanos.logical_type = LogicalType{.kind = LogicalType::Kind::kTimestamp, .unit = TimeUnit::kNanos};
  SchemaElement unsigned64 = Leaf(PhysicalType::kInt64);
  unsigned64.converted_type = ConvertedType::kUint64;
  SchemaElement repeated = Leaf(PhysicalType::kInt32);
  repeated.repetition_type = Repetition::kRepeated;
  SchemaElement time = Leaf(PhysicalType::kInt32);
  time.converted_type = ConvertedType::kTimeMillis;
  SchemaElement uuid = Leaf(PhysicalType::kFixedLenByteArray);
  uuid.type_length = 16;
  uuid.logical_type = LogicalType{.kind = LogicalType::Kind::kUuid};
  for (const SchemaElement& e : {int96, flt, nanos, unsigned64, repeated, time, uuid}) {
    auto leaf = LeafColumnFor(e);
    ASSERT_FALSE(leaf);
    EXPECT_EQ(leaf.error().code(), ErrorCode::kUnsupported);
    EXPECT_NE(leaf.error().message().find("'c'"), std::string::npos);
  }
}

TEST(LeafColumnFor, UnannotatedByteArrayIsReadAsBinary) {
  EXPECT_EQ(LeafColumnFor(Leaf(PhysicalType::kByteArray))->field.type, DataType::kBinary);
}

TEST(SchemaElementsFor, BinaryIsByteArrayWithoutAnnotationAndReadsBack) {
  auto elements = SchemaElementsFor(Schema{{Field{"raw", DataType::kBinary, true}}});
  ASSERT_TRUE(elements);
  const SchemaElement& e = (*elements)[1];
  EXPECT_EQ(e.type, PhysicalType::kByteArray);
  EXPECT_FALSE(e.converted_type);
  EXPECT_FALSE(e.logical_type);
  auto leaf = LeafColumnFor(e);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->field.type, DataType::kBinary);
  EXPECT_TRUE(leaf->field.nullable);
}

TEST(FlatLeaves, NestedGroupsAreUnsupportedAndBadCountsCorrupt) {
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement group;
  group.name = "g";
  group.num_children = 1;
  std::vector<SchemaElement> nested = {root, group, Leaf(PhysicalType::kInt32)};
  EXPECT_EQ(FlatLeaves(nested).error().code(), ErrorCode::kUnsupported);
  root.num_children = 5;
  std::vector<SchemaElement> miscounted = {root, Leaf(PhysicalType::kInt32)};
  EXPECT_EQ(FlatLeaves(miscounted).error().code(), ErrorCode::kCorruption);
  root.num_children = 1;
  std::vector<SchemaElement> flat = {root, Leaf(PhysicalType::kInt32)};
  EXPECT_EQ(FlatLeaves(flat)->size(), 1u);
  EXPECT_EQ(FlatLeaves({}).error().code(), ErrorCode::kCorruption);
}

TEST(PhysicalTypeFor, IntLikeTypesUseTheirStorageWidth) {
  EXPECT_EQ(PhysicalTypeFor(DataType::kDate), PhysicalType::kInt32);
  EXPECT_EQ(PhysicalTypeFor(DataType::kTimestamp), PhysicalType::kInt64);
  EXPECT_EQ(PhysicalTypeFor(DataType::kDecimal), PhysicalType::kInt64);
  EXPECT_EQ(PhysicalTypeFor(DataType::kDecimal128), PhysicalType::kFixedLenByteArray);
}

}  // namespace
}  // namespace jsm::parquet
