#include "parquet/metadata.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "parquet/thrift_compact.h"

namespace jsm::parquet {
namespace {

// ---- serializer ----

void WriteLogicalType(ThriftCompactWriter& w, int16_t field_id, const LogicalType& type) {
  w.BeginStructField(field_id);
  int16_t member = static_cast<int16_t>(type.kind);
  switch (type.kind) {
    case LogicalType::Kind::kDecimal:
      w.BeginStructField(member);
      w.WriteI32Field(1, type.scale);
      w.WriteI32Field(2, type.precision);
      w.EndStruct();
      break;
    case LogicalType::Kind::kTime:
    case LogicalType::Kind::kTimestamp:
      w.BeginStructField(member);
      w.WriteBoolField(1, type.is_adjusted_to_utc);
      w.BeginStructField(2);
      w.BeginStructField(static_cast<int16_t>(type.unit));
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      break;
    case LogicalType::Kind::kInteger:
      w.BeginStructField(member);
      w.WriteByteField(1, static_cast<int8_t>(type.bit_width));
      w.WriteBoolField(2, type.is_signed);
      w.EndStruct();
      break;
    case LogicalType::Kind::kOther:
      break;  // nothing we could name; the union stays empty
    default:
      w.BeginStructField(member);
      w.EndStruct();
      break;
  }
  w.EndStruct();
}

void WriteSchemaElement(ThriftCompactWriter& w, const SchemaElement& e) {
  w.BeginStructElement();
  if (e.type) w.WriteI32Field(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w.WriteI32Field(2, *e.type_length);
  if (e.repetition_type) w.WriteI32Field(3, static_cast<int32_t>(*e.repetition_type));
  w.WriteBinaryField(4, e.name);
  if (e.num_children) w.WriteI32Field(5, *e.num_children);
  if (e.converted_type) w.WriteI32Field(6, static_cast<int32_t>(*e.converted_type));
  if (e.scale) w.WriteI32Field(7, *e.scale);
  if (e.precision) w.WriteI32Field(8, *e.precision);
  if (e.field_id) w.WriteI32Field(9, *e.field_id);
  if (e.logical_type) WriteLogicalType(w, 10, *e.logical_type);
  w.EndStruct();
}

void WriteStatistics(ThriftCompactWriter& w, int16_t field_id, const Statistics& s) {
  w.BeginStructField(field_id);
  if (s.max) w.WriteBinaryField(1, *s.max);
  if (s.min) w.WriteBinaryField(2, *s.min);
  if (s.null_count) w.WriteI64Field(3, *s.null_count);
  if (s.distinct_count) w.WriteI64Field(4, *s.distinct_count);
  if (s.max_value) w.WriteBinaryField(5, *s.max_value);
  if (s.min_value) w.WriteBinaryField(6, *s.min_value);
  w.EndStruct();
}

void WriteColumnMetaData(ThriftCompactWriter& w, int16_t field_id, const ColumnMetaData& m) {
  w.BeginStructField(field_id);
  w.WriteI32Field(1, static_cast<int32_t>(m.type));
  w.BeginListField(2, CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.WriteI32Element(static_cast<int32_t>(e));
  w.BeginListField(3, CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.WriteBinaryElement(p);
  w.WriteI32Field(4, static_cast<int32_t>(m.codec));
  w.WriteI64Field(5, m.num_values);
  w.WriteI64Field(6, m.total_uncompressed_size);
  w.WriteI64Field(7, m.total_compressed_size);
  w.WriteI64Field(9, m.data_page_offset);
  if (m.index_page_offset) w.WriteI64Field(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.WriteI64Field(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(w, 12, *m.statistics);
  w.EndStruct();
}

void WriteColumnChunk(ThriftCompactWriter& w, const ColumnChunk& c) {
  w.BeginStructElement();
  if (c.file_path) w.WriteBinaryField(1, *c.file_path);
  w.WriteI64Field(2, c.file_offset);
  if (c.meta_data) WriteColumnMetaData(w, 3, *c.meta_data);
  w.EndStruct();
}

void WriteRowGroup(ThriftCompactWriter& w, const RowGroup& g) {
  w.BeginStructElement();
  w.BeginListField(1, CompactType::kStruct, g.columns.size());
  for (const ColumnChunk& c : g.columns) WriteColumnChunk(w, c);
  w.WriteI64Field(2, g.total_byte_size);
  w.WriteI64Field(3, g.num_rows);
  if (g.file_offset) w.WriteI64Field(5, *g.file_offset);
  if (g.total_compressed_size) w.WriteI64Field(6, *g.total_compressed_size);
  if (g.ordinal) w.WriteI16Field(7, *g.ordinal);
  w.EndStruct();
}

// ---- parser ----

using Reader = ThriftCompactReader;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

/// The wire type a value of C++ type T is expected to have.
template <class T>
constexpr CompactType WireTypeOf() {
  if constexpr (IsOptional<T>::value) {
    return WireTypeOf<typename T::value_type>();
  } else if constexpr (IsVector<T>::value) {
    return CompactType::kList;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return CompactType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) {
    return CompactType::kI32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return CompactType::kI64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return CompactType::kBinary;
  } else {
    return CompactType::kStruct;
  }
}

Status ReadValue(Reader& r, LogicalType* out);
Status ReadValue(Reader& r, SchemaElement* out);
Status ReadValue(Reader& r, Statistics* out);
Status ReadValue(Reader& r, KeyValue* out);
Status ReadValue(Reader& r, ColumnMetaData* out);
Status ReadValue(Reader& r, ColumnChunk* out);
Status ReadValue(Reader& r, RowGroup* out);

Status ReadValue(Reader& r, int16_t* out) {
  JSM_ASSIGN_OR_RETURN(*out, r.ReadI16());
  return Status::Ok();
}
Status ReadValue(Reader& r, int32_t* out) {
  JSM_ASSIGN_OR_RETURN(*out, r.ReadI32());
  return Status::Ok();
}
Status ReadValue(Reader& r, int64_t* out) {
  JSM_ASSIGN_OR_RETURN(*out, r.ReadI64());
  return Status::Ok();
}
Status ReadValue(Reader& r, std::string* out) {
  JSM_ASSIGN_OR_RETURN(std::string_view value, r.ReadBinary());
  out->assign(value);
  return Status::Ok();
}
template <class E>
requires std::is_enum_v<E> Status ReadValue(Reader& r, E* out) {
  JSM_ASSIGN_OR_RETURN(int32_t value, r.ReadI32());
  *out = static_cast<E>(value);
  return Status::Ok();
}
template <class T>
Status ReadValue(Reader& r, std::optional<T>* out) {
  T value{};
  JSM_RETURN_IF_ERROR(ReadValue(r, &value));
  *out = std::move(value);
  return Status::Ok();
}
template <class T>
Status ReadValue(Reader& r, std::vector<T>* out) {
  uint64_t at = r.offset();
  JSM_ASSIGN_OR_RETURN(ThriftListHeader list, r.ReadListHeader());
  if (list.element_type != WireTypeOf<T>()) {
    return MakeError(ErrorCode::kCorruption,
                     fmt::format("thrift: list has element type {} where {} was expected at byte offset {}",
                                 static_cast<int>(list.element_type), static_cast<int>(WireTypeOf<T>()), at));
  }
  out->clear();
  // The count is only known to be below the bytes left; grow with the elements
  // actually parsed rather than trusting it with memory.
  out->reserve(std::min<uint32_t>(list.size, 1024));
  for (uint32_t i = 0; i < list.size; ++i) {
    out->emplace_back();
    JSM_RETURN_IF_ERROR(ReadValue(r, &out->back()));
  }
  return Status::Ok();
}

/// Reads field `f` into `out` if its wire type is the expected one; otherwise
/// reports it unhandled so the caller skips it.
template <class T>
Result<bool> ReadField(Reader& r, ThriftFieldHeader f, T* out) {
  if (f.type != WireTypeOf<T>()) return false;
  JSM_RETURN_IF_ERROR(ReadValue(r, out));
  return true;
}

Result<bool> ReadBoolField(ThriftFieldHeader f, bool* out) {
  if (!Reader::IsBool(f.type)) return false;
  *out = Reader::BoolFieldValue(f.type);
  return true;
}

std::unexpected<Error> MissingField(std::string_view struct_name, std::string_view field, uint64_t offset) {
  return MakeError(ErrorCode::kCorruption,
                   fmt::format("thrift: {} starting at byte offset {} lacks required field {}", struct_name,
                               offset, field));
}

/// Reads a struct that is only a marker (the members of LogicalType and TimeUnit).
Status ReadEmptyStruct(Reader& r) {
  return ReadThriftStruct(r, [](ThriftFieldHeader) -> Result<bool> { return false; });
}

Status ReadTimeUnit(Reader& r, TimeUnit* out) {
  return ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    if (f.type != CompactType::kStruct || f.id < 1 || f.id > 3) return false;
    *out = static_cast<TimeUnit>(f.id);
    JSM_RETURN_IF_ERROR(ReadEmptyStruct(r));
    return true;
  });
}

Status ReadValue(Reader& r, LogicalType* out) {
  *out = LogicalType{};
  return ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    if (f.type != CompactType::kStruct) return false;
    switch (f.id) {
      case 5:
        out->kind = LogicalType::Kind::kDecimal;
        JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader g) -> Result<bool> {
          if (g.id == 1) return ReadField(r, g, &out->scale);
          if (g.id == 2) return ReadField(r, g, &out->precision);
          return false;
        }));
        return true;
      case 7:
      case 8:
        out->kind = static_cast<LogicalType::Kind>(f.id);
        JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader g) -> Result<bool> {
          if (g.id == 1) return ReadBoolField(g, &out->is_adjusted_to_utc);
          if (g.id == 2 && g.type == CompactType::kStruct) {
            JSM_RETURN_IF_ERROR(ReadTimeUnit(r, &out->unit));
            return true;
          }
          return false;
        }));
        return true;
      case 10:
        out->kind = LogicalType::Kind::kInteger;
        JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader g) -> Result<bool> {
          if (g.id == 1 && g.type == CompactType::kByte) {
            JSM_ASSIGN_OR_RETURN(int8_t width, r.ReadByte());
            out->bit_width = width;
            return true;
          }
          if (g.id == 2) return ReadBoolField(g, &out->is_signed);
          return false;
        }));
        return true;
      case 1:
      case 2:
      case 3:
      case 4:
      case 6:
      case 11:
      case 12:
      case 13:
      case 14:
      case 15:
        out->kind = static_cast<LogicalType::Kind>(f.id);
        JSM_RETURN_IF_ERROR(ReadEmptyStruct(r));
        return true;
      default:
        out->kind = LogicalType::Kind::kOther;
        return false;
    }
  });
}

