#pragma once
/// The header in front of every page of a column chunk (PageHeader of
/// parquet.thrift), with its Thrift compact serializer and parser.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/format.h"

namespace jsm::parquet {

/// Header of a data page v1.
struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;

  bool operator==(const DataPageHeader&) const = default;
};

/// Header of a dictionary page.
struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

/// Header of a data page v2: levels are stored uncompressed before the values.
struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;

  bool operator==(const DataPageHeaderV2&) const = default;
};

/// A page header; exactly one of the type-specific headers matches `type`.
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

/// Appends the Thrift compact encoding of `header` to `out`.
void SerializePageHeader(const PageHeader& header, std::string* out);

/// A parsed header and the number of bytes it took.
struct ParsedPageHeader {
  PageHeader header;
  size_t size = 0;
};

/// Parses the page header at the start of `bytes` (absolute file offset
/// `base_offset`). Checks the required fields, that sizes are not negative and
/// that the header matching the page type is present.
Result<ParsedPageHeader> ParsePageHeader(std::string_view bytes, uint64_t base_offset);

}  // namespace jsm::parquet
