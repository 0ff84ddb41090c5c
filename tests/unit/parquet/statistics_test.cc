#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace jsm::parquet {
namespace {

template <class T>
std::string Plain(T value) {
  std::string bytes(sizeof(T), '\0');
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

TEST(ComputeStatistics, IntegersUseSignedOrderAndSkipNulls) {
  Column column(DataType::kInt64);
  column.AppendInt(3);
  column.AppendNull();
  column.AppendInt(-5);
  column.AppendInt(2);
  Statistics stats = ComputeStatistics(column, PhysicalType::kInt64, 0, 4);
  EXPECT_EQ(stats.null_count, 1);
  EXPECT_EQ(stats.min_value, Plain<int64_t>(-5));
  EXPECT_EQ(stats.max_value, Plain<int64_t>(3));
  EXPECT_FALSE(stats.min);  // the deprecated fields stay unset
}

TEST(ComputeStatistics, Int32ValuesArePlainEncodedInFourBytes) {
  Column column(DataType::kDate);
  column.AppendInt(-1);
  column.AppendInt(19000);
  Statistics stats = ComputeStatistics(column, PhysicalType::kInt32, 0, 2);
  EXPECT_EQ(stats.min_value, Plain<int32_t>(-1));
  EXPECT_EQ(stats.max_value, Plain<int32_t>(19000));
}

TEST(ComputeStatistics, CoversOnlyTheRowRange) {
  Column column(DataType::kInt32);
  for (int i = 0; i < 10; ++i) column.AppendInt(i);
  Statistics stats = ComputeStatistics(column, PhysicalType::kInt32, 3, 6);
  EXPECT_EQ(stats.min_value, Plain<int32_t>(3));
  EXPECT_EQ(stats.max_value, Plain<int32_t>(5));
}

TEST(ComputeStatistics, BooleansAreOneByte) {
  Column column(DataType::kBoolean);
  column.AppendInt(1);
  column.AppendInt(1);
  Statistics stats = ComputeStatistics(column, PhysicalType::kBoolean, 0, 2);
  EXPECT_EQ(stats.min_value, std::string(1, '\1'));
  EXPECT_EQ(stats.max_value, std::string(1, '\1'));
}

TEST(ComputeStatistics, DoublesIgnoreNaNAndWriteSignedZeroBounds) {
  Column column(DataType::kDouble);
  column.AppendDouble(std::nan(""));
  column.AppendDouble(0.0);
  column.AppendDouble(-0.0);
  Statistics stats = ComputeStatistics(column, PhysicalType::kDouble, 0, 3);
  EXPECT_EQ(stats.min_value, Plain(-0.0));
  EXPECT_EQ(stats.max_value, Plain(0.0));

  Column only_nan(DataType::kDouble);
  only_nan.AppendDouble(std::nan(""));
  Statistics none = ComputeStatistics(only_nan, PhysicalType::kDouble, 0, 1);
  EXPECT_FALSE(none.min_value);
  EXPECT_FALSE(none.max_value);
  EXPECT_EQ(none.null_count, 0);
}

TEST(ComputeStatistics, AllNullChunkHasNullCountButNoMinMax) {
  Column column(DataType::kInt64);
  column.AppendNull();
  column.AppendNull();
  Statistics stats = ComputeStatistics(column, PhysicalType::kInt64, 0, 2);
  EXPECT_EQ(stats.null_count, 2);
  EXPECT_FALSE(stats.min_value);
  EXPECT_FALSE(stats.max_value);
}

TEST(ComputeStringStatistics, ComparesUnsignedBytes) {
  Column column(DataType::kString);
  column.AppendString("zebra");
  column.AppendString("\xc3\xa9t\xc3\xa9");  // "été": its first byte is above 'z'
  column.AppendString("apple");
  column.AppendNull();
  column.AppendString("Apple");
  Statistics scanned = ComputeStringStatistics(column, 0, 5);
  EXPECT_EQ(scanned.min_value, "Apple");
  EXPECT_EQ(scanned.max_value, "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(scanned.null_count, 1);

  std::vector<std::string_view> distinct = {"zebra", "\xc3\xa9t\xc3\xa9", "apple", "Apple"};
  EXPECT_EQ(ComputeStringStatistics(distinct, 1), scanned);
}

TEST(ComputeStringStatistics, AllNullStringsHaveNoMinMax) {
  Column column(DataType::kString);
  column.AppendNull();
  Statistics stats = ComputeStringStatistics(column, 0, 1);
  EXPECT_EQ(stats.null_count, 1);
  EXPECT_FALSE(stats.min_value);
  EXPECT_FALSE(ComputeStringStatistics(std::span<const std::string_view>(), 1).max_value);
}

TEST(ComputeStringStatistics, PrefixSortsBeforeLongerString) {
  std::vector<std::string_view> values = {"ab", "a", "abc"};
  Statistics stats = ComputeStringStatistics(values, 0);
  EXPECT_EQ(stats.min_value, "a");
  EXPECT_EQ(stats.max_value, "abc");
}

}  // namespace
}  // namespace jsm::parquet