Status ReadValue(Reader& r, SchemaElement* out) {
  uint64_t start = r.offset();
  bool has_name = false;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadField(r, f, &out->type);
      case 2:
        return ReadField(r, f, &out->type_length);
      case 3:
        return ReadField(r, f, &out->repetition_type);
      case 4:
        has_name = f.type == CompactType::kBinary;
        return ReadField(r, f, &out->name);
      case 5:
        return ReadField(r, f, &out->num_children);
      case 6:
        return ReadField(r, f, &out->converted_type);
      case 7:
        return ReadField(r, f, &out->scale);
      case 8:
        return ReadField(r, f, &out->precision);
      case 9:
        return ReadField(r, f, &out->field_id);
      case 10:
        return ReadField(r, f, &out->logical_type);
      default:
        return false;
    }
  }));
  if (!has_name) return MissingField("SchemaElement", "name", start);
  return Status::Ok();
}

Status ReadValue(Reader& r, Statistics* out) {
  return ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadField(r, f, &out->max);
      case 2:
        return ReadField(r, f, &out->min);
      case 3:
        return ReadField(r, f, &out->null_count);
      case 4:
        return ReadField(r, f, &out->distinct_count);
      case 5:
        return ReadField(r, f, &out->max_value);
      case 6:
        return ReadField(r, f, &out->min_value);
      default:
        return false;
    }
  });
}

