#include "delta/value_text.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(ValueText, ParsesEachTypesProtocolForm) {
  EXPECT_EQ(std::get<int64_t>(*ParseValueText("2024-01-02", Field{"d", DataType::kDate})), 19724);
  EXPECT_EQ(std::get<int64_t>(*ParseValueText("1970-01-01 00:00:01.5", Field{"t", DataType::kTimestamp})), 1'500'000);
  EXPECT_EQ(std::get<int64_t>(*ParseValueText("1970-01-01T00:00:01.000Z", Field{"t", DataType::kTimestamp})), 1'000'000);
  EXPECT_EQ(std::get<int64_t>(*ParseValueText("-12.3", Field{"m", DataType::kDecimal, true, 10, 2})), -1230);
  EXPECT_EQ(std::get<int64_t>(*ParseValueText("true", Field{"b", DataType::kBoolean})), 1);
  EXPECT_FALSE(ParseValueText("12.345", Field{"m", DataType::kDecimal, true, 10, 2}));
  EXPECT_FALSE(ParseValueText("x", Field{"i", DataType::kInt64}));
}

TEST(ValueText, FormatRoundTripsThroughParse) {
  const Field field{"m", DataType::kDecimal, true, 10, 2};
  Column column(DataType::kDecimal);
  column.AppendInt(-5);
  EXPECT_EQ(FormatValueText(column, 0, field), "-0.05");
  EXPECT_EQ(std::get<int64_t>(*ParseValueText(FormatValueText(column, 0, field), field)), -5);
  Column ts(DataType::kTimestamp);
  ts.AppendInt(1'500'000);
  EXPECT_EQ(FormatValueText(ts, 0, Field{"t", DataType::kTimestamp}), "1970-01-01 00:00:01.500000");
}

TEST(ValueText, WideDecimalsParseAndFormatExactly) {
  const Field field{"m", DataType::kDecimal128, true, 28, 2};
  Column column(DataType::kDecimal128);
  column.AppendWide(-(PowerOfTen128(28) - 1));
  column.AppendWide(-5);
  column.AppendWide(Int128{INT64_MAX} * 1000 + 7);
  EXPECT_EQ(FormatValueText(column, 0, field), "-99999999999999999999999999.99");
  EXPECT_EQ(FormatValueText(column, 1, field), "-0.05");
  EXPECT_EQ(FormatValueText(column, 2, field), "92233720368547758070.07");
  for (size_t row = 0; row < column.size(); ++row) {
    auto parsed = ParseValueText(FormatValueText(column, row, field), field);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_TRUE(std::get<Int128>(*parsed) == column.WideAt(row)) << row;
    EXPECT_EQ(CompareValues(*parsed, ValueAt(column, row)), 0);
  }
  EXPECT_LT(CompareValues(ValueAt(column, 0), ValueAt(column, 1)), 0);
  EXPECT_FALSE(ParseValueText("100000000000000000000000000.00", field));  // 29 digits
  EXPECT_FALSE(ParseValueText("1.001", field));
  EXPECT_FALSE(ParseValueText("1e5", field));
  Column appended(DataType::kDecimal128);
  AppendValue(*ParseValueText("12.30", field), &appended);
  EXPECT_TRUE(appended.WideAt(0) == 1230);
}

TEST(ValueText, BinaryIsBase64TextAndRoundTrips) {
  const Field field{"raw", DataType::kBinary};
  Column column(DataType::kBinary);
  const std::string bytes("\xff\xfe\x00garbage\x80", 11);
  column.AppendString(bytes);
  EXPECT_EQ(FormatValueText(column, 0, field), "//4AZ2FyYmFnZYA=");
  auto parsed = ParseValueText("//4AZ2FyYmFnZYA=", field);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<std::string>(*parsed), bytes);
  EXPECT_EQ(std::get<std::string>(ValueAt(column, 0)), bytes);
  EXPECT_FALSE(ParseValueText("not base64!", field));
}

}  // namespace
}  // namespace jsm::delta
