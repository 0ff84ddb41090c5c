#include "parquet/row_group_statistics.h"

#include <gtest/gtest.h>

#include "parquet/writer.h"
#include "test_batches.h"

namespace jsm::parquet {
namespace {

/// A file of `rows` rows of (id int64 ascending, name string "n<id>") in row groups of about 4 KiB.
std::string SortedFile(int64_t rows) {
  RecordBatch batch(Schema{{Field{"id", DataType::kInt64, false}, Field{"name", DataType::kString, true}}});
  for (int64_t i = 0; i < rows; ++i) {
    batch.column(0).AppendInt(i);
    batch.column(1).AppendString("n" + std::to_string(1000000 + i));
  }
  WriterOptions options;
  options.row_group_bytes = 4096;
  std::string file;
  EXPECT_TRUE(WriteParquet(batch, options, &file));
  return file;
}

TEST(RowGroupStatistics, DecodesMinAndMaxPerRowGroup) {
  std::string file = SortedFile(2000);
  auto stats = ReadRowGroupStatistics(file, "sorted.parquet");
  ASSERT_TRUE(stats) << stats.error().ToString();
  const auto& [schema, groups] = *stats;
  ASSERT_GT(groups.size(), 3u);
  int64_t expected_min = 0;
  for (const RowGroupStatistics& group : groups) {
    ASSERT_EQ(std::get<int64_t>(*group.columns[0].min), expected_min);
    ASSERT_EQ(std::get<int64_t>(*group.columns[0].max), expected_min + group.num_rows - 1);
    EXPECT_EQ(std::get<std::string>(*group.columns[1].min), "n" + std::to_string(1000000 + expected_min));
    EXPECT_EQ(*group.columns[0].null_count, 0);
    expected_min += group.num_rows;
  }
}

TEST(RowGroupStatistics, PredicateSkipsGroupsOutsideTheRange) {
  std::string file = SortedFile(2000);
  auto all = ReadRowGroupStatistics(file, "sorted.parquet");
  ASSERT_TRUE(all);
  auto batch = ReadParquetWhere(file, {"id"}, {{"id", ColumnPredicate::Op::kEqual, StatValue(int64_t{1500})}},
                                "sorted.parquet");
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_LT(batch->num_rows(), 2000u / 2);
  bool found = false;
  for (size_t r = 0; r < batch->num_rows(); ++r) found = found || batch->column(0).IntAt(r) == 1500;
  EXPECT_TRUE(found);
  auto none = ReadParquetWhere(file, {}, {{"id", ColumnPredicate::Op::kGreater, StatValue(int64_t{5000})}},
                               "sorted.parquet");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->num_rows(), 0u);
}

TEST(RowGroupStatistics, StringPredicateAndTypeMismatchKeepSemantics) {
  RowGroupStatistics group;
  group.num_rows = 10;
  group.columns.push_back(ColumnStatistics{StatValue(std::string("b")), StatValue(std::string("d")), 0});
  EXPECT_TRUE(RowGroupMayMatch(group, 0, {"s", ColumnPredicate::Op::kEqual, StatValue(std::string("c"))}));
  EXPECT_FALSE(RowGroupMayMatch(group, 0, {"s", ColumnPredicate::Op::kLess, StatValue(std::string("b"))}));
  EXPECT_TRUE(RowGroupMayMatch(group, 0, {"s", ColumnPredicate::Op::kLessEqual, StatValue(std::string("b"))}));
  EXPECT_FALSE(RowGroupMayMatch(group, 0, {"s", ColumnPredicate::Op::kIsNull, {}}));
  // A value of another type than the column's proves nothing: keep the group.
  EXPECT_TRUE(RowGroupMayMatch(group, 0, {"s", ColumnPredicate::Op::kEqual, StatValue(int64_t{3})}));
}

TEST(RowGroupStatistics, AllNullGroupMatchesNoComparison) {
  RowGroupStatistics group;
  group.num_rows = 5;
  group.columns.push_back(ColumnStatistics{std::nullopt, std::nullopt, 5});
  EXPECT_FALSE(RowGroupMayMatch(group, 0, {"x", ColumnPredicate::Op::kEqual, StatValue(int64_t{1})}));
  EXPECT_TRUE(RowGroupMayMatch(group, 0, {"x", ColumnPredicate::Op::kIsNull, {}}));
  EXPECT_FALSE(RowGroupMayMatch(group, 0, {"x", ColumnPredicate::Op::kIsNotNull, {}}));
}

TEST(RowGroupStatistics, PredicateOnUnknownColumnIsNotFound) {
  std::string file = SortedFile(10);
  auto batch = ReadParquetWhere(file, {}, {{"nope", ColumnPredicate::Op::kEqual, StatValue(int64_t{1})}}, "f");
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jsm::parquet
