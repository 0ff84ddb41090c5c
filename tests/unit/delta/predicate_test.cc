#include "delta/predicate.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

Metadata SalesMetadata() {
  Metadata metadata;
  metadata.schema = Schema{{Field{"id", DataType::kInt64}, Field{"day", DataType::kDate},
                            Field{"name", DataType::kString}}};
  metadata.partition_columns = {"day"};
  return metadata;
}

AddFile FileWithIds(int64_t min, int64_t max, std::string day) {
  AddFile add;
  add.path = "f";
  add.partition_values["day"] = std::move(day);
  add.stats = R"({"numRecords":3,"minValues":{"id":)" + std::to_string(min) + R"(},"maxValues":{"id":)" +
              std::to_string(max) + R"(},"nullCount":{"id":0}})";
  return add;
}

TEST(ParsePredicate, ReadsColumnOperatorAndLiteral) {
  auto p = ParsePredicate("day >= 2024-01-01");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->column, "day");
  EXPECT_EQ(p->op, CompareOp::kGe);
  EXPECT_EQ(p->literal, "2024-01-01");
  EXPECT_EQ(ParsePredicate("name = 'a b'")->literal, "a b");
  EXPECT_EQ(ParsePredicate("id != 3")->op, CompareOp::kNe);
  EXPECT_FALSE(ParsePredicate("id"));
}

TEST(FileMayMatch, StatsRangeDecidesSkipping) {
  const Metadata metadata = SalesMetadata();
  const AddFile file = FileWithIds(10, 20, "2024-01-02");
  EXPECT_TRUE(*FileMayMatch({{"id", CompareOp::kEq, "15"}}, file, metadata));
  EXPECT_FALSE(*FileMayMatch({{"id", CompareOp::kGt, "20"}}, file, metadata));
  EXPECT_FALSE(*FileMayMatch({{"id", CompareOp::kLt, "10"}}, file, metadata));
  EXPECT_TRUE(*FileMayMatch({{"id", CompareOp::kLe, "10"}}, file, metadata));
}

TEST(FileMayMatch, PartitionValuesPrune) {
  const Metadata metadata = SalesMetadata();
  const AddFile file = FileWithIds(10, 20, "2024-01-02");
  EXPECT_TRUE(*FileMayMatch({{"day", CompareOp::kEq, "2024-01-02"}}, file, metadata));
  EXPECT_FALSE(*FileMayMatch({{"day", CompareOp::kGt, "2024-01-02"}}, file, metadata));
}

TEST(FileMayMatch, FileWithoutStatsIsAlwaysRead) {
  AddFile file;
  file.partition_values["day"] = "2024-01-02";
  EXPECT_TRUE(*FileMayMatch({{"id", CompareOp::kEq, "999"}}, file, SalesMetadata()));
}

TEST(FileMayMatch, UnknownColumnIsAnError) {
  EXPECT_FALSE(FileMayMatch({{"nope", CompareOp::kEq, "1"}}, AddFile{}, SalesMetadata()));
}

}  // namespace
}  // namespace jsm::delta
