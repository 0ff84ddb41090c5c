#include "common/record_batch.h"

#include <gtest/gtest.h>

namespace jsm {
namespace {

Schema TwoColumns() {
  return Schema{{Field{"name", DataType::kString, true}, Field{"amount", DataType::kDecimal, false, 18, 2}}};
}

TEST(RecordBatch, AppendsValuesAndNullsPerColumn) {
  RecordBatch batch(TwoColumns());
  batch.column(0).AppendString("a");
  batch.column(1).AppendInt(150);
  batch.column(0).AppendNull();
  batch.column(1).AppendInt(-7);
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.column(0).StringAt(0), "a");
  EXPECT_TRUE(batch.column(0).IsNull(1));
  EXPECT_EQ(batch.column(0).null_count(), 1u);
  EXPECT_EQ(batch.column("amount").IntAt(1), -7);
}

TEST(RecordBatch, ClearKeepsSchemaAndDropsRows) {
  RecordBatch batch(TwoColumns());
  batch.column(0).AppendString("xyz");
  batch.column(1).AppendInt(1);
  batch.Clear();
  EXPECT_EQ(batch.num_rows(), 0u);
  batch.column(0).AppendString("b");
  EXPECT_EQ(batch.column(0).StringAt(0), "b");
}

TEST(RecordBatch, AppendCopiesRowsOfSameSchema) {
  RecordBatch a(TwoColumns()), b(TwoColumns());
  b.column(0).AppendString("q");
  b.column(1).AppendInt(5);
  a.Append(b);
  a.Append(b);
  ASSERT_EQ(a.num_rows(), 2u);
  EXPECT_EQ(a.column(0).StringAt(1), "q");
}

TEST(SchemaTest, FieldIndexFindsByNameOrMinusOne) {
  Schema schema = TwoColumns();
  EXPECT_EQ(schema.FieldIndex("amount"), 1);
  EXPECT_EQ(schema.FieldIndex("missing"), -1);
}

}  // namespace
}  // namespace jsm

namespace jsm {
namespace {

TEST(RecordBatch, AppendSelectedKeepsMarkedRowsInOrderWithNulls) {
  Schema schema{{Field{"name", DataType::kString, true}, Field{"n", DataType::kInt64, true},
                 Field{"x", DataType::kDouble, false}}};
  RecordBatch source(schema), out(schema);
  const char* names[] = {"a", nullptr, "ccc", "d"};
  for (int i = 0; i < 4; ++i) {
    if (names[i]) source.column(0).AppendString(names[i]); else source.column(0).AppendNull();
    if (i == 2) source.column(1).AppendNull(); else source.column(1).AppendInt(i);
    source.column(2).AppendDouble(i * 0.5);
  }
  out.AppendSelected(source, {0, 1, 1, 0});
  ASSERT_EQ(out.num_rows(), 2u);
  EXPECT_TRUE(out.column(0).IsNull(0));
  EXPECT_EQ(out.column(0).StringAt(1), "ccc");
  EXPECT_EQ(out.column(1).IntAt(0), 1);
  EXPECT_TRUE(out.column(1).IsNull(1));
  EXPECT_EQ(out.column(2).DoubleAt(1), 1.0);
}

TEST(RecordBatch, BinaryColumnsHoldAnyBytesLikeStrings) {
  RecordBatch batch(Schema{{Field{"raw", DataType::kBinary, true}}});
  const std::string hostile("\xff\x00\x80", 3);
  batch.column(0).AppendString(hostile);
  batch.column(0).AppendNull();
  batch.column(0).AppendString("");
  RecordBatch copy(batch.schema());
  copy.Append(batch);
  copy.AppendSelected(batch, {1, 0, 1});
  ASSERT_EQ(copy.num_rows(), 5u);
  EXPECT_EQ(copy.column(0).StringAt(0), hostile);
  EXPECT_TRUE(copy.column(0).IsNull(1));
  EXPECT_EQ(copy.column(0).StringAt(3), hostile);
  EXPECT_EQ(copy.column(0).StringAt(4), "");
  EXPECT_TRUE(IsByteArrayType(DataType::kBinary));
  EXPECT_TRUE(IsByteArrayType(DataType::kString));
  EXPECT_FALSE(IsByteArrayType(DataType::kInt64));
}

TEST(Column, WideDecimalsAppendCopySelectAndClear) {
  Column column(DataType::kDecimal128);
  const Int128 big = PowerOfTen128(27) - 1;
  column.AppendWide(big);
  column.AppendNull();
  column.AppendWide(-big);
  ASSERT_EQ(column.size(), 3u);
  EXPECT_TRUE(column.WideAt(0) == big);
  EXPECT_TRUE(column.IsNull(1));
  EXPECT_TRUE(column.WideAt(2) == -big);
  Column copy(DataType::kDecimal128);
  copy.AppendFrom(column, 2);
  copy.AppendSelected(column, {1, 1, 0});
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_TRUE(copy.WideAt(0) == -big);
  EXPECT_TRUE(copy.WideAt(1) == big);
  EXPECT_TRUE(copy.IsNull(2));
  copy.Clear();
  EXPECT_EQ(copy.size(), 0u);
  EXPECT_TRUE(copy.wides().empty());
  EXPECT_TRUE(IsDecimalType(DataType::kDecimal128) && IsDecimalType(DataType::kDecimal));
  EXPECT_FALSE(IsByteArrayType(DataType::kDecimal128));
}

TEST(FormatUnscaled128, WritesTheScaleAndTheSignForAnyValue) {
  EXPECT_EQ(FormatUnscaled128(0, 2), "0.00");
  EXPECT_EQ(FormatUnscaled128(-5, 2), "-0.05");
  EXPECT_EQ(FormatUnscaled128(123456, 2), "1234.56");
  EXPECT_EQ(FormatUnscaled128(-42, 0), "-42");
  EXPECT_EQ(FormatUnscaled128(PowerOfTen128(28) - 1, 2), "99999999999999999999999999.99");
  const Int128 min = static_cast<Int128>(static_cast<unsigned __int128>(1) << 127);
  EXPECT_EQ(FormatUnscaled128(min, 2), "-1701411834604692317316873037158841057.28");
  EXPECT_EQ(FormatUnscaled128(PowerOfTen128(38), 0), "100000000000000000000000000000000000000");
}

}  // namespace
}  // namespace jsm
