#include "parquet/compression.h"

#include <fmt/format.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "parquet/little_endian.h"

namespace jsm::parquet {
namespace {

/// Bounds on how much each codec can expand its input, so that a corrupt page
/// size cannot make us allocate far more than the data could ever produce.
/// Snappy emits at most 64 bytes per 2-byte copy tag; deflate at most 1032:1;
/// zstd at most 128 KiB per 3-byte RLE block header plus one byte.
size_t MaxExpansion(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kSnappy:
      return 32;
    case CompressionCodec::kGzip:
      return 1032;
    case CompressionCodec::kZstd:
      return 32768;
    default:
      return 1;
  }
}

std::unexpected<Error> Corrupt(CompressionCodec codec, std::string_view what) {
  return MakeError(ErrorCode::kCorruption, fmt::format("{} page: {}", CodecName(codec), what));
}

}  // namespace

struct PageCodec::Contexts {
  ZSTD_CCtx* zstd_compress = nullptr;
  ZSTD_DCtx* zstd_decompress = nullptr;
};

PageCodec::PageCodec() : contexts_(new Contexts) {}

PageCodec::~PageCodec() {
  ZSTD_freeCCtx(contexts_->zstd_compress);
  ZSTD_freeDCtx(contexts_->zstd_decompress);
  delete contexts_;
}

Status PageCodec::Compress(CompressionCodec codec, int zstd_level, std::string_view input,
                           std::string* output) {
  output->clear();
  switch (codec) {
    case CompressionCodec::kSnappy: {
      size_t bound = snappy::MaxCompressedLength(input.size());
      char* dst = GrowBy(output, bound);
      size_t written = 0;
      snappy::RawCompress(input.data(), input.size(), dst, &written);
      output->resize(written);
      return Status::Ok();
    }
    case CompressionCodec::kZstd: {
      if (contexts_->zstd_compress == nullptr) contexts_->zstd_compress = ZSTD_createCCtx();
      if (contexts_->zstd_compress == nullptr)
        return MakeError(ErrorCode::kInternal, "ZSTD_createCCtx failed");
      size_t bound = ZSTD_compressBound(input.size());
      char* dst = GrowBy(output, bound);
      size_t written =
          ZSTD_compressCCtx(contexts_->zstd_compress, dst, bound, input.data(), input.size(), zstd_level);
      if (ZSTD_isError(written)) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("zstd compression failed: {}", ZSTD_getErrorName(written)));
      }
      output->resize(written);
      return Status::Ok();
    }
    default:
      return MakeError(ErrorCode::kUnsupported, fmt::format("cannot compress with {}", CodecName(codec)));
  }
}

Status PageCodec::Decompress(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                             std::string* output) {
  output->clear();
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
      break;
    default:
      return MakeError(ErrorCode::kUnsupported, fmt::format("compression codec {}", CodecName(codec)));
  }
  if (uncompressed_size > kMaxUncompressedPageBytes ||
      uncompressed_size > 64 + input.size() * MaxExpansion(codec)) {
    return Corrupt(codec, fmt::format("{} compressed bytes cannot hold {} uncompressed bytes", input.size(),
                                      uncompressed_size));
  }
  switch (codec) {
    case CompressionCodec::kUncompressed: {
      if (input.size() != uncompressed_size)
        return Corrupt(codec, "compressed and uncompressed sizes differ");
      output->assign(input);
      return Status::Ok();
    }
    case CompressionCodec::kSnappy: {
      size_t length = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &length)) {
        return Corrupt(codec, "bad length preamble");
      }
      if (length != uncompressed_size) {
        return Corrupt(codec, fmt::format("holds {} bytes, header says {}", length, uncompressed_size));
      }
      char* dst = GrowBy(output, length);
      if (!snappy::RawUncompress(input.data(), input.size(), dst)) return Corrupt(codec, "malformed data");
      return Status::Ok();
    }
    case CompressionCodec::kZstd: {
      unsigned long long frame_size = ZSTD_getFrameContentSize(input.data(), input.size());
      if (frame_size == ZSTD_CONTENTSIZE_ERROR) return Corrupt(codec, "not a zstd frame");
      if (frame_size != ZSTD_CONTENTSIZE_UNKNOWN && frame_size > uncompressed_size) {
        return Corrupt(codec,
                       fmt::format("frame holds {} bytes, header says {}", frame_size, uncompressed_size));
      }
      if (contexts_->zstd_decompress == nullptr) contexts_->zstd_decompress = ZSTD_createDCtx();
      if (contexts_->zstd_decompress == nullptr)
        return MakeError(ErrorCode::kInternal, "ZSTD_createDCtx failed");
      char* dst = GrowBy(output, uncompressed_size);
      size_t written =
          ZSTD_decompressDCtx(contexts_->zstd_decompress, dst, uncompressed_size, input.data(), input.size());
      if (ZSTD_isError(written)) return Corrupt(codec, ZSTD_getErrorName(written));
      if (written != uncompressed_size) {
        return Corrupt(codec, fmt::format("yielded {} bytes, header says {}", written, uncompressed_size));
      }
      return Status::Ok();
    }
    case CompressionCodec::kGzip: {
      char* dst = GrowBy(output, uncompressed_size);
      z_stream stream{};
      // 15 window bits + 32: accept a gzip or a zlib header.
      if (inflateInit2(&stream, 15 + 32) != Z_OK)
        return MakeError(ErrorCode::kInternal, "inflateInit2 failed");
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      stream.avail_in = static_cast<uInt>(input.size());
      stream.next_out = reinterpret_cast<Bytef*>(dst);
      stream.avail_out = static_cast<uInt>(uncompressed_size);
      int rc = inflate(&stream, Z_FINISH);
      size_t written = uncompressed_size - stream.avail_out;
      inflateEnd(&stream);
      if (rc != Z_STREAM_END) {
        return Corrupt(codec, rc == Z_BUF_ERROR || rc == Z_OK
                                  ? "data longer than the header says or truncated"
                                  : "malformed deflate data");
      }
      if (written != uncompressed_size) {
        return Corrupt(codec, fmt::format("yielded {} bytes, header says {}", written, uncompressed_size));
      }
      return Status::Ok();
    }
    default:
      break;
  }
  return MakeError(ErrorCode::kUnsupported, fmt::format("compression codec {}", CodecName(codec)));
}

}  // namespace jsm::parquet
