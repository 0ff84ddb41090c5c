#pragma once
/// The Thrift compact protocol, the encoding of every Parquet footer and page
/// header: a small writer for the structs we emit and a bounds-checked reader
/// that can skip any field it does not know.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::parquet {

/// Type codes of the compact protocol, as they appear in field headers and
/// list headers.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends Thrift compact encoded structs to a string. Fields must be written
/// in the order the caller wants them on the wire; nested structs are opened and
/// closed explicitly. The outermost struct is implicit: end it with EndStruct().
class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  /// Write one scalar field of the current struct: header, then value.
  void WriteBoolField(int16_t id, bool value);
  void WriteByteField(int16_t id, int8_t value);
  void WriteI16Field(int16_t id, int16_t value);
  void WriteI32Field(int16_t id, int32_t value);
  void WriteI64Field(int16_t id, int64_t value);
  void WriteBinaryField(int16_t id, std::string_view value);
  /// Opens a struct-typed field; close it with EndStruct().
  void BeginStructField(int16_t id);
  /// Writes the header of a list-typed field of `size` elements of `element_type`;
  /// the elements follow with the Write*Element / BeginStructElement calls.
  void BeginListField(int16_t id, CompactType element_type, size_t size);
  /// Write one list element (no header).
  void WriteI32Element(int32_t value);
  void WriteBinaryElement(std::string_view value);
  /// Opens a struct that is a list element; close it with EndStruct().
  void BeginStructElement();
  /// Writes the stop byte of the innermost open struct.
  void EndStruct();

 private:
  void WriteFieldHeader(int16_t id, CompactType type);
  void WriteVarint(uint64_t value);
  void WriteZigzag(int64_t value);

  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> enclosing_field_ids_;
};

/// A field header: its id and wire type (kStop ends the struct).
struct ThriftFieldHeader {
  int16_t id = 0;
  CompactType type = CompactType::kStop;
};

/// A list or set header: element type and count.
struct ThriftListHeader {
  CompactType element_type = CompactType::kStop;
  uint32_t size = 0;
};

/// Reads Thrift compact encoded data from a byte range, checking every read
/// against the end of the range. Errors are kCorruption and name the absolute
/// byte offset (range start + `base_offset`).
class ThriftCompactReader {
 public:
  ThriftCompactReader(std::string_view data, uint64_t base_offset) : data_(data), base_offset_(base_offset) {}

  /// Enters a struct (the outermost one too): field ids restart from zero.
  Status BeginStruct();
  /// Leaves the struct entered last, after its kStop header was read.
  void EndStruct();
  /// Reads the next field header of the current struct.
  Result<ThriftFieldHeader> ReadFieldHeader();

  /// The value of a bool field, carried in its header type.
  static bool BoolFieldValue(CompactType type) { return type == CompactType::kBoolTrue; }
  /// Whether a field header's type is one of the two bool types.
  static bool IsBool(CompactType type) {
    return type == CompactType::kBoolTrue || type == CompactType::kBoolFalse;
  }

  /// Read one scalar value (after its field header or as a list element).
  Result<int8_t> ReadByte();
  Result<int16_t> ReadI16();
  Result<int32_t> ReadI32();
  Result<int64_t> ReadI64();
  Result<double> ReadDouble();
  /// A binary or string value; the view points into the input.
  Result<std::string_view> ReadBinary();
  /// A bool list element (one byte).
  Result<bool> ReadBoolElement();
  /// A list or set header; the size is checked against the bytes left.
  Result<ThriftListHeader> ReadListHeader();

  /// Skips a field value of wire type `type` (nested structs, lists, sets and maps
  /// included, up to a fixed nesting depth).
  Status SkipField(CompactType type);

  /// Bytes consumed so far.
  size_t position() const { return pos_; }
  /// Absolute offset of the next byte to read.
  uint64_t offset() const { return base_offset_ + pos_; }

 private:
  Result<uint64_t> ReadVarint();
  Status Skip(CompactType type, bool in_collection, int depth);
  std::unexpected<Error> Corrupt(std::string_view what) const;

  std::string_view data_;
  uint64_t base_offset_;
  size_t pos_ = 0;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> enclosing_field_ids_;
};

/// Reads the fields of one struct, handing each header to `on_field`, which
/// returns Result<bool>: true when it consumed the value, false to have it skipped.
template <class OnField>
Status ReadThriftStruct(ThriftCompactReader& reader, OnField&& on_field) {
  JSM_RETURN_IF_ERROR(reader.BeginStruct());
  while (true) {
    JSM_ASSIGN_OR_RETURN(ThriftFieldHeader field, reader.ReadFieldHeader());
    if (field.type == CompactType::kStop) break;
    JSM_ASSIGN_OR_RETURN(bool handled, on_field(field));
    if (!handled) JSM_RETURN_IF_ERROR(reader.SkipField(field.type));
  }
  reader.EndStruct();
  return Status::Ok();
}

}  // namespace jsm::parquet
