#include "parquet/column_chunk_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>

#include "parquet/delta_encoding.h"
#include "parquet/little_endian.h"
#include "parquet/page_checksum.h"
#include "parquet/plain_encoding.h"
#include "parquet/rle.h"

namespace jsm::parquet {
namespace {

std::unexpected<Error> Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kCorruption, std::string(what));
}

bool CodecSupported(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
      return true;
    default:
      return false;
  }
}

/// Smallest encoded size of one value in bits, to bound value counts by the
/// bytes present before allocating for them.
size_t MinBitsPerValue(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kBoolean:
      return 1;
    case PhysicalType::kInt32:
      return 32;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 64;
    case PhysicalType::kByteArray:
      return 32;
    case PhysicalType::kFixedLenByteArray:
      return 8 * static_cast<size_t>(std::max(type_length, 1));
    default:
      return 8;
  }
}

}  // namespace

ChunkRange ChunkByteRange(const ColumnMetaData& metadata) {
  ChunkRange range{metadata.data_page_offset, metadata.total_compressed_size};
  if (metadata.dictionary_page_offset && *metadata.dictionary_page_offset > 0 &&
      *metadata.dictionary_page_offset < range.start) {
    range.start = *metadata.dictionary_page_offset;
  }
  return range;
}

ColumnChunkReader::ColumnChunkReader(std::string_view file, std::string_view file_name, uint64_t data_end)
    : segments_{FileSegment{0, file}}, file_name_(file_name), data_end_(data_end) {}

ColumnChunkReader::ColumnChunkReader(std::vector<FileSegment> segments, std::string_view file_name,
                                     uint64_t data_end)
    : segments_(std::move(segments)), file_name_(file_name), data_end_(data_end) {}

Result<std::string_view> ColumnChunkReader::Bytes(uint64_t start, uint64_t length) const {
  // The last segment starting at or before `start` is the only one that can hold the range.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), start,
                             [](uint64_t offset, const FileSegment& segment) { return offset < segment.offset; });
  if (it != segments_.begin()) {
    const FileSegment& segment = *std::prev(it);
    const uint64_t skip = start - segment.offset;
    if (skip <= segment.bytes.size() && length <= segment.bytes.size() - skip) {
      return segment.bytes.substr(skip, length);
    }
  }
  return MakeError(ErrorCode::kInternal, fmt::format("{}: bytes [{}, {}) were not fetched", file_name_, start,
                                                     start + length));
}

Status ColumnChunkReader::Read(const ColumnChunk& chunk, const LeafColumn& leaf, int64_t num_rows, Column* out,
                               size_t row_group) {
  row_group_ = row_group;
  max_definition_ = leaf.field.nullable ? 1 : 0;
  max_repetition_ = 0;
  leveled_ = nullptr;
  return ReadChunk(chunk, leaf, num_rows, out);
}

Status ColumnChunkReader::ReadLeveled(const ColumnChunk& chunk, const LeafColumn& leaf, int max_definition,
                                      int max_repetition, LeveledValues* out, size_t row_group) {
  row_group_ = row_group;
  JSM_CHECK_LE(max_definition, 255);
  JSM_CHECK_LE(max_repetition, 255);
  max_definition_ = max_definition;
  max_repetition_ = max_repetition;
  leveled_ = out;
  Status status = ReadChunk(chunk, leaf, -1, &out->values);
  leveled_ = nullptr;
  return status;
}