Status ReadValue(Reader& r, KeyValue* out) {
  uint64_t start = r.offset();
  bool has_key = false;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    if (f.id == 1) {
      has_key = f.type == CompactType::kBinary;
      return ReadField(r, f, &out->key);
    }
    if (f.id == 2) return ReadField(r, f, &out->value);
    return false;
  }));
  if (!has_key) return MissingField("KeyValue", "key", start);
  return Status::Ok();
}

Status ReadValue(Reader& r, ColumnMetaData* out) {
  uint64_t start = r.offset();
  // Required fields 1-7 and 9, as bits.
  uint32_t seen = 0;
  auto mark = [&](ThriftFieldHeader f, Result<bool> handled) -> Result<bool> {
    if (handled && *handled) seen |= 1u << f.id;
    return handled;
  };
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return mark(f, ReadField(r, f, &out->type));
      case 2:
        return mark(f, ReadField(r, f, &out->encodings));
      case 3:
        return mark(f, ReadField(r, f, &out->path_in_schema));
      case 4:
        return mark(f, ReadField(r, f, &out->codec));
      case 5:
        return mark(f, ReadField(r, f, &out->num_values));
      case 6:
        return mark(f, ReadField(r, f, &out->total_uncompressed_size));
      case 7:
        return mark(f, ReadField(r, f, &out->total_compressed_size));
      case 9:
        return mark(f, ReadField(r, f, &out->data_page_offset));
      case 10:
        return ReadField(r, f, &out->index_page_offset);
      case 11:
        return ReadField(r, f, &out->dictionary_page_offset);
      case 12:
        return ReadField(r, f, &out->statistics);
      default:
        return false;
    }
  }));
  static constexpr const char* kNames[] = {"",
                                           "type",
                                           "encodings",
                                           "path_in_schema",
                                           "codec",
                                           "num_values",
                                           "total_uncompressed_size",
                                           "total_compressed_size",
                                           "",
                                           "data_page_offset"};
  for (int id : {1, 2, 3, 4, 5, 6, 7, 9}) {
    if ((seen & (1u << id)) == 0) return MissingField("ColumnMetaData", kNames[id], start);
  }
  return Status::Ok();
}

