#pragma once
/// A columnar batch of rows: the in-memory shape every stage builds and every
/// Parquet file is written from or read into. Columns grow by appends that reuse
/// their buffers, so a batch cleared with Clear() allocates nothing the next time.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"

namespace jsm {

/// Logical column types, as Delta's schema names them.
enum class DataType {
  kString,     ///< UTF-8; Parquet BYTE_ARRAY/STRING; Delta "string"
  kBoolean,    ///< Parquet BOOLEAN; Delta "boolean"
  kInt32,      ///< Parquet INT32; Delta "integer"
  kInt64,      ///< Parquet INT64; Delta "long"
  kDouble,     ///< Parquet DOUBLE; Delta "double"
  kDate,       ///< days since 1970-01-01; Parquet INT32/DATE; Delta "date"
  kTimestamp,  ///< microseconds since epoch, UTC; Parquet INT64/TIMESTAMP(MICROS, UTC); Delta "timestamp"
  kDecimal,    ///< unscaled int64, precision <= 18; Parquet INT64/DECIMAL; Delta "decimal(p,s)"
  kBinary,     ///< any bytes; Parquet BYTE_ARRAY with no logical type; Delta "binary"
  /// unscaled __int128, precision 19..38; Parquet FIXED_LEN_BYTE_ARRAY/DECIMAL (big-endian two's
  /// complement, the fewest bytes that hold the precision); Delta "decimal(p,s)"
  kDecimal128,
};

/// The 128-bit integer behind kDecimal128 values.
using Int128 = __int128;

/// Largest precision of a kDecimal (int64) column, and of a kDecimal128 column.
inline constexpr int kMaxDecimal64Precision = 18;
inline constexpr int kMaxDecimal128Precision = 38;

/// True for the decimal types (kDecimal, kDecimal128).
constexpr bool IsDecimalType(DataType type) { return type == DataType::kDecimal || type == DataType::kDecimal128; }

/// 10^digits as a 128-bit integer (0 <= digits <= 38).
Int128 PowerOfTen128(int digits);

/// An unscaled 128-bit decimal as text with `scale` fraction digits, e.g. (1234, 2) -> "12.34",
/// (-5, 2) -> "-0.05"; the most negative value included.
std::string FormatUnscaled128(Int128 unscaled, int scale);

/// True for the types whose values are byte strings (offsets + chars): kString and kBinary.
constexpr bool IsByteArrayType(DataType type) { return type == DataType::kString || type == DataType::kBinary; }

/// One column of a schema.
struct Field {
  std::string name;
  DataType type = DataType::kString;
  bool nullable = true;
  int precision = 0;  ///< kDecimal and kDecimal128 only
  int scale = 0;      ///< kDecimal and kDecimal128 only

  bool operator==(const Field&) const = default;
};

/// An ordered list of fields.
struct Schema {
  std::vector<Field> fields;

  /// Index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

/// The values of one column. Integer-like types (boolean, int32, int64, date,
/// timestamp, decimal) live in `ints`; 128-bit decimals in `wides`; doubles in
/// `doubles`; strings and binary values in `offsets` + `chars`. `validity` holds
/// one byte per row (1 = present).
class Column {
 public:
  explicit Column(DataType type = DataType::kString) : type_(type) { offsets_.push_back(0); }

  DataType type() const { return type_; }
  size_t size() const { return validity_.size(); }
  /// Drops all values, keeping the buffers' capacity.
  void Clear();
  void Reserve(size_t rows, size_t chars = 0);

  void AppendNull();
  void AppendInt(int64_t value);
  void AppendDouble(double value);
  /// Appends an unscaled 128-bit decimal (kDecimal128).
  void AppendWide(Int128 value);
  /// Appends a string (kString) or the bytes of a binary value (kBinary).
  void AppendString(std::string_view value);
  /// Appends row `row` of `other` (same type).
  void AppendFrom(const Column& other, size_t row);
  /// Appends the rows of `other` (same type) whose `keep` byte is non-zero.
  void AppendSelected(const Column& other, const std::vector<uint8_t>& keep);

  bool IsNull(size_t row) const { return validity_[row] == 0; }
  bool IsValid(size_t row) const { return validity_[row] != 0; }
  int64_t IntAt(size_t row) const { return ints_[row]; }
  double DoubleAt(size_t row) const { return doubles_[row]; }
  Int128 WideAt(size_t row) const { return wides_[row]; }
  std::string_view StringAt(size_t row) const {
    return std::string_view(chars_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  size_t null_count() const;

  const std::vector<uint8_t>& validity() const { return validity_; }
  const std::vector<int64_t>& ints() const { return ints_; }
  const std::vector<double>& doubles() const { return doubles_; }
  const std::vector<Int128>& wides() const { return wides_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::string& chars() const { return chars_; }

 private:
  bool IsIntLike() const {
    return !IsByteArrayType(type_) && type_ != DataType::kDouble && type_ != DataType::kDecimal128;
  }

  DataType type_;
  std::vector<uint8_t> validity_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<Int128> wides_;
  std::vector<uint64_t> offsets_;
  std::string chars_;
};

/// A schema and one column per field, all of the same length.
class RecordBatch {
 public:
  RecordBatch() = default;
  explicit RecordBatch(Schema schema);

  const Schema& schema() const { return schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }
  /// Column called `name`; the name must exist.
  const Column& column(std::string_view name) const;
  /// Drops all rows, keeping capacity.
  void Clear();
  /// Appends all rows of `other`, which must have the same schema.
  void Append(const RecordBatch& other);
  /// Appends the rows of `other` (same schema) whose `keep` byte is non-zero, column by column.
  void AppendSelected(const RecordBatch& other, const std::vector<uint8_t>& keep);
  /// Approximate bytes held by the values.
  size_t ByteSize() const;

 private:
  Schema schema_;
  std::vector<Column> columns_;
};

}  // namespace jsm
