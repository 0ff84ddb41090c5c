#pragma once
/// The file footer (FileMetaData of parquet.thrift) as plain structs, with its
/// Thrift compact serializer and a bounds-checked parser that skips fields it
/// does not know. Only the fields this codec uses are modelled.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/format.h"

namespace jsm::parquet {

/// The LogicalType union: which annotation is set and its parameters.
struct LogicalType {
  enum class Kind {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kOther = 1000,  ///< a union member this codec does not know
  };
  Kind kind = Kind::kOther;
  int32_t scale = 0;                  ///< kDecimal
  int32_t precision = 0;              ///< kDecimal
  bool is_adjusted_to_utc = false;    ///< kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMicros;  ///< kTime, kTimestamp
  int32_t bit_width = 0;              ///< kInteger
  bool is_signed = true;              ///< kInteger

  bool operator==(const LogicalType&) const = default;
};

/// One node of the schema tree, listed depth first (the root comes first).
struct SchemaElement {
  std::optional<PhysicalType> type;
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  bool operator==(const SchemaElement&) const = default;
};

/// Column chunk statistics; min_value/max_value are PLAIN encoded without a length prefix.
struct Statistics {
  std::optional<std::string> max;  ///< deprecated signed-order max
  std::optional<std::string> min;  ///< deprecated signed-order min
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;

  bool operator==(const Statistics&) const = default;
};

/// A key/value pair of user metadata.
struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

/// Where a column chunk's pages are and how they are encoded.
struct ColumnMetaData {
  PhysicalType type = PhysicalType::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;

  bool operator==(const ColumnMetaData&) const = default;
};

/// One column of one row group.
struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  bool encrypted = false;  ///< crypto_metadata or encrypted_column_metadata was present

  bool operator==(const ColumnChunk&) const = default;
};

/// A horizontal slice of the file: one chunk per leaf column.
struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

/// The footer of a Parquet file.
struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  /// Number of TYPE_ORDER entries in column_orders (other orders are not modelled).
  std::optional<int32_t> type_defined_column_orders;
  bool encrypted = false;  ///< encryption_algorithm was present

  bool operator==(const FileMetaData&) const = default;
};

/// Appends the Thrift compact encoding of `metadata` to `out`.
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);

/// Parses a footer held in `bytes`, which starts at absolute file offset
/// `base_offset` (used in error messages). Missing required fields and any
/// malformed input are kCorruption.
Result<FileMetaData> ParseFileMetaData(std::string_view bytes, uint64_t base_offset);

}  // namespace jsm::parquet