Status ReadValue(Reader& r, ColumnChunk* out) {
  uint64_t start = r.offset();
  bool has_file_offset = false;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        return ReadField(r, f, &out->file_path);
      case 2:
        has_file_offset = f.type == CompactType::kI64;
        return ReadField(r, f, &out->file_offset);
      case 3:
        return ReadField(r, f, &out->meta_data);
      case 8:
      case 9:
        out->encrypted = true;
        return false;
      default:
        return false;
    }
  }));
  if (!has_file_offset) return MissingField("ColumnChunk", "file_offset", start);
  // Optional in the Thrift file but written by every implementation; only
  // encrypted columns carry it elsewhere.
  if (!out->meta_data && !out->encrypted) return MissingField("ColumnChunk", "meta_data", start);
  return Status::Ok();
}

Status ReadValue(Reader& r, RowGroup* out) {
  uint64_t start = r.offset();
  bool has_columns = false, has_num_rows = false;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        has_columns = f.type == CompactType::kList;
        return ReadField(r, f, &out->columns);
      case 2:
        return ReadField(r, f, &out->total_byte_size);
      case 3:
        has_num_rows = f.type == CompactType::kI64;
        return ReadField(r, f, &out->num_rows);
      case 5:
        return ReadField(r, f, &out->file_offset);
      case 6:
        return ReadField(r, f, &out->total_compressed_size);
      case 7:
        return ReadField(r, f, &out->ordinal);
      default:
        return false;
    }
  }));
  if (!has_columns) return MissingField("RowGroup", "columns", start);
  if (!has_num_rows) return MissingField("RowGroup", "num_rows", start);
  return Status::Ok();
}

