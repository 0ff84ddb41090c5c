#include "common/record_batch.h"

namespace jsm {

int Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Int128 PowerOfTen128(int digits) {
  JSM_CHECK_GE(digits, 0);
  JSM_CHECK_LE(digits, kMaxDecimal128Precision);
  Int128 value = 1;
  for (int i = 0; i < digits; ++i) value *= 10;
  return value;
}

std::string FormatUnscaled128(Int128 unscaled, int scale) {
  const bool negative = unscaled < 0;
  // The magnitude as unsigned, so the most negative value has one too.
  unsigned __int128 magnitude = negative ? 0 - static_cast<unsigned __int128>(unscaled)
                                         : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0 && digits.size() <= static_cast<size_t>(scale)) digits.append(static_cast<size_t>(scale) + 1 - digits.size(), '0');
  std::string out = negative ? "-" : "";
  for (size_t i = digits.size(); i-- > 0;) {
    out.push_back(digits[i]);
    if (scale > 0 && i == static_cast<size_t>(scale)) out.push_back('.');
  }
  return out;
}

void Column::Clear() {
  validity_.clear();
  ints_.clear();
  doubles_.clear();
  wides_.clear();
  offsets_.resize(1);
  chars_.clear();
}

void Column::Reserve(size_t rows, size_t chars) {
  validity_.reserve(rows);
  if (IsByteArrayType(type_)) {
    offsets_.reserve(rows + 1);
    chars_.reserve(chars);
  } else if (type_ == DataType::kDouble) {
    doubles_.reserve(rows);
  } else if (type_ == DataType::kDecimal128) {
    wides_.reserve(rows);
  } else {
    ints_.reserve(rows);
  }
}

void Column::AppendNull() {
  validity_.push_back(0);
  if (IsByteArrayType(type_)) {
    offsets_.push_back(chars_.size());
  } else if (type_ == DataType::kDouble) {
    doubles_.push_back(0);
  } else if (type_ == DataType::kDecimal128) {
    wides_.push_back(0);
  } else {
    ints_.push_back(0);
  }
}

void Column::AppendInt(int64_t value) {
  JSM_CHECK(IsIntLike());
  validity_.push_back(1);
  ints_.push_back(value);
}

void Column::AppendDouble(double value) {
  JSM_CHECK(type_ == DataType::kDouble);
  validity_.push_back(1);
  doubles_.push_back(value);
}

void Column::AppendWide(Int128 value) {
  JSM_CHECK(type_ == DataType::kDecimal128);
  validity_.push_back(1);
  wides_.push_back(value);
}

void Column::AppendString(std::string_view value) {
  JSM_CHECK(IsByteArrayType(type_));
  validity_.push_back(1);
  chars_.append(value);
  offsets_.push_back(chars_.size());
}

void Column::AppendFrom(const Column& other, size_t row) {
  JSM_CHECK(other.type_ == type_);
  if (other.IsNull(row)) {
    AppendNull();
  } else if (IsByteArrayType(type_)) {
    AppendString(other.StringAt(row));
  } else if (type_ == DataType::kDouble) {
    AppendDouble(other.DoubleAt(row));
  } else if (type_ == DataType::kDecimal128) {
    AppendWide(other.WideAt(row));
  } else {
    AppendInt(other.IntAt(row));
  }
}

void Column::AppendSelected(const Column& other, const std::vector<uint8_t>& keep) {
  JSM_CHECK(other.type_ == type_);
  JSM_CHECK_EQ(keep.size(), other.size());
  for (size_t row = 0; row < keep.size(); ++row) {
    if (!keep[row]) continue;
    validity_.push_back(other.validity_[row]);
    if (IsByteArrayType(type_)) {
      chars_.append(other.chars_, other.offsets_[row], other.offsets_[row + 1] - other.offsets_[row]);
      offsets_.push_back(chars_.size());
    } else if (type_ == DataType::kDouble) {
      doubles_.push_back(other.doubles_[row]);
    } else if (type_ == DataType::kDecimal128) {
      wides_.push_back(other.wides_[row]);
    } else {
      ints_.push_back(other.ints_[row]);
    }
  }
}

size_t Column::null_count() const {
  size_t nulls = 0;
  for (uint8_t v : validity_) nulls += (v == 0);
  return nulls;
}

RecordBatch::RecordBatch(Schema schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_.fields.size());
  for (const Field& field : schema_.fields) columns_.emplace_back(field.type);
}

const Column& RecordBatch::column(std::string_view name) const {
  int index = schema_.FieldIndex(name);
  JSM_CHECK_GE(index, 0);
  return columns_[static_cast<size_t>(index)];
}

void RecordBatch::Clear() {
  for (Column& column : columns_) column.Clear();
}

void RecordBatch::Append(const RecordBatch& other) {
  JSM_CHECK(other.schema_ == schema_);
  for (size_t c = 0; c < columns_.size(); ++c) {
    for (size_t r = 0; r < other.num_rows(); ++r) columns_[c].AppendFrom(other.columns_[c], r);
  }
}

void RecordBatch::AppendSelected(const RecordBatch& other, const std::vector<uint8_t>& keep) {
  JSM_CHECK(other.schema_ == schema_);
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c].AppendSelected(other.columns_[c], keep);
}

size_t RecordBatch::ByteSize() const {
  size_t bytes = 0;
  for (const Column& column : columns_) {
    bytes += column.validity().size() + column.ints().size() * 8 + column.doubles().size() * 8 + column.wides().size() * 16 +
             column.offsets().size() * 8 + column.chars().size();
  }
  return bytes;
}

}  // namespace jsm
