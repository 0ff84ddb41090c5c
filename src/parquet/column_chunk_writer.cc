#include "parquet/column_chunk_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <span>

#include "parquet/little_endian.h"
#include "parquet/page_checksum.h"
#include "parquet/page_header.h"
#include "parquet/plain_encoding.h"
#include "parquet/rle.h"
#include "parquet/schema_conversion.h"
#include "parquet/statistics.h"

namespace jsm::parquet {
namespace {

/// PLAIN bytes per value of a fixed-width type (0 for strings).
int ValueWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return 1;  // an eighth really; pages of booleans stay small anyway
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    default:
      return 0;
  }
}

size_t CountNulls(const uint8_t* validity, size_t begin, size_t end) {
  size_t nulls = 0;
  for (size_t r = begin; r < end; ++r) nulls += validity[r] == 0;
  return nulls;
}

}  // namespace

CompressionCodec CodecFor(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed:
      return CompressionCodec::kUncompressed;
    case Compression::kSnappy:
      return CompressionCodec::kSnappy;
    case Compression::kZstd:
      return CompressionCodec::kZstd;
  }
  return CompressionCodec::kUncompressed;
}

ColumnChunkWriter::ColumnChunkWriter(const WriterOptions& options)
    : codec_(CodecFor(options.compression)),
      zstd_level_(options.zstd_level),
      dictionary_enabled_(options.dictionary) {}

bool ColumnChunkWriter::BuildDictionary(const Column& column, size_t begin, size_t end) {
  dictionary_.Reset(kMaxDictionaryEntries, kMaxDictionaryBytes);
  indices_.clear();
  indices_.reserve(end - begin);
  const uint8_t* valid = column.validity().data();
  const uint64_t* offsets = column.offsets().data();
  const char* chars = column.chars().data();
  for (size_t r = begin; r < end; ++r) {
    if (!valid[r]) continue;
    std::string_view value(chars + offsets[r], offsets[r + 1] - offsets[r]);
    int64_t index = dictionary_.Insert(value);
    if (index < 0) return false;
    indices_.push_back(static_cast<uint32_t>(index));
  }
  return dictionary_.size() > 0;
}

size_t ColumnChunkWriter::PageEnd(const Column& column, size_t begin, size_t end, int value_width,
                                  int index_bit_width) const {
  if (index_bit_width > 0) {
    size_t rows = kDataPageBytes * 8 / static_cast<size_t>(index_bit_width);
    return std::min(end, begin + rows);
  }
  if (value_width > 0) {
    size_t rows = kDataPageBytes / static_cast<size_t>(value_width);
    return std::min(end, begin + rows);
  }
  // PLAIN strings: 4-byte length + bytes per value; offsets are cumulative, so
  // the size of rows [begin, r) is increasing in r and can be bisected.
  const uint64_t* offsets = column.offsets().data();
  auto bytes = [&](size_t r) { return (offsets[r] - offsets[begin]) + 4 * (r - begin); };
  if (bytes(end) < kDataPageBytes) return end;
  size_t lo = begin + 1, hi = end;  // smallest r in [lo, hi] with bytes(r) >= kDataPageBytes
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (bytes(mid) >= kDataPageBytes) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

Status ColumnChunkWriter::WritePage(PageType type, int32_t num_values, Encoding encoding, std::string* out,
                                    ColumnMetaData* metadata) {
  std::string_view payload = body_;
  if (codec_ != CompressionCodec::kUncompressed) {
    JSM_RETURN_IF_ERROR(page_codec_.Compress(codec_, zstd_level_, body_, &compressed_));
    payload = compressed_;
  }
  constexpr size_t kMaxPage = std::numeric_limits<int32_t>::max();
  if (body_.size() > kMaxPage || payload.size() > kMaxPage) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("column '{}': a page of {} bytes exceeds the 2 GiB page limit",
                                 metadata->path_in_schema[0], body_.size()));
  }
  PageHeader header;
  header.type = type;
  header.uncompressed_page_size = static_cast<int32_t>(body_.size());
  header.compressed_page_size = static_cast<int32_t>(payload.size());
  header.crc = PageChecksumField(PageChecksum(payload));
  if (type == PageType::kDictionaryPage) {
    header.dictionary_page_header = DictionaryPageHeader{num_values, encoding, std::nullopt};
  } else {
    header.data_page_header = DataPageHeader{num_values, encoding, Encoding::kRle, Encoding::kRle};
  }
  header_.clear();
  SerializePageHeader(header, &header_);
  out->append(header_);
  out->append(payload);
  metadata->total_uncompressed_size += static_cast<int64_t>(header_.size() + body_.size());
  metadata->total_compressed_size += static_cast<int64_t>(header_.size() + payload.size());
  return Status::Ok();
}

