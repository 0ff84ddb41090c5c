#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace jsm::parquet {
namespace {

std::string SampleText() {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "order-" + std::to_string(i % 97) + ";";
  return text;
}

std::string Gzip(const std::string& input) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);  // +16: gzip header
  std::string out(deflateBound(&stream, input.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

class PageCodecRoundTrip : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(PageCodecRoundTrip, DecompressesWhatItCompressed) {
  PageCodec codec;
  std::string input = SampleText();
  std::string compressed, restored;
  ASSERT_TRUE(codec.Compress(GetParam(), 1, input, &compressed));
  EXPECT_LT(compressed.size(), input.size());
  ASSERT_TRUE(codec.Decompress(GetParam(), compressed, input.size(), &restored));
  EXPECT_EQ(restored, input);
  // Contexts and buffers are reused across calls.
  ASSERT_TRUE(codec.Compress(GetParam(), 1, "", &compressed));
  ASSERT_TRUE(codec.Decompress(GetParam(), compressed, 0, &restored));
  EXPECT_TRUE(restored.empty());
}

TEST_P(PageCodecRoundTrip, WrongDeclaredSizeIsCorruption) {
  PageCodec codec;
  std::string input = SampleText();
  std::string compressed, restored;
  ASSERT_TRUE(codec.Compress(GetParam(), 1, input, &compressed));
  for (size_t declared : {input.size() - 1, input.size() + 1}) {
    Status status = codec.Decompress(GetParam(), compressed, declared, &restored);
    ASSERT_FALSE(status) << declared;
    EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
  }
}

TEST_P(PageCodecRoundTrip, DamagedDataNeverCrashes) {
  PageCodec codec;
  std::string input = SampleText();
  std::string compressed, restored;
  ASSERT_TRUE(codec.Compress(GetParam(), 1, input, &compressed));
  for (size_t i = 0; i < compressed.size(); i += 7) {
    std::string damaged = compressed;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    Status status = codec.Decompress(GetParam(), damaged, input.size(), &restored);
    if (!status) {
      EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
    }
    Status truncated =
        codec.Decompress(GetParam(), std::string_view(compressed).substr(0, i), input.size(), &restored);
    ASSERT_FALSE(truncated);
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, PageCodecRoundTrip,
                         ::testing::Values(CompressionCodec::kSnappy, CompressionCodec::kZstd));

TEST(PageCodec, InflatesGzipMembers) {
  PageCodec codec;
  std::string input = SampleText();
  std::string restored;
  ASSERT_TRUE(codec.Decompress(CompressionCodec::kGzip, Gzip(input), input.size(), &restored));
  EXPECT_EQ(restored, input);
  Status wrong = codec.Decompress(CompressionCodec::kGzip, Gzip(input), input.size() - 1, &restored);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kCorruption);
  Status garbage = codec.Decompress(CompressionCodec::kGzip, "not gzip at all", 20, &restored);
  EXPECT_EQ(garbage.error().code(), ErrorCode::kCorruption);
}

TEST(PageCodec, UncompressedRequiresEqualSizes) {
  PageCodec codec;
  std::string restored;
  ASSERT_TRUE(codec.Decompress(CompressionCodec::kUncompressed, "abc", 3, &restored));
  EXPECT_EQ(restored, "abc");
  EXPECT_FALSE(codec.Decompress(CompressionCodec::kUncompressed, "abc", 4, &restored));
}

TEST(PageCodec, ImplausibleExpansionIsRejectedBeforeAllocating) {
  PageCodec codec;
  std::string restored;
  for (CompressionCodec c : {CompressionCodec::kSnappy, CompressionCodec::kZstd, CompressionCodec::kGzip}) {
    Status status = codec.Decompress(c, "0123456789", size_t{1} << 29, &restored);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
    EXPECT_LT(restored.capacity(), size_t{1} << 20);
  }
}

TEST(PageCodec, CodecsWeDoNotImplementAreUnsupported) {
  PageCodec codec;
  std::string out;
  for (CompressionCodec c : {CompressionCodec::kLzo, CompressionCodec::kBrotli, CompressionCodec::kLz4,
                             CompressionCodec::kLz4Raw, static_cast<CompressionCodec>(99)}) {
    EXPECT_EQ(codec.Decompress(c, "x", 1, &out).error().code(), ErrorCode::kUnsupported);
  }
  EXPECT_EQ(codec.Compress(CompressionCodec::kGzip, 1, "x", &out).error().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace jsm::parquet