Status ColumnChunkReader::ReadChunk(const ColumnChunk& chunk, const LeafColumn& leaf, int64_t num_rows,
                                    Column* out) {
  // A leaf of a nested schema is named by its path ("add.stats"), a flat column by its name.
  column_name_ = leaf.field.name;
  if (leveled_ != nullptr && chunk.meta_data && !chunk.meta_data->path_in_schema.empty()) {
    column_name_ = fmt::format("{}", fmt::join(chunk.meta_data->path_in_schema, "."));
  }
  const std::string& name = column_name_;
  auto corrupt = [&](std::string_view what) {
    return MakeError(ErrorCode::kCorruption,
                     fmt::format("{}: row group {}, column '{}': {}", file_name_, row_group_, name, what));
  };
  if (chunk.file_path) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: column '{}' is stored in another file ({})",
                                                          file_name_, name, *chunk.file_path));
  }
  if (chunk.encrypted) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: column '{}' is encrypted", file_name_, name));
  }
  if (!chunk.meta_data)
    return corrupt("column chunk has no ColumnMetaData in the footer (at byte offset " +
                   std::to_string(data_end_) + ")");
  const ColumnMetaData& metadata = *chunk.meta_data;
  if (metadata.type != leaf.physical_type) {
    return corrupt(fmt::format("chunk type {} differs from schema type {} (footer at byte offset {})",
                               PhysicalTypeName(metadata.type), PhysicalTypeName(leaf.physical_type),
                               data_end_));
  }
  if (num_rows >= 0 && metadata.num_values != num_rows) {
    return corrupt(fmt::format("chunk holds {} values for {} rows (footer at byte offset {})",
                               metadata.num_values, num_rows, data_end_));
  }
  if (metadata.num_values < 0) return corrupt(fmt::format("chunk holds {} values", metadata.num_values));
  if (!CodecSupported(metadata.codec)) {
    return MakeError(ErrorCode::kUnsupported, fmt::format("{}: column '{}': compression codec {}", file_name_,
                                                          name, CodecName(metadata.codec)));
  }
  const auto [start, length] = ChunkByteRange(metadata);
  if (start < 4 || length < 0 || static_cast<uint64_t>(start) > data_end_ ||
      static_cast<uint64_t>(length) > data_end_ - static_cast<uint64_t>(start)) {
    return corrupt(fmt::format("chunk of {} bytes at byte offset {} lies outside the data region [4, {})",
                               length, start, data_end_));
  }
  return ReadPages(metadata, leaf, static_cast<uint64_t>(start), static_cast<uint64_t>(length), out);
}

Status ColumnChunkReader::ReadPages(const ColumnMetaData& metadata, const LeafColumn& leaf, uint64_t start,
                                    uint64_t length, Column* out) {
  codec_ = metadata.codec;
  has_dictionary_ = false;
  values_left_ = static_cast<uint64_t>(metadata.num_values);
  JSM_ASSIGN_OR_RETURN(const std::string_view chunk, Bytes(start, length));
  size_t pos = 0;
  bool seen_data_page = false;
  for (size_t page = 0; values_left_ > 0; ++page) {
    uint64_t page_offset = start + pos;
    auto context = [&](const Error& error) {
      return std::unexpected(error.WithContext(fmt::format("{}: row group {}, column '{}', page {} at byte offset {}",
                                                           file_name_, row_group_, column_name_, page,
                                                           page_offset)));
    };
    if (pos >= chunk.size()) {
      return context(Error(
          ErrorCode::kCorruption,
          fmt::format("column chunk ends with {} of {} values missing", values_left_, metadata.num_values)));
    }
    Result<ParsedPageHeader> parsed = ParsePageHeader(chunk.substr(pos), page_offset);
    if (!parsed) return context(parsed.error());
    const PageHeader& header = parsed->header;
    pos += parsed->size;
    size_t compressed = static_cast<size_t>(header.compressed_page_size);
    if (compressed > chunk.size() - pos) {
      return context(
          Error(ErrorCode::kCorruption,
                fmt::format("page of {} bytes runs past the end of the column chunk at byte offset {}",
                            compressed, start + length)));
    }
    std::string_view payload = chunk.substr(pos, compressed);
    pos += compressed;
    if (Status verified = VerifyPageChecksum(header, payload); !verified) return context(verified.error());
    Status status;
    switch (header.type) {
      case PageType::kDictionaryPage:
        if (has_dictionary_ || seen_data_page) {
          status = Corrupt("a dictionary page must come first and only once in a column chunk");
        } else {
          status = DecodeDictionaryPage(header, payload, leaf);
        }
        break;
      case PageType::kDataPage:
        seen_data_page = true;
        status = DecodeDataPageV1(header, payload, leaf, out);
        break;
      case PageType::kDataPageV2:
        seen_data_page = true;
        status = DecodeDataPageV2(header, payload, leaf, out);
        break;
      default:
        break;  // index pages and future page types carry no values
    }
    if (!status) return context(status.error());
  }
  return Status::Ok();
}

