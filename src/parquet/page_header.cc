#include "parquet/page_header.h"

#include <fmt/format.h>

#include "parquet/thrift_compact.h"

namespace jsm::parquet {
namespace {

using Reader = ThriftCompactReader;

std::unexpected<Error> Corrupt(uint64_t offset, std::string_view what) {
  return MakeError(ErrorCode::kCorruption, fmt::format("page header at byte offset {}: {}", offset, what));
}

/// Reads an i32 field into `out` and sets bit `f.id` of `seen`.
Result<bool> ReadI32(Reader& r, ThriftFieldHeader f, int32_t* out, uint32_t* seen) {
  if (f.type != CompactType::kI32) return false;
  JSM_ASSIGN_OR_RETURN(*out, r.ReadI32());
  *seen |= 1u << f.id;
  return true;
}

template <class E>
Result<bool> ReadEnum(Reader& r, ThriftFieldHeader f, E* out, uint32_t* seen) {
  int32_t value = 0;
  JSM_ASSIGN_OR_RETURN(bool handled, ReadI32(r, f, &value, seen));
  if (handled) *out = static_cast<E>(value);
  return handled;
}

Status CheckSeen(uint32_t seen, uint32_t required_ids_mask, std::string_view struct_name, uint64_t offset) {
  if ((seen & required_ids_mask) != required_ids_mask) {
    return Corrupt(offset, fmt::format("{} lacks a required field", struct_name));
  }
  return Status::Ok();
}

constexpr uint32_t Bits(std::initializer_list<int> ids) {
  uint32_t mask = 0;
  for (int id : ids) mask |= 1u << id;
  return mask;
}

Status ReadDataPageHeader(Reader& r, DataPageHeader* h) {
  uint64_t start = r.offset();
  uint32_t seen = 0;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadI32(r, f, &h->num_values, &seen);
      case 2:
        return ReadEnum(r, f, &h->encoding, &seen);
      case 3:
        return ReadEnum(r, f, &h->definition_level_encoding, &seen);
      case 4:
        return ReadEnum(r, f, &h->repetition_level_encoding, &seen);
      default:
        return false;
    }
  }));
  return CheckSeen(seen, Bits({1, 2, 3, 4}), "DataPageHeader", start);
}

Status ReadDictionaryPageHeader(Reader& r, DictionaryPageHeader* h) {
  uint64_t start = r.offset();
  uint32_t seen = 0;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadI32(r, f, &h->num_values, &seen);
      case 2:
        return ReadEnum(r, f, &h->encoding, &seen);
      case 3:
        if (!Reader::IsBool(f.type)) return false;
        h->is_sorted = Reader::BoolFieldValue(f.type);
        return true;
      default:
        return false;
    }
  }));
  return CheckSeen(seen, Bits({1, 2}), "DictionaryPageHeader", start);
}

Status ReadDataPageHeaderV2(Reader& r, DataPageHeaderV2* h) {
  uint64_t start = r.offset();
  uint32_t seen = 0;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadI32(r, f, &h->num_values, &seen);
      case 2:
        return ReadI32(r, f, &h->num_nulls, &seen);
      case 3:
        return ReadI32(r, f, &h->num_rows, &seen);
      case 4:
        return ReadEnum(r, f, &h->encoding, &seen);
      case 5:
        return ReadI32(r, f, &h->definition_levels_byte_length, &seen);
      case 6:
        return ReadI32(r, f, &h->repetition_levels_byte_length, &seen);
      case 7:
        if (!Reader::IsBool(f.type)) return false;
        h->is_compressed = Reader::BoolFieldValue(f.type);
        return true;
      default:
        return false;
    }
  }));
  JSM_RETURN_IF_ERROR(CheckSeen(seen, Bits({1, 2, 3, 4, 5, 6}), "DataPageHeaderV2", start));
  if (h->num_values < 0 || h->num_nulls < 0 || h->num_rows < 0 || h->definition_levels_byte_length < 0 ||
      h->repetition_levels_byte_length < 0 || h->num_nulls > h->num_values) {
    return Corrupt(start, "DataPageHeaderV2 has negative or inconsistent counts");
  }
  return Status::Ok();
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  ThriftCompactWriter w(out);
  w.WriteI32Field(1, static_cast<int32_t>(h.type));
  w.WriteI32Field(2, h.uncompressed_page_size);
  w.WriteI32Field(3, h.compressed_page_size);
  if (h.crc) w.WriteI32Field(4, *h.crc);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.BeginStructField(5);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, static_cast<int32_t>(d.encoding));
    w.WriteI32Field(3, static_cast<int32_t>(d.definition_level_encoding));
    w.WriteI32Field(4, static_cast<int32_t>(d.repetition_level_encoding));
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.BeginStructField(7);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.WriteBoolField(3, *d.is_sorted);
    w.EndStruct();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.BeginStructField(8);
    w.WriteI32Field(1, d.num_values);
    w.WriteI32Field(2, d.num_nulls);
    w.WriteI32Field(3, d.num_rows);
    w.WriteI32Field(4, static_cast<int32_t>(d.encoding));
    w.WriteI32Field(5, d.definition_levels_byte_length);
    w.WriteI32Field(6, d.repetition_levels_byte_length);
    w.WriteBoolField(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

Result<ParsedPageHeader> ParsePageHeader(std::string_view bytes, uint64_t base_offset) {
  Reader r(bytes, base_offset);
  ParsedPageHeader parsed;
  PageHeader& h = parsed.header;
  uint32_t seen = 0;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadEnum(r, f, &h.type, &seen);
      case 2:
        return ReadI32(r, f, &h.uncompressed_page_size, &seen);
      case 3:
        return ReadI32(r, f, &h.compressed_page_size, &seen);
      case 4: {
        int32_t crc = 0;
        JSM_ASSIGN_OR_RETURN(bool handled, ReadI32(r, f, &crc, &seen));
        if (handled) h.crc = crc;
        return handled;
      }
      case 5:
        if (f.type != CompactType::kStruct) return false;
        JSM_RETURN_IF_ERROR(ReadDataPageHeader(r, &h.data_page_header.emplace()));
        return true;
      case 7:
        if (f.type != CompactType::kStruct) return false;
        JSM_RETURN_IF_ERROR(ReadDictionaryPageHeader(r, &h.dictionary_page_header.emplace()));
        return true;
      case 8:
        if (f.type != CompactType::kStruct) return false;
        JSM_RETURN_IF_ERROR(ReadDataPageHeaderV2(r, &h.data_page_header_v2.emplace()));
        return true;
      default:
        return false;
    }
  }));
  JSM_RETURN_IF_ERROR(CheckSeen(seen, Bits({1, 2, 3}), "PageHeader", base_offset));
  if (h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    return Corrupt(base_offset, "negative page size");
  }
  switch (h.type) {
    case PageType::kDataPage:
      if (!h.data_page_header) return Corrupt(base_offset, "data page without DataPageHeader");
      if (h.data_page_header->num_values < 0) return Corrupt(base_offset, "negative num_values");
      break;
    case PageType::kDictionaryPage:
      if (!h.dictionary_page_header)
        return Corrupt(base_offset, "dictionary page without DictionaryPageHeader");
      if (h.dictionary_page_header->num_values < 0) return Corrupt(base_offset, "negative num_values");
      break;
    case PageType::kDataPageV2:
      if (!h.data_page_header_v2) return Corrupt(base_offset, "data page v2 without DataPageHeaderV2");
      break;
    default:
      break;  // index pages and unknown types are skipped by the reader
  }
  parsed.size = r.position();
  return parsed;
}

}  // namespace jsm::parquet
