#include "parquet/delta_encoding.h"

#include <gtest/gtest.h>

#include "parquet/reader.h"
#include "test_batches.h"

namespace jsm::parquet {
namespace {

using testing::ReadWholeFile;
using testing::TestdataPath;

constexpr int64_t kRows = 300;  // DELTA_ROWS of make_delta_and_nested_files.py

std::string PaddedNumber(int64_t value) {
  std::string digits = std::to_string(value);
  return std::string(5 - digits.size(), '0') + digits;
}

void ExpectPyarrowDeltaFile(const std::string& name) {
  std::string file = ReadWholeFile(TestdataPath(name));
  ASSERT_FALSE(file.empty()) << "testdata file " << name << " missing";
  auto batch = ReadParquet(file, {}, name);
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->num_rows(), static_cast<size_t>(kRows));
  for (int64_t i = 0; i < kRows; ++i) {
    size_t r = static_cast<size_t>(i);
    if (i % 7 == 0) {
      EXPECT_TRUE(batch->column(0).IsNull(r));
    } else {
      EXPECT_EQ(batch->column(0).IntAt(r), (i * i * 37) % 100000 - 50000) << "i32 row " << i;
    }
    EXPECT_EQ(batch->column(1).IntAt(r), i * i * i * 1234567 - (int64_t{1} << 40)) << "i64 row " << i;
    if (i % 5 == 0) {
      EXPECT_TRUE(batch->column(2).IsNull(r));
    } else {
      EXPECT_EQ(batch->column(2).StringAt(r), "v" + std::to_string(i) + "-" + std::string(i % 4, 'x'));
    }
    if (i % 9 == 0) {
      EXPECT_TRUE(batch->column(3).IsNull(r));
    } else {
      EXPECT_EQ(batch->column(3).StringAt(r), "prefix/common/" + PaddedNumber(i / 3)) << "p row " << i;
    }
  }
}

TEST(DeltaEncoding, DecodesPyarrowDeltaColumnsInPagesV1) { ExpectPyarrowDeltaFile("pyarrow_delta_v1.parquet"); }

TEST(DeltaEncoding, DecodesPyarrowDeltaColumnsInPagesV2) { ExpectPyarrowDeltaFile("pyarrow_delta_v2.parquet"); }

TEST(DeltaEncoding, BinaryPackedHeaderOnlyHoldsOneValue) {
  // block 128, 4 miniblocks, 1 value, first value zigzag(-3) = 5
  std::string data = "\x80\x01\x04\x01\x05";
  int64_t value = 0;
  auto used = DecodeDeltaBinaryPacked(data, 1, false, &value);
  ASSERT_TRUE(used) << used.error().ToString();
  EXPECT_EQ(*used, data.size());
  EXPECT_EQ(value, -3);
}

TEST(DeltaEncoding, BinaryPackedCountMismatchIsCorruption) {
  std::string data = "\x80\x01\x04\x02\x05";
  int64_t values[1];
  auto used = DecodeDeltaBinaryPacked(data, 1, false, values);
  ASSERT_FALSE(used);
  EXPECT_EQ(used.error().code(), ErrorCode::kCorruption);
}

TEST(DeltaEncoding, BinaryPackedHugeCountInFewBytesIsCorruptionNotAHang) {
  // 2^40 values declared in a handful of bytes.
  std::string data = "\x80\x01\x04\x80\x80\x80\x80\x80\x20\x00";
  std::vector<int64_t> values(4);
  auto used = DecodeDeltaBinaryPacked(data, 4, false, values.data());
  EXPECT_FALSE(used);
}

TEST(DeltaEncoding, ByteArrayPrefixLongerThanPreviousValueIsCorruption) {
  // prefixes [3] for the first value: nothing precedes it.
  std::string prefixes = std::string("\x80\x01\x04\x01\x06", 5);
  std::string lengths = std::string("\x80\x01\x04\x01\x02", 5);
  std::string data = prefixes + lengths + "ab";
  std::string buffer;
  std::vector<std::string_view> out;
  auto status = DecodeDeltaByteArray(data, 1, &buffer, &out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace jsm::parquet