Result<std::string_view> ColumnChunkReader::Uncompressed(std::string_view payload, size_t uncompressed_size,
                                                         std::string* buffer) {
  if (codec_ == CompressionCodec::kUncompressed) {
    if (payload.size() != uncompressed_size) {
      return Corrupt(
          fmt::format("uncompressed page of {} bytes declares {} bytes", payload.size(), uncompressed_size));
    }
    return payload;
  }
  JSM_RETURN_IF_ERROR(page_codec_.Decompress(codec_, payload, uncompressed_size, buffer));
  return std::string_view(*buffer);
}

Status ColumnChunkReader::DecodeDictionaryPage(const PageHeader& header, std::string_view payload,
                                               const LeafColumn& leaf) {
  const DictionaryPageHeader& dict = *header.dictionary_page_header;
  if (dict.encoding != Encoding::kPlain && dict.encoding != Encoding::kPlainDictionary) {
    return MakeError(ErrorCode::kUnsupported,
                     fmt::format("dictionary page encoding {}", EncodingName(dict.encoding)));
  }
  JSM_ASSIGN_OR_RETURN(
      std::string_view data,
      Uncompressed(payload, static_cast<size_t>(header.uncompressed_page_size), &dictionary_buffer_));
  size_t count = static_cast<size_t>(dict.num_values);
  if (count > data.size() * 8 / MinBitsPerValue(leaf.physical_type, leaf.type_length)) {
    return Corrupt(fmt::format("dictionary of {} values cannot fit in {} bytes", count, data.size()));
  }
  switch (leaf.physical_type) {
    case PhysicalType::kByteArray:
      dictionary_strings_.resize(count);
      JSM_RETURN_IF_ERROR(DecodePlainByteArrays(data, count, dictionary_strings_.data()));
      break;
    case PhysicalType::kDouble:
      dictionary_doubles_.resize(count);
      JSM_RETURN_IF_ERROR(DecodePlainDoubles(data, count, dictionary_doubles_.data()));
      break;
    case PhysicalType::kFixedLenByteArray:
      if (leaf.field.type == DataType::kDecimal128) {
        dictionary_wides_.resize(count);
        JSM_RETURN_IF_ERROR(DecodePlainDecimal128(data, leaf.type_length, count, dictionary_wides_.data()));
        break;
      }
      [[fallthrough]];
    default:
      dictionary_ints_.resize(count);
      JSM_RETURN_IF_ERROR(
          DecodePlainInts(data, leaf.physical_type, leaf.type_length, count, dictionary_ints_.data()));
      break;
  }
  has_dictionary_ = true;
  return Status::Ok();
}

Status ColumnChunkReader::DecodeLevels(std::string_view data, size_t count, size_t* present) {
  levels_.resize(count);
  RleBitPackedDecoder decoder(data, BitWidthFor(static_cast<uint64_t>(max_definition_)));
  Status status = decoder.Decode(levels_.data(), count);
  if (!status) return std::unexpected(status.error().WithContext("definition levels"));
  size_t n = 0;
  if (max_definition_ == 1) {
    for (uint8_t level : levels_) n += level;
  } else {
    const uint8_t max = static_cast<uint8_t>(max_definition_);
    for (uint8_t level : levels_) {
      if (level > max) return Corrupt(fmt::format("definition level {} above the maximum {}", level, max));
      n += level == max;
    }
  }
  *present = n;
  return Status::Ok();
}

Status ColumnChunkReader::DecodeRepetition(std::string_view data, size_t count) {
  repetition_.resize(count);
  RleBitPackedDecoder decoder(data, BitWidthFor(static_cast<uint64_t>(max_repetition_)));
  Status status = decoder.Decode(repetition_.data(), count);
  if (!status) return std::unexpected(status.error().WithContext("repetition levels"));
  const uint8_t max = static_cast<uint8_t>(max_repetition_);
  for (uint8_t level : repetition_) {
    if (level > max) return Corrupt(fmt::format("repetition level {} above the maximum {}", level, max));
  }
  return Status::Ok();
}

