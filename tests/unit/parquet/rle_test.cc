#include "parquet/rle.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace jsm::parquet {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(BitWidthFor, IsTheNumberOfSignificantBits) {
  EXPECT_EQ(BitWidthFor(0), 0);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(255), 8);
  EXPECT_EQ(BitWidthFor(256), 9);
  EXPECT_EQ(BitWidthFor(0xFFFFFFFFu), 32);
}

TEST(RleBitPackedDecoder, DecodesTheBitPackingExampleOfTheSpecification) {
  // Encodings.md: values 0..7 with bit width 3 pack into 10001000 11000110 11111010.
  std::string data = Bytes({0x03, 0x88, 0xC6, 0xFA});
  RleBitPackedDecoder decoder(data, 3);
  uint32_t values[8];
  ASSERT_TRUE(decoder.Decode(values, 8));
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(values[i], i);
}

TEST(AppendRleBitPacked, RepeatedValuesBecomeOneRleRun) {
  std::vector<uint8_t> ones(100, 1);
  std::string out;
  AppendRleBitPacked(ones, 1, &out);
  EXPECT_EQ(out, Bytes({0xC8, 0x01, 0x01}));  // header 100 << 1 as varint, then the value byte
}

TEST(AppendRleBitPacked, ShortInputIsOneBitPackedGroupPaddedWithZeros) {
  std::vector<uint8_t> values = {1, 0, 1};
  std::string out;
  AppendRleBitPacked(values, 1, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x05}));
}

TEST(AppendRleBitPacked, EmptyInputWritesNothing) {
  std::string out;
  AppendRleBitPacked(std::span<const uint32_t>(), 5, &out);
  EXPECT_TRUE(out.empty());
}

TEST(AppendRleBitPacked, WideRunValuesUseWholeBytes) {
  std::vector<uint32_t> values(10, 0x123456);
  std::string out;
  AppendRleBitPacked(values, 21, &out);
  EXPECT_EQ(out, Bytes({0x14, 0x56, 0x34, 0x12}));
}

TEST(RleBitPacked, RoundTripsMixedRunsAtEveryBitWidth) {
  std::mt19937 random(42);
  for (int width = 0; width <= 32; ++width) {
    uint64_t limit = width == 32 ? 0xFFFFFFFFull : (1ull << width) - 1;
    std::uniform_int_distribution<uint64_t> value(0, limit);
    std::vector<uint32_t> values;
    while (values.size() < 5003) {
      uint32_t v = static_cast<uint32_t>(value(random));
      size_t repeat = random() % 3 == 0 ? random() % 40 : 1;
      for (size_t k = 0; k < repeat; ++k) values.push_back(v);
    }
    std::string encoded;
    AppendRleBitPacked(values, width, &encoded);
    RleBitPackedDecoder decoder(encoded, width);
    std::vector<uint32_t> decoded(values.size());
    // Decode in uneven slices to cross run boundaries.
    size_t done = 0;
    while (done < values.size()) {
      size_t take = std::min<size_t>(values.size() - done, 1 + random() % 97);
      Status status = decoder.Decode(decoded.data() + done, take);
      ASSERT_TRUE(status) << "width " << width << ": " << status.error().ToString();
      done += take;
    }
    ASSERT_EQ(decoded, values) << "width " << width;
  }
}

TEST(RleBitPacked, LevelsRoundTripThroughByteOutput) {
  std::vector<uint8_t> levels;
  for (int i = 0; i < 1000; ++i) levels.push_back(i % 7 == 0 || (i > 300 && i < 600) ? 0 : 1);
  std::string encoded;
  AppendRleBitPacked(levels, 1, &encoded);
  std::vector<uint8_t> decoded(levels.size());
  RleBitPackedDecoder decoder(encoded, 1);
  ASSERT_TRUE(decoder.Decode(decoded.data(), decoded.size()));
  EXPECT_EQ(decoded, levels);
}

TEST(RleBitPackedDecoder, AskingPastTheEndIsCorruption) {
  std::vector<uint32_t> values(20, 3);
  values[5] = 1;
  std::string encoded;
  AppendRleBitPacked(values, 2, &encoded);
  RleBitPackedDecoder decoder(encoded, 2);
  std::vector<uint32_t> out(40);
  Status status = decoder.Decode(out.data(), 40);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
}

TEST(RleBitPackedDecoder, EveryTruncationEitherDecodesThePresentValuesOrIsCorruption) {
  std::vector<uint32_t> values;
  for (int i = 0; i < 300; ++i) values.push_back(i < 100 ? 7 : static_cast<uint32_t>(i * 37 % 61));
  std::string encoded;
  AppendRleBitPacked(values, 6, &encoded);
  for (size_t length = 0; length < encoded.size(); ++length) {
    RleBitPackedDecoder decoder(std::string_view(encoded).substr(0, length), 6);
    std::vector<uint32_t> out(values.size());
    Status status = decoder.Decode(out.data(), out.size());
    ASSERT_FALSE(status) << "length " << length;
    EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
  }
}

TEST(RleBitPackedDecoder, RunValueWiderThanBitWidthIsCorruption) {
  std::string data = Bytes({0x10, 0x05});  // run of 8 of value 5 with bit width 2
  RleBitPackedDecoder decoder(data, 2);
  uint32_t out[8];
  EXPECT_FALSE(decoder.Decode(out, 8));
}

TEST(RleBitPackedDecoder, HugeRunCountsDecodeOnlyWhatIsAsked) {
  std::string data =
      Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x01});  // run of ~2^62 ones
  RleBitPackedDecoder decoder(data, 1);
  std::vector<uint8_t> out(1000);
  ASSERT_TRUE(decoder.Decode(out.data(), out.size()));
  EXPECT_EQ(out[999], 1);
}

TEST(RleBitPackedDecoder, HugeBitPackedGroupCountsAreBoundedByTheBytesPresent) {
  std::string data = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xAA});  // billions of groups, one byte of data
  RleBitPackedDecoder decoder(data, 1);
  std::vector<uint8_t> out(9);
  ASSERT_TRUE(decoder.Decode(out.data(), 8));
  EXPECT_EQ(out[1], 1);
  EXPECT_FALSE(decoder.Decode(out.data(), 1));
}

TEST(RleBitPackedDecoder, LevelsWiderThanEightBitsAreCorruption) {
  std::string data = Bytes({0x02, 0x00, 0x00});
  RleBitPackedDecoder decoder(data, 9);
  uint8_t out[1];
  EXPECT_FALSE(decoder.Decode(out, 1));
}

}  // namespace
}  // namespace jsm::parquet
