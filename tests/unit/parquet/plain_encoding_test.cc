#include "parquet/plain_encoding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace jsm::parquet {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

Column IntColumn(DataType type, std::initializer_list<std::optional<int64_t>> values) {
  Column column(type);
  for (auto v : values) {
    if (v)
      column.AppendInt(*v);
    else
      column.AppendNull();
  }
  return column;
}

TEST(AppendPlain, Int32IsFourBytesLittleEndianAndSkipsNulls) {
  Column column = IntColumn(DataType::kInt32, {1, std::nullopt, -2});
  std::string out;
  AppendPlain(column, PhysicalType::kInt32, 0, 3, true, &out);
  EXPECT_EQ(out, Bytes({1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF}));
}

TEST(AppendPlain, BooleansAreBitPackedLeastSignificantBitFirst) {
  Column column = IntColumn(DataType::kBoolean, {1, 0, 1, 1, 0, 0, 0, 0, 1});
  std::string out;
  AppendPlain(column, PhysicalType::kBoolean, 0, 9, false, &out);
  EXPECT_EQ(out, Bytes({0x0D, 0x01}));
}

TEST(AppendPlain, ByteArraysHaveFourByteLengthPrefix) {
  Column column(DataType::kString);
  column.AppendString("ab");
  column.AppendNull();
  column.AppendString("");
  column.AppendString("xyz");
  std::string out;
  AppendPlain(column, PhysicalType::kByteArray, 0, 4, true, &out);
  EXPECT_EQ(out, Bytes({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 3, 0, 0, 0, 'x', 'y', 'z'}));
  out.clear();
  AppendPlain(column, PhysicalType::kByteArray, 3, 4, false, &out);  // a row range
  EXPECT_EQ(out, Bytes({3, 0, 0, 0, 'x', 'y', 'z'}));
}

TEST(PlainEncoding, IntegersAndDoublesRoundTrip) {
  Column ints = IntColumn(DataType::kInt64, {INT64_MIN, -1, 0, INT64_MAX});
  std::string out;
  AppendPlain(ints, PhysicalType::kInt64, 0, 4, false, &out);
  std::vector<int64_t> decoded(4);
  auto used = DecodePlainInts(out, PhysicalType::kInt64, 0, 4, decoded.data());
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, 32u);
  EXPECT_EQ(decoded, ints.ints());

  Column small = IntColumn(DataType::kInt32, {INT32_MIN, -7, INT32_MAX});
  out.clear();
  AppendPlain(small, PhysicalType::kInt32, 0, 3, false, &out);
  decoded.resize(3);
  ASSERT_TRUE(DecodePlainInts(out, PhysicalType::kInt32, 0, 3, decoded.data()));
  EXPECT_EQ(decoded, small.ints());

  Column doubles(DataType::kDouble);
  doubles.AppendDouble(-0.0);
  doubles.AppendDouble(1e308);
  out.clear();
  AppendPlain(doubles, PhysicalType::kDouble, 0, 2, false, &out);
  std::vector<double> d(2);
  ASSERT_TRUE(DecodePlainDoubles(out, 2, d.data()));
  EXPECT_TRUE(std::signbit(d[0]));
  EXPECT_EQ(d[1], 1e308);
}

TEST(DecodePlainInts, BooleansReadLeastSignificantBitFirst) {
  std::string data = Bytes({0x0D, 0x01});
  std::vector<int64_t> out(9);
  ASSERT_TRUE(DecodePlainInts(data, PhysicalType::kBoolean, 0, 9, out.data()));
  EXPECT_EQ(out, (std::vector<int64_t>{1, 0, 1, 1, 0, 0, 0, 0, 1}));
}

TEST(DecodePlainInts, FixedLengthDecimalsAreBigEndianTwosComplement) {
  std::string data = Bytes({0xFF, 0xFE, 0x01, 0x00});
  std::vector<int64_t> out(2);
  ASSERT_TRUE(DecodePlainInts(data, PhysicalType::kFixedLenByteArray, 2, 2, out.data()));
  EXPECT_EQ(out[0], -2);
  EXPECT_EQ(out[1], 256);
}