Status ColumnChunkReader::DecodeDataPageV1(const PageHeader& header, std::string_view payload,
                                           const LeafColumn& leaf, Column* out) {
  const DataPageHeader& page = *header.data_page_header;
  size_t count = static_cast<size_t>(page.num_values);
  if (count > kMaxPageValues) return Corrupt(fmt::format("page declares {} values", count));
  if (count > values_left_) {
    return Corrupt(fmt::format("page holds {} values but only {} remain in the chunk", count, values_left_));
  }
  JSM_ASSIGN_OR_RETURN(
      std::string_view body,
      Uncompressed(payload, static_cast<size_t>(header.uncompressed_page_size), &page_buffer_));
  size_t present = count;
  std::string_view values = body;
  if (max_repetition_ > 0) {
    if (page.repetition_level_encoding != Encoding::kRle) {
      return MakeError(ErrorCode::kUnsupported, fmt::format("repetition levels encoded as {}",
                                                            EncodingName(page.repetition_level_encoding)));
    }
    if (values.size() < 4) return Corrupt("page too short for its repetition levels");
    uint32_t levels_size = LoadLe<uint32_t>(values.data());
    if (levels_size > values.size() - 4) {
      return Corrupt(fmt::format("repetition levels of {} bytes run past the page end", levels_size));
    }
    JSM_RETURN_IF_ERROR(DecodeRepetition(values.substr(4, levels_size), count));
    values = values.substr(4 + levels_size);
  }
  if (max_definition_ > 0) {
    if (page.definition_level_encoding != Encoding::kRle) {
      return MakeError(ErrorCode::kUnsupported, fmt::format("definition levels encoded as {}",
                                                            EncodingName(page.definition_level_encoding)));
    }
    if (values.size() < 4) return Corrupt("page too short for its definition levels");
    uint32_t levels_size = LoadLe<uint32_t>(values.data());
    if (levels_size > values.size() - 4) {
      return Corrupt(fmt::format("definition levels of {} bytes run past the page end", levels_size));
    }
    JSM_RETURN_IF_ERROR(DecodeLevels(values.substr(4, levels_size), count, &present));
    values = values.substr(4 + levels_size);
  }
  JSM_RETURN_IF_ERROR(DecodeValues(page.encoding, values, present, leaf));
  if (leveled_ != nullptr) return AppendLeveled(leaf, count, present);
  return AppendValues(leaf, count, present, out);
}

Status ColumnChunkReader::DecodeDataPageV2(const PageHeader& header, std::string_view payload,
                                           const LeafColumn& leaf, Column* out) {
  const DataPageHeaderV2& page = *header.data_page_header_v2;
  size_t count = static_cast<size_t>(page.num_values);
  if (count > kMaxPageValues) return Corrupt(fmt::format("page declares {} values", count));
  if (count > values_left_) {
    return Corrupt(fmt::format("page holds {} values but only {} remain in the chunk", count, values_left_));
  }
  size_t repetition_size = static_cast<size_t>(page.repetition_levels_byte_length);
  size_t definition_size = static_cast<size_t>(page.definition_levels_byte_length);
  size_t levels_size = repetition_size + definition_size;
  if (levels_size > payload.size() || levels_size > static_cast<size_t>(header.uncompressed_page_size)) {
    return Corrupt(fmt::format("levels of {} bytes exceed the page", levels_size));
  }
  size_t present = count;
  if (max_repetition_ > 0) JSM_RETURN_IF_ERROR(DecodeRepetition(payload.substr(0, repetition_size), count));
  if (max_definition_ > 0) {
    JSM_RETURN_IF_ERROR(DecodeLevels(payload.substr(repetition_size, definition_size), count, &present));
  }
  if (count - present != static_cast<size_t>(page.num_nulls)) {
    return Corrupt(
        fmt::format("page declares {} nulls but its levels hold {}", page.num_nulls, count - present));
  }
  std::string_view stored = payload.substr(levels_size);
  size_t values_size = static_cast<size_t>(header.uncompressed_page_size) - levels_size;
  std::string_view values;
  if (page.is_compressed && codec_ != CompressionCodec::kUncompressed) {
    JSM_RETURN_IF_ERROR(page_codec_.Decompress(codec_, stored, values_size, &page_buffer_));
    values = page_buffer_;
  } else {
    if (stored.size() != values_size) {
      return Corrupt(fmt::format("uncompressed values of {} bytes where the header says {}", stored.size(),
                                 values_size));
    }
    values = stored;
  }
  JSM_RETURN_IF_ERROR(DecodeValues(page.encoding, values, present, leaf));
  if (leveled_ != nullptr) return AppendLeveled(leaf, count, present);
  return AppendValues(leaf, count, present, out);
}