Status ReadColumnOrders(Reader& r, std::optional<int32_t>* type_defined) {
  JSM_ASSIGN_OR_RETURN(ThriftListHeader list, r.ReadListHeader());
  int32_t count = 0;
  for (uint32_t i = 0; i < list.size; ++i) {
    if (list.element_type != CompactType::kStruct) {
      JSM_RETURN_IF_ERROR(r.SkipField(list.element_type));
      continue;
    }
    JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
      if (f.id == 1 && f.type == CompactType::kStruct) ++count;
      return false;
    }));
  }
  *type_defined = count;
  return Status::Ok();
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& m, std::string* out) {
  ThriftCompactWriter w(out);
  w.WriteI32Field(1, m.version);
  w.BeginListField(2, CompactType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) WriteSchemaElement(w, e);
  w.WriteI64Field(3, m.num_rows);
  w.BeginListField(4, CompactType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) WriteRowGroup(w, g);
  if (!m.key_value_metadata.empty()) {
    w.BeginListField(5, CompactType::kStruct, m.key_value_metadata.size());
    for (const KeyValue& kv : m.key_value_metadata) {
      w.BeginStructElement();
      w.WriteBinaryField(1, kv.key);
      if (kv.value) w.WriteBinaryField(2, *kv.value);
      w.EndStruct();
    }
  }
  if (m.created_by) w.WriteBinaryField(6, *m.created_by);
  if (m.type_defined_column_orders) {
    w.BeginListField(7, CompactType::kStruct, static_cast<size_t>(*m.type_defined_column_orders));
    for (int32_t i = 0; i < *m.type_defined_column_orders; ++i) {
      w.BeginStructElement();
      w.BeginStructField(1);
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

Result<FileMetaData> ParseFileMetaData(std::string_view bytes, uint64_t base_offset) {
  Reader r(bytes, base_offset);
  FileMetaData m;
  bool has_version = false, has_schema = false, has_num_rows = false, has_row_groups = false;
  JSM_RETURN_IF_ERROR(ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    switch (f.id) {
      case 1:
        has_version = f.type == CompactType::kI32;
        return ReadField(r, f, &m.version);
      case 2:
        has_schema = f.type == CompactType::kList;
        return ReadField(r, f, &m.schema);
      case 3:
        has_num_rows = f.type == CompactType::kI64;
        return ReadField(r, f, &m.num_rows);
      case 4:
        has_row_groups = f.type == CompactType::kList;
        return ReadField(r, f, &m.row_groups);
      case 5:
        return ReadField(r, f, &m.key_value_metadata);
      case 6:
        return ReadField(r, f, &m.created_by);
      case 7:
        if (f.type != CompactType::kList) return false;
        JSM_RETURN_IF_ERROR(ReadColumnOrders(r, &m.type_defined_column_orders));
        return true;
      case 8:
        m.encrypted = true;
        return false;
      default:
        return false;
    }
  }));
  if (!has_version) return MissingField("FileMetaData", "version", base_offset);
  if (!has_schema) return MissingField("FileMetaData", "schema", base_offset);
  if (!has_num_rows) return MissingField("FileMetaData", "num_rows", base_offset);
  if (!has_row_groups) return MissingField("FileMetaData", "row_groups", base_offset);
  return m;
}

}  // namespace jsm::parquet
