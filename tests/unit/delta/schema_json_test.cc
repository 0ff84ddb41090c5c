#include <gtest/gtest.h>

#include "delta/actions.h"
#include "delta/schema_json.h"

namespace jsm::delta {
namespace {

Schema AllTypes() {
  return Schema{{Field{"s", DataType::kString, true}, Field{"b", DataType::kBoolean, false},
                 Field{"i", DataType::kInt32, true}, Field{"l", DataType::kInt64, false},
                 Field{"d", DataType::kDouble, true}, Field{"day", DataType::kDate, true},
                 Field{"ts", DataType::kTimestamp, true}, Field{"money", DataType::kDecimal, false, 18, 2}}};
}

TEST(SchemaJson, WritesDeltaStructJson) {
  const Schema schema{{Field{"x", DataType::kString, true}, Field{"amount", DataType::kDecimal, false, 10, 3}}};
  EXPECT_EQ(SchemaToJson(schema),
            R"j({"type":"struct","fields":[{"name":"x","type":"string","nullable":true,"metadata":{}},)j"
            R"j({"name":"amount","type":"decimal(10,3)","nullable":false,"metadata":{}}]})j");
}

TEST(SchemaJson, EveryTypeRoundTrips) {
  auto parsed = SchemaFromJson(SchemaToJson(AllTypes()));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, AllTypes());
}

TEST(SchemaJson, TypeNamesAreDeltas) {
  std::vector<std::string> names;
  for (const Field& field : AllTypes().fields) names.push_back(DeltaTypeName(field));
  EXPECT_EQ(names, (std::vector<std::string>{"string", "boolean", "integer", "long", "double", "date", "timestamp",
                                             "decimal(18,2)"}));
}

TEST(SchemaJson, ReadsSparkStyleDecimalWithSpaceAndColumnMetadata) {
  auto parsed = SchemaFromJson(
      R"j({"type":"struct","fields":[{"name":"p","type":"decimal(12, 4)","nullable":true,"metadata":{"comment":"price"}}]})j");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->fields[0].precision, 12);
  EXPECT_EQ(parsed->fields[0].scale, 4);
}

TEST(SchemaJson, UnsupportedPrimitiveTypeNamesTheField) {
  auto parsed = SchemaFromJson(
      R"j({"type":"struct","fields":[{"name":"ok","type":"long","nullable":true,"metadata":{}},{"name":"raw","type":"short","nullable":true,"metadata":{}}]})j");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(parsed.error().message().find("'raw'"), std::string::npos) << parsed.error().message();
  EXPECT_NE(parsed.error().message().find("short"), std::string::npos);
}

TEST(SchemaJson, NestedTypeIsUnsupportedNamingTheField) {
  auto parsed = SchemaFromJson(
      R"j({"type":"struct","fields":[{"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}}]})j");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(parsed.error().message().find("'tags' has type array"), std::string::npos) << parsed.error().message();
}

TEST(SchemaJson, DecimalsBeyondThirtyEightDigitsAreUnsupported) {
  auto parsed = SchemaFromJson(
      R"j({"type":"struct","fields":[{"name":"big","type":"decimal(39,2)","nullable":true,"metadata":{}}]})j");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupported);
}

TEST(SchemaJson, DecimalsOfNineteenToThirtyEightDigitsAre128BitAndRoundTrip) {
  auto parsed = SchemaFromJson(
      R"j({"type":"struct","fields":[{"name":"a","type":"decimal(18,2)","nullable":false,"metadata":{}},)j"
      R"j({"name":"b","type":"decimal(19,2)","nullable":false,"metadata":{}},)j"
      R"j({"name":"c","type":"decimal(28,2)","nullable":true,"metadata":{}},)j"
      R"j({"name":"d","type":"decimal(38, 0)","nullable":true,"metadata":{}}]})j");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const Schema expected{{Field{"a", DataType::kDecimal, false, 18, 2}, Field{"b", DataType::kDecimal128, false, 19, 2},
                         Field{"c", DataType::kDecimal128, true, 28, 2}, Field{"d", DataType::kDecimal128, true, 38, 0}}};
  EXPECT_EQ(*parsed, expected);
  EXPECT_EQ(DeltaTypeName(expected.fields[2]), "decimal(28,2)");
  EXPECT_EQ(SchemaFromJson(SchemaToJson(expected)).value(), expected);
}

TEST(SchemaJson, MalformedSchemaIsCorruption) {
  EXPECT_EQ(SchemaFromJson("{").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(SchemaFromJson(R"j({"type":"array"})j").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(SchemaFromJson(R"j({"type":"struct","fields":[{"type":"long"}]})j").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(SchemaFromJson(R"j({"type":"struct","fields":[{"name":"d","type":"decimal(x)"}]})j").error().code(),
            ErrorCode::kCorruption);
}

TEST(SchemaJson, BinaryIsDeltasBinaryAndRoundTrips) {
  const Schema schema{{Field{"value_raw", DataType::kBinary, true}}};
  EXPECT_EQ(DeltaTypeName(schema.fields[0]), "binary");
  EXPECT_EQ(SchemaToJson(schema),
            R"j({"type":"struct","fields":[{"name":"value_raw","type":"binary","nullable":true,"metadata":{}}]})j");
  auto parsed = SchemaFromJson(SchemaToJson(schema));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, schema);
}

}  // namespace
}  // namespace jsm::delta