Result<ColumnChunk> ColumnChunkWriter::Write(const Field& field, const Column& column, size_t begin,
                                             size_t end, std::string* out) {
  JSM_CHECK_LT(begin, end);
  JSM_CHECK_LE(end, column.size());
  PhysicalType physical = PhysicalTypeFor(field.type);
  const uint8_t* valid = column.validity().data();

  ColumnChunk chunk;
  ColumnMetaData& metadata = chunk.meta_data.emplace();
  metadata.type = physical;
  metadata.path_in_schema = {field.name};
  metadata.codec = codec_;
  metadata.num_values = static_cast<int64_t>(end - begin);

  bool use_dictionary = false;
  const int decimal_width = field.type == DataType::kDecimal128 ? DecimalByteWidth(field.precision) : 0;
  if (decimal_width > 0) {
    metadata.statistics = ComputeDecimal128Statistics(column, decimal_width, begin, end);
  } else if (IsByteArrayType(field.type)) {
    if (dictionary_enabled_) use_dictionary = BuildDictionary(column, begin, end);
    if (use_dictionary) {
      int64_t nulls = static_cast<int64_t>((end - begin) - indices_.size());
      metadata.statistics = ComputeStringStatistics(dictionary_.entries(), nulls);
    } else {
      metadata.statistics = ComputeStringStatistics(column, begin, end);
    }
  } else {
    metadata.statistics = ComputeStatistics(column, physical, begin, end);
  }
  const Statistics& stats = *metadata.statistics;
  int64_t null_count = *stats.null_count;
  if (!field.nullable && null_count > 0) {
    size_t row = begin;
    while (valid[row]) ++row;
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("field '{}' is not nullable but row {} is null", field.name, row));
  }
  if (physical == PhysicalType::kInt32 && stats.min_value) {
    // Statistics were narrowed to int32; compare them with the wide values.
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    const int64_t* values = column.ints().data();
    for (size_t r = begin; r < end; ++r) {
      if (null_count > 0 && !valid[r]) continue;
      lo = std::min(lo, values[r]);
      hi = std::max(hi, values[r]);
    }
    if (lo < std::numeric_limits<int32_t>::min() || hi > std::numeric_limits<int32_t>::max()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("field '{}' holds a value outside the 32-bit range", field.name));
    }
  }

  int64_t chunk_start = static_cast<int64_t>(out->size());
  chunk.file_offset = chunk_start;
  int index_bit_width = 0;
  if (use_dictionary) {
    metadata.dictionary_page_offset = chunk_start;
    body_.clear();
    AppendPlainByteArrays(dictionary_.entries(), &body_);
    JSM_RETURN_IF_ERROR(WritePage(PageType::kDictionaryPage, static_cast<int32_t>(dictionary_.size()),
                                  Encoding::kPlain, out, &metadata));
    index_bit_width = std::max(1, BitWidthFor(dictionary_.size() - 1));
  }
  metadata.data_page_offset = static_cast<int64_t>(out->size());

  int value_width = decimal_width > 0 ? decimal_width : ValueWidth(physical);
  size_t next_index = 0;
  for (size_t row = begin; row < end;) {
    size_t page_end = PageEnd(column, row, end, value_width, index_bit_width);
    size_t page_rows = page_end - row;
    size_t page_nulls = 0;
    body_.clear();
    if (field.nullable) {
      body_.append(4, '\0');
      AppendRleBitPacked(std::span<const uint8_t>(valid + row, page_rows), 1, &body_);
      StoreLe(body_.data(), static_cast<uint32_t>(body_.size() - 4));
      if (null_count > 0) page_nulls = CountNulls(valid, row, page_end);
    }
    Encoding encoding = Encoding::kPlain;
    if (use_dictionary) {
      size_t present = page_rows - page_nulls;
      body_.push_back(static_cast<char>(index_bit_width));
      AppendRleBitPacked(std::span<const uint32_t>(indices_.data() + next_index, present), index_bit_width,
                         &body_);
      next_index += present;
      encoding = Encoding::kRleDictionary;
    } else if (decimal_width > 0) {
      AppendPlainDecimal128(column, decimal_width, row, page_end, page_nulls > 0, &body_);
    } else {
      AppendPlain(column, physical, row, page_end, page_nulls > 0, &body_);
    }
    JSM_RETURN_IF_ERROR(
        WritePage(PageType::kDataPage, static_cast<int32_t>(page_rows), encoding, out, &metadata));
    row = page_end;
  }

  if (use_dictionary) {
    metadata.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  } else {
    metadata.encodings = {Encoding::kPlain, Encoding::kRle};
  }
  return chunk;
}