Status ColumnChunkReader::DecodeValues(Encoding encoding, std::string_view data, size_t count,
                                       const LeafColumn& leaf) {
  PhysicalType type = leaf.physical_type;
  switch (encoding) {
    case Encoding::kPlain: {
      if (count > data.size() * 8 / MinBitsPerValue(type, leaf.type_length)) {
        return Corrupt(fmt::format("{} PLAIN values cannot fit in {} bytes", count, data.size()));
      }
      if (type == PhysicalType::kByteArray) {
        strings_.resize(count);
        JSM_RETURN_IF_ERROR(DecodePlainByteArrays(data, count, strings_.data()));
        return Status::Ok();
      }
      if (type == PhysicalType::kDouble) {
        doubles_.resize(count);
        JSM_RETURN_IF_ERROR(DecodePlainDoubles(data, count, doubles_.data()));
        return Status::Ok();
      }
      if (leaf.field.type == DataType::kDecimal128) {
        wides_.resize(count);
        JSM_RETURN_IF_ERROR(DecodePlainDecimal128(data, leaf.type_length, count, wides_.data()));
        return Status::Ok();
      }
      ints_.resize(count);
      JSM_RETURN_IF_ERROR(DecodePlainInts(data, type, leaf.type_length, count, ints_.data()));
      return Status::Ok();
    }
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!has_dictionary_) return Corrupt("dictionary-encoded page without a dictionary page");
      if (count == 0) return Status::Ok();
      if (data.empty()) return Corrupt("dictionary-encoded page without index bit width");
      int bit_width = static_cast<uint8_t>(data[0]);
      if (bit_width > 32) return Corrupt(fmt::format("dictionary index bit width {}", bit_width));
      indices_.resize(count);
      RleBitPackedDecoder decoder(data.substr(1), bit_width);
      Status status = decoder.Decode(indices_.data(), count);
      if (!status) return std::unexpected(status.error().WithContext("dictionary indices"));
      const bool wide = leaf.field.type == DataType::kDecimal128;
      size_t size = type == PhysicalType::kByteArray ? dictionary_strings_.size()
                    : type == PhysicalType::kDouble  ? dictionary_doubles_.size()
                    : wide                           ? dictionary_wides_.size()
                                                     : dictionary_ints_.size();
      for (uint32_t index : indices_) {
        if (index >= size) return Corrupt(fmt::format("dictionary index {} beyond {} entries", index, size));
      }
      if (type == PhysicalType::kByteArray) {
        strings_.resize(count);
        for (size_t i = 0; i < count; ++i) strings_[i] = dictionary_strings_[indices_[i]];
      } else if (type == PhysicalType::kDouble) {
        doubles_.resize(count);
        for (size_t i = 0; i < count; ++i) doubles_[i] = dictionary_doubles_[indices_[i]];
      } else if (wide) {
        wides_.resize(count);
        for (size_t i = 0; i < count; ++i) wides_[i] = dictionary_wides_[indices_[i]];
      } else {
        ints_.resize(count);
        for (size_t i = 0; i < count; ++i) ints_[i] = dictionary_ints_[indices_[i]];
      }
      return Status::Ok();
    }
    case Encoding::kRle: {
      if (type != PhysicalType::kBoolean) {
        return MakeError(ErrorCode::kUnsupported, fmt::format("RLE encoding of {}", PhysicalTypeName(type)));
      }
      if (data.size() < 4) return Corrupt("RLE booleans without length prefix");
      uint32_t size = LoadLe<uint32_t>(data.data());
      if (size > data.size() - 4)
        return Corrupt(fmt::format("RLE booleans of {} bytes run past the page", size));
      indices_.resize(count);
      RleBitPackedDecoder decoder(data.substr(4, size), 1);
      Status status = decoder.Decode(indices_.data(), count);
      if (!status) return std::unexpected(status.error().WithContext("RLE booleans"));
      ints_.resize(count);
      for (size_t i = 0; i < count; ++i) ints_[i] = indices_[i];
      return Status::Ok();
    }
    case Encoding::kDeltaBinaryPacked: {
      if (type != PhysicalType::kInt32 && type != PhysicalType::kInt64) {
        return MakeError(ErrorCode::kUnsupported,
                         fmt::format("DELTA_BINARY_PACKED encoding of {}", PhysicalTypeName(type)));
      }
      ints_.resize(count);
      Result<size_t> used = DecodeDeltaBinaryPacked(data, count, type == PhysicalType::kInt32, ints_.data());
      if (!used) return std::unexpected(used.error());
      return Status::Ok();
    }
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray: {
      if (type != PhysicalType::kByteArray) {
        return MakeError(ErrorCode::kUnsupported,
                         fmt::format("{} encoding of {}", EncodingName(encoding), PhysicalTypeName(type)));
      }
      if (encoding == Encoding::kDeltaByteArray) {
        return DecodeDeltaByteArray(data, count, &delta_buffer_, &strings_);
      }
      strings_.resize(count);
      Result<size_t> used = DecodeDeltaLengthByteArray(data, count, strings_.data());
      if (!used) return std::unexpected(used.error());
      return Status::Ok();
    }
    default:
      return MakeError(ErrorCode::kUnsupported, fmt::format("value encoding {}", EncodingName(encoding)));
  }
}

