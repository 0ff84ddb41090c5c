#include "parquet/thrift_compact.h"

#include <fmt/format.h>

#include <cstring>

namespace jsm::parquet {
namespace {

constexpr int kMaxNestingDepth = 64;

uint64_t ZigzagEncode(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t ZigzagDecode(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

bool IsValidType(uint8_t type) { return type <= static_cast<uint8_t>(CompactType::kStruct); }

}  // namespace

// ---- writer ----

void ThriftCompactWriter::WriteVarint(uint64_t value) {
  char bytes[10];
  int n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out_->append(bytes, static_cast<size_t>(n));
}

void ThriftCompactWriter::WriteZigzag(int64_t value) { WriteVarint(ZigzagEncode(value)); }

void ThriftCompactWriter::WriteFieldHeader(int16_t id, CompactType type) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    WriteZigzag(id);
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::WriteBoolField(int16_t id, bool value) {
  WriteFieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void ThriftCompactWriter::WriteByteField(int16_t id, int8_t value) {
  WriteFieldHeader(id, CompactType::kByte);
  out_->push_back(static_cast<char>(value));
}

void ThriftCompactWriter::WriteI16Field(int16_t id, int16_t value) {
  WriteFieldHeader(id, CompactType::kI16);
  WriteZigzag(value);
}

void ThriftCompactWriter::WriteI32Field(int16_t id, int32_t value) {
  WriteFieldHeader(id, CompactType::kI32);
  WriteZigzag(value);
}

void ThriftCompactWriter::WriteI64Field(int16_t id, int64_t value) {
  WriteFieldHeader(id, CompactType::kI64);
  WriteZigzag(value);
}

void ThriftCompactWriter::WriteBinaryField(int16_t id, std::string_view value) {
  WriteFieldHeader(id, CompactType::kBinary);
  WriteBinaryElement(value);
}

void ThriftCompactWriter::BeginStructField(int16_t id) {
  WriteFieldHeader(id, CompactType::kStruct);
  BeginStructElement();
}

void ThriftCompactWriter::BeginListField(int16_t id, CompactType element_type, size_t size) {
  WriteFieldHeader(id, CompactType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<size_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element_type)));
    WriteVarint(size);
  }
}

void ThriftCompactWriter::WriteI32Element(int32_t value) { WriteZigzag(value); }

void ThriftCompactWriter::WriteBinaryElement(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value);
}

void ThriftCompactWriter::BeginStructElement() {
  enclosing_field_ids_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactWriter::EndStruct() {
  out_->push_back(static_cast<char>(CompactType::kStop));
  if (!enclosing_field_ids_.empty()) {
    last_field_id_ = enclosing_field_ids_.back();
    enclosing_field_ids_.pop_back();
  }
}

// ---- reader ----

std::unexpected<Error> ThriftCompactReader::Corrupt(std::string_view what) const {
  return MakeError(ErrorCode::kCorruption, fmt::format("thrift: {} at byte offset {}", what, offset()));
}

Result<uint64_t> ThriftCompactReader::ReadVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Corrupt("truncated varint");
    uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && byte > 1) return Corrupt("varint overflows 64 bits");
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return Corrupt("varint longer than 10 bytes");
}

Status ThriftCompactReader::BeginStruct() {
  if (enclosing_field_ids_.size() >= kMaxNestingDepth) return Corrupt("structs nested too deeply");
  enclosing_field_ids_.push_back(last_field_id_);
  last_field_id_ = 0;
  return Status::Ok();
}

void ThriftCompactReader::EndStruct() {
  if (enclosing_field_ids_.empty()) return;
  last_field_id_ = enclosing_field_ids_.back();
  enclosing_field_ids_.pop_back();
}

Result<ThriftFieldHeader> ThriftCompactReader::ReadFieldHeader() {
  if (pos_ >= data_.size()) return Corrupt("truncated struct (no stop byte)");
  uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
  ThriftFieldHeader header;
  uint8_t type = byte & 0x0F;
  if (byte == 0) return header;
  if (type == 0 || !IsValidType(type)) {
    --pos_;
    return Corrupt(fmt::format("invalid field type {}", type));
  }
  header.type = static_cast<CompactType>(type);
  int delta = byte >> 4;
  if (delta != 0) {
    int id = last_field_id_ + delta;
    if (id > INT16_MAX) return Corrupt("field id overflows");
    header.id = static_cast<int16_t>(id);
  } else {
    JSM_ASSIGN_OR_RETURN(header.id, ReadI16());
  }
  last_field_id_ = header.id;
  return header;
}

Result<int8_t> ThriftCompactReader::ReadByte() {
  if (pos_ >= data_.size()) return Corrupt("truncated byte");
  return static_cast<int8_t>(data_[pos_++]);
}

Result<int16_t> ThriftCompactReader::ReadI16() {
  JSM_ASSIGN_OR_RETURN(int64_t value, ReadI64());
  if (value < INT16_MIN || value > INT16_MAX) return Corrupt("i16 out of range");
  return static_cast<int16_t>(value);
}

