#include "parquet/nested_reader.h"

#include <gtest/gtest.h>

#include "test_batches.h"
#include "unit/parquet/nested_test_util.h"

namespace jsm::parquet {
namespace {

using testing::ReadWholeFile;
using testing::TestdataPath;

constexpr size_t kRows = 50;  // NESTED_ROWS of make_delta_and_nested_files.py

/// Rows of pyarrow_nested.parquet as make_delta_and_nested_files.py builds them.
NestedBatch ExpectedPyarrowNested(const std::vector<NestedType>& fields) {
  NestedBatch batch = MakeNestedBatch(fields);
  for (size_t r = 0; r < kRows; ++r) {
    const int64_t i = static_cast<int64_t>(r);
    NestedColumn& st = batch.columns[0];
    if (i % 4 == 0) {
      AppendNestedNull(fields[0], &st);
    } else {
      AppendStructSlot(&st);
      st.children[0].values.AppendInt(i);
      if (i % 3 == 0) {
        st.children[1].values.AppendNull();
      } else {
        st.children[1].values.AppendString("b" + std::to_string(i));
      }
    }
    std::optional<std::vector<std::optional<std::string>>> list;
    if (i % 5 != 0) {
      list.emplace();
      if (i % 5 != 1) {
        for (int64_t j = 0; j < i % 4; ++j) {
          list->push_back(j == 1 && i % 2 == 0 ? std::nullopt
                                               : std::optional("e" + std::to_string(i) + "_" + std::to_string(j)));
        }
      }
    }
    testing::AppendStringList(fields[1], &batch.columns[1], list);
    std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> map;
    if (i % 6 != 0) {
      map.emplace();
      for (int64_t j = 0; j < i % 4; ++j) {
        map->emplace_back("k" + std::to_string(j), j == 2 ? std::nullopt : std::optional("v" + std::to_string(i + j)));
      }
    }
    testing::AppendStringMap(fields[2], &batch.columns[2], map);
    NestedColumn& ll = batch.columns[3];
    if (i % 7 == 0) {
      AppendNestedNull(fields[3], &ll);
    } else {
      for (int64_t j = 0; j < i % 3; ++j) {
        for (int64_t k = 0; k < j; ++k) ll.children[0].children[0].values.AppendInt(i + j + k);
        CloseListSlot(fields[3].children[0], &ll.children[0]);
      }
      CloseListSlot(fields[3], &ll);
    }
  }
  batch.num_rows = kRows;
  return batch;
}

TEST(NestedReader, ReadsPyarrowStructListMapAndListOfLists) {
  std::string file = ReadWholeFile(TestdataPath("pyarrow_nested.parquet"));
  ASSERT_FALSE(file.empty()) << "testdata file missing";
  auto batch = ReadNestedParquet(file, {}, "pyarrow_nested.parquet");
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->num_rows, kRows);
  std::vector<NestedType> expected_fields = {
      StructType("st", {LeafType("a", DataType::kInt64), LeafType("b", DataType::kString)}),
      ListType("l", LeafType("element", DataType::kString)),
      MapType("m", LeafType("key", DataType::kString, false), LeafType("value", DataType::kString)),
      ListType("ll", ListType("element", LeafType("element", DataType::kInt32)))};
  ASSERT_EQ(batch->fields, expected_fields);
  NestedBatch expected = ExpectedPyarrowNested(expected_fields);
  for (size_t c = 0; c < expected_fields.size(); ++c) {
    testing::ExpectNestedEqual(expected_fields[c], expected.columns[c], batch->columns[c], expected_fields[c].name);
  }
}

TEST(NestedReader, PathsSelectStructFieldsAndWholeMaps) {
  std::string file = ReadWholeFile(TestdataPath("pyarrow_nested.parquet"));
  auto batch = ReadNestedParquet(file, {"st.b", "m.value"}, "pyarrow_nested.parquet");
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->fields.size(), 2u);
  EXPECT_EQ(batch->fields[0], StructType("st", {LeafType("b", DataType::kString)}));
  EXPECT_EQ(batch->fields[1].kind, NestedType::Kind::kMap);
  EXPECT_EQ(batch->columns[0].validity[1], 1);
  EXPECT_EQ(batch->columns[0].children[0].values.StringAt(1), "b1");
  // The map is read whole: its keys come along with the selected values.
  const NestedColumn& map = batch->columns[1];
  EXPECT_EQ(map.offsets[3], map.offsets[2] + 2);  // row 2 holds two entries (i % 4)
  EXPECT_EQ(map.children[0].values.StringAt(map.offsets[2]), "k0");
  EXPECT_EQ(map.children[1].values.StringAt(map.offsets[2]), "v2");
}

TEST(NestedReader, UnknownPathSelectsNothing) {
  std::string file = ReadWholeFile(TestdataPath("pyarrow_nested.parquet"));
  auto batch = ReadNestedParquet(file, {"nope"}, "pyarrow_nested.parquet");
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->fields.empty());
}

TEST(NestedReader, EveryTruncationOrByteFlipFailsCleanly) {
  std::string file = ReadWholeFile(TestdataPath("pyarrow_nested.parquet"));
  ASSERT_FALSE(file.empty());
  for (size_t cut = 0; cut < file.size(); cut += 97) {
    auto batch = ReadNestedParquet(std::string_view(file).substr(0, cut), {}, "cut.parquet");
    EXPECT_FALSE(batch) << "truncated at " << cut;
  }
  for (size_t pos = 4; pos < file.size(); pos += 13) {
    std::string bad = file;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x5a);
    auto batch = ReadNestedParquet(bad, {}, "flipped.parquet");  // must not crash; may succeed
    if (!batch) {
      EXPECT_NE(batch.error().message().find("flipped.parquet"), std::string::npos) << batch.error().ToString();
    }
  }
}

}  // namespace
}  // namespace jsm::parquet
