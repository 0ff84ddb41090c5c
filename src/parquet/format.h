#pragma once
/// The enumerations of the Parquet format (parquet.thrift), with their wire values.
/// Values read from a file are kept as read; code that uses them checks the range.

#include <cstdint>
#include <string_view>

namespace jsm::parquet {

/// Physical (storage) type of a column.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

/// Legacy type annotation, superseded by LogicalType but still written for old readers.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

/// Whether a field may be null (OPTIONAL) or repeat (REPEATED).
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

/// Encoding of the values or levels of a page.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

/// Compression of page bodies.
enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

/// Kind of a page in a column chunk.
enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

/// Unit of a TIMESTAMP logical type.
enum class TimeUnit : int32_t { kMillis = 1, kMicros = 2, kNanos = 3 };

/// Name of a codec as parquet.thrift spells it, for messages.
std::string_view CodecName(CompressionCodec codec);
/// Name of an encoding as parquet.thrift spells it, for messages.
std::string_view EncodingName(Encoding encoding);
/// Name of a physical type as parquet.thrift spells it, for messages.
std::string_view PhysicalTypeName(PhysicalType type);

}  // namespace jsm::parquet