Result<int32_t> ThriftCompactReader::ReadI32() {
  JSM_ASSIGN_OR_RETURN(int64_t value, ReadI64());
  if (value < INT32_MIN || value > INT32_MAX) return Corrupt("i32 out of range");
  return static_cast<int32_t>(value);
}

Result<int64_t> ThriftCompactReader::ReadI64() {
  JSM_ASSIGN_OR_RETURN(uint64_t raw, ReadVarint());
  return ZigzagDecode(raw);
}

Result<double> ThriftCompactReader::ReadDouble() {
  if (data_.size() - pos_ < 8) return Corrupt("truncated double");
  double value;
  std::memcpy(&value, data_.data() + pos_, 8);
  pos_ += 8;
  return value;
}

Result<std::string_view> ThriftCompactReader::ReadBinary() {
  JSM_ASSIGN_OR_RETURN(uint64_t size, ReadVarint());
  if (size > data_.size() - pos_) return Corrupt(fmt::format("binary of {} bytes runs past the end", size));
  std::string_view value = data_.substr(pos_, size);
  pos_ += size;
  return value;
}

Result<bool> ThriftCompactReader::ReadBoolElement() {
  JSM_ASSIGN_OR_RETURN(int8_t byte, ReadByte());
  return byte == static_cast<int8_t>(CompactType::kBoolTrue);
}

Result<ThriftListHeader> ThriftCompactReader::ReadListHeader() {
  size_t start = pos_;
  if (pos_ >= data_.size()) return Corrupt("truncated list header");
  uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
  ThriftListHeader header;
  uint8_t type = byte & 0x0F;
  if (type == 0 || !IsValidType(type)) {
    pos_ = start;
    return Corrupt(fmt::format("invalid list element type {}", type));
  }
  header.element_type = static_cast<CompactType>(type);
  uint64_t size = byte >> 4;
  if (size == 15) {
    JSM_ASSIGN_OR_RETURN(size, ReadVarint());
  }
  // Every element takes at least one byte, so a count above the bytes left is corrupt.
  if (size > data_.size() - pos_) {
    pos_ = start;
    return Corrupt(fmt::format("list of {} elements runs past the end", size));
  }
  header.size = static_cast<uint32_t>(size);
  return header;
}

Status ThriftCompactReader::SkipField(CompactType type) { return Skip(type, false, 0); }

Status ThriftCompactReader::Skip(CompactType type, bool in_collection, int depth) {
  if (depth > kMaxNestingDepth) return Corrupt("values nested too deeply");
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      // A bool field carries its value in the header; a bool element is one byte.
      if (in_collection) JSM_RETURN_IF_ERROR(ReadByte());
      return Status::Ok();
    case CompactType::kByte:
      JSM_RETURN_IF_ERROR(ReadByte());
      return Status::Ok();
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      JSM_RETURN_IF_ERROR(ReadVarint());
      return Status::Ok();
    case CompactType::kDouble:
      JSM_RETURN_IF_ERROR(ReadDouble());
      return Status::Ok();
    case CompactType::kBinary:
      JSM_RETURN_IF_ERROR(ReadBinary());
      return Status::Ok();
    case CompactType::kList:
    case CompactType::kSet: {
      JSM_ASSIGN_OR_RETURN(ThriftListHeader list, ReadListHeader());
      for (uint32_t i = 0; i < list.size; ++i) {
        JSM_RETURN_IF_ERROR(Skip(list.element_type, true, depth + 1));
      }
      return Status::Ok();
    }
    case CompactType::kMap: {
      JSM_ASSIGN_OR_RETURN(uint64_t size, ReadVarint());
      if (size == 0) return Status::Ok();
      if (size > data_.size() - pos_) return Corrupt("map runs past the end");
      JSM_ASSIGN_OR_RETURN(int8_t types, ReadByte());
      uint8_t key_type = static_cast<uint8_t>(types) >> 4;
      uint8_t value_type = static_cast<uint8_t>(types) & 0x0F;
      if (key_type == 0 || value_type == 0 || !IsValidType(key_type) || !IsValidType(value_type)) {
        return Corrupt("invalid map key or value type");
      }
      for (uint64_t i = 0; i < size; ++i) {
        JSM_RETURN_IF_ERROR(Skip(static_cast<CompactType>(key_type), true, depth + 1));
        JSM_RETURN_IF_ERROR(Skip(static_cast<CompactType>(value_type), true, depth + 1));
      }
      return Status::Ok();
    }
    case CompactType::kStruct: {
      JSM_RETURN_IF_ERROR(BeginStruct());
      while (true) {
        JSM_ASSIGN_OR_RETURN(ThriftFieldHeader field, ReadFieldHeader());
        if (field.type == CompactType::kStop) break;
        JSM_RETURN_IF_ERROR(Skip(field.type, false, depth + 1));
      }
      EndStruct();
      return Status::Ok();
    }
    case CompactType::kStop:
      break;
  }
  return Corrupt("cannot skip a value of type stop");
}

}  // namespace jsm::parquet