TEST(DecimalFromBigEndian, SixteenByteValuesFitWhenHighBytesOnlyExtendTheSign) {
  std::string minus_one(16, static_cast<char>(0xFF));
  EXPECT_EQ(*DecimalFromBigEndian(minus_one), -1);
  std::string big(16, '\0');
  big[8] = 0x7F;
  EXPECT_EQ(*DecimalFromBigEndian(big), 0x7F00000000000000LL);
  big[7] = 0x01;  // beyond 64 bits
  auto too_big = DecimalFromBigEndian(big);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code(), ErrorCode::kCorruption);
  std::string sign_mismatch(9, '\0');
  sign_mismatch[1] = static_cast<char>(0x80);  // negative low 8 bytes, positive high byte
  EXPECT_FALSE(DecimalFromBigEndian(sign_mismatch));
}

TEST(PlainDecoding, ShortDataIsCorruption) {
  std::string data(7, '\0');
  int64_t ints[2];
  double doubles[1];
  std::string_view views[1];
  EXPECT_EQ(DecodePlainInts(data, PhysicalType::kInt64, 0, 1, ints).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainInts(data, PhysicalType::kInt32, 0, 2, ints).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainDoubles(data, 1, doubles).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainByteArrays(Bytes({5, 0, 0, 0, 'a'}), 1, views).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainByteArrays(Bytes({0xFF, 0xFF, 0xFF, 0xFF}), 1, views).error().code(),
            ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainByteArrays(Bytes({1, 0}), 1, views).error().code(), ErrorCode::kCorruption);
}

TEST(DecodePlainByteArrays, ReturnsViewsAndBytesConsumed) {
  std::string data = Bytes({2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 9});
  std::string_view out[2];
  auto used = DecodePlainByteArrays(data, 2, out);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, 10u);
  EXPECT_EQ(out[0], "hi");
  EXPECT_EQ(out[1], "");
}

TEST(AppendPlainByteArrays, EncodesDictionaryEntries) {
  std::vector<std::string_view> values = {"a", "bc"};
  std::string out;
  AppendPlainByteArrays(values, &out);
  EXPECT_EQ(out, Bytes({1, 0, 0, 0, 'a', 2, 0, 0, 0, 'b', 'c'}));
}

TEST(AppendPlainDecimal128, IsBigEndianTwosComplementOfTheGivenWidth) {
  Column column(DataType::kDecimal128);
  column.AppendWide(1);
  column.AppendNull();
  column.AppendWide(-1);
  column.AppendWide(256);
  column.AppendWide(-PowerOfTen128(27));
  std::string out;
  AppendPlainDecimal128(column, 12, 0, column.size(), true, &out);
  ASSERT_EQ(out.size(), 4u * 12);  // the null has no bytes
  EXPECT_EQ(out.substr(0, 12), Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(out.substr(12, 12), std::string(12, '\xFF'));
  EXPECT_EQ(out.substr(24, 12), Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
  // -10^27 = -0x033B2E3C_9FD0803C_E8000000 in 96 bits: 0xFCC4D1C3_602F7FC3_18000000.
  EXPECT_EQ(out.substr(36, 12), Bytes({0xFC, 0xC4, 0xD1, 0xC3, 0x60, 0x2F, 0x7F, 0xC3, 0x18, 0x00, 0x00, 0x00}));
}

TEST(DecodePlainDecimal128, InvertsTheEncodingForEveryWidthAndSign) {
  const Int128 values[] = {0, 1, -1, 127, -128, PowerOfTen128(27) - 1, -(PowerOfTen128(27) - 1),
                           PowerOfTen128(28) - 1, -(PowerOfTen128(28) - 1)};
  for (const int width : {12, 16}) {
    Column column(DataType::kDecimal128);
    for (const Int128 v : values) column.AppendWide(v);
    std::string out;
    AppendPlainDecimal128(column, width, 0, column.size(), false, &out);
    std::vector<Int128> decoded(column.size());
    auto used = DecodePlainDecimal128(out, width, column.size(), decoded.data());
    ASSERT_TRUE(used) << used.error().ToString();
    EXPECT_EQ(*used, column.size() * static_cast<size_t>(width));
    for (size_t i = 0; i < column.size(); ++i) {
      EXPECT_TRUE(decoded[i] == values[i]) << "width " << width << " value " << FormatUnscaled128(values[i], 0);
    }
  }
}

TEST(DecodePlainDecimal128, ShortDataAndBadWidthsAreCorruption) {
  Int128 out[2];
  EXPECT_EQ(DecodePlainDecimal128(std::string(11, '\0'), 12, 1, out).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainDecimal128(std::string(17, '\0'), 17, 1, out).error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodePlainDecimal128(std::string(12, '\0'), 0, 1, out).error().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace jsm::parquet