Status ColumnChunkReader::AppendLeveled(const LeafColumn& leaf, size_t count, size_t present) {
  LeveledValues* out = leveled_;
  if (max_definition_ > 0) out->definition.insert(out->definition.end(), levels_.begin(), levels_.begin() + count);
  if (max_repetition_ > 0) {
    out->repetition.insert(out->repetition.end(), repetition_.begin(), repetition_.begin() + count);
  }
  DataType type = leaf.field.type;
  int64_t multiplier = leaf.int_multiplier;
  Column& values = out->values;
  for (size_t i = 0; i < present; ++i) {
    if (IsByteArrayType(type)) {
      values.AppendString(strings_[i]);
    } else if (type == DataType::kDouble) {
      values.AppendDouble(doubles_[i]);
    } else if (type == DataType::kDecimal128) {
      values.AppendWide(wides_[i]);
    } else {
      int64_t scaled = 0;
      if (__builtin_mul_overflow(ints_[i], multiplier, &scaled)) {
        return Corrupt(fmt::format("value {} overflows when converted to microseconds", ints_[i]));
      }
      values.AppendInt(scaled);
    }
  }
  values_left_ -= count;
  return Status::Ok();
}

Status ColumnChunkReader::AppendValues(const LeafColumn& leaf, size_t count, size_t present, Column* out) {
  DataType type = leaf.field.type;
  bool nullable = leaf.field.nullable;
  int64_t multiplier = leaf.int_multiplier;
  size_t next = 0;
  for (size_t i = 0; i < count; ++i) {
    if (nullable && levels_[i] == 0) {
      out->AppendNull();
      continue;
    }
    if (IsByteArrayType(type)) {
      out->AppendString(strings_[next]);
    } else if (type == DataType::kDouble) {
      out->AppendDouble(doubles_[next]);
    } else if (type == DataType::kDecimal128) {
      out->AppendWide(wides_[next]);
    } else if (multiplier == 1) {
      out->AppendInt(ints_[next]);
    } else {
      int64_t scaled = 0;
      if (__builtin_mul_overflow(ints_[next], multiplier, &scaled)) {
        return Corrupt(fmt::format("value {} overflows when converted to microseconds", ints_[next]));
      }
      out->AppendInt(scaled);
    }
    ++next;
  }
  JSM_CHECK_EQ(next, present);
  values_left_ -= count;
  return Status::Ok();
}

}  // namespace jsm::parquet