Result<ColumnChunk> ColumnChunkWriter::WriteLeveled(const Field& field, std::vector<std::string> path,
                                                    const Column& values, std::span<const uint8_t> definition,
                                                    int max_definition, std::span<const uint8_t> repetition,
                                                    int max_repetition, std::string* out) {
  size_t entries = max_definition > 0 ? definition.size() : values.size();
  if (max_repetition > 0) JSM_CHECK_EQ(repetition.size(), entries);
  JSM_CHECK_EQ(values.null_count(), size_t{0});
  JSM_CHECK(field.type != DataType::kDecimal128 && "nested 128-bit decimals are not written");
  PhysicalType physical = PhysicalTypeFor(field.type);
  ColumnChunk chunk;
  ColumnMetaData& metadata = chunk.meta_data.emplace();
  metadata.type = physical;
  metadata.path_in_schema = std::move(path);
  metadata.codec = codec_;
  metadata.num_values = static_cast<int64_t>(entries);
  metadata.statistics = IsByteArrayType(field.type) ? ComputeStringStatistics(values, 0, values.size())
                                                        : ComputeStatistics(values, physical, 0, values.size());
  metadata.statistics->null_count = static_cast<int64_t>(entries - values.size());
  metadata.encodings = {Encoding::kPlain, Encoding::kRle};

  int64_t chunk_start = static_cast<int64_t>(out->size());
  chunk.file_offset = chunk_start;
  metadata.data_page_offset = chunk_start;
  const uint8_t max_def = static_cast<uint8_t>(max_definition);
  const int def_width = BitWidthFor(static_cast<uint64_t>(max_definition));
  const int rep_width = BitWidthFor(static_cast<uint64_t>(max_repetition));
  const int value_width = ValueWidth(physical);
  const uint64_t* string_offsets = values.offsets().data();
  size_t entry = 0, value = 0;
  while (entry < entries) {
    // Extend the page entry by entry; cut it at a record start once it is big enough.
    size_t page_entry = entry, page_value = value;
    size_t bytes = 0;
    while (entry < entries) {
      if (entry > page_entry && bytes >= kDataPageBytes && (max_repetition == 0 || repetition[entry] == 0)) break;
      if (max_definition == 0 || definition[entry] == max_def) {
        bytes += value_width > 0 ? static_cast<size_t>(value_width)
                                 : 4 + (string_offsets[value + 1] - string_offsets[value]);
        ++value;
      }
      bytes += 1;
      ++entry;
    }
    body_.clear();
    if (max_repetition > 0) {
      body_.append(4, '\0');
      size_t start = body_.size();
      AppendRleBitPacked(repetition.subspan(page_entry, entry - page_entry), rep_width, &body_);
      StoreLe(body_.data() + start - 4, static_cast<uint32_t>(body_.size() - start));
    }
    if (max_definition > 0) {
      body_.append(4, '\0');
      size_t start = body_.size();
      AppendRleBitPacked(definition.subspan(page_entry, entry - page_entry), def_width, &body_);
      StoreLe(body_.data() + start - 4, static_cast<uint32_t>(body_.size() - start));
    }
    AppendPlain(values, physical, page_value, value, false, &body_);
    JSM_RETURN_IF_ERROR(
        WritePage(PageType::kDataPage, static_cast<int32_t>(entry - page_entry), Encoding::kPlain, out, &metadata));
  }
  return chunk;
}

}  // namespace jsm::parquet
