#include "parquet/schema_conversion.h"

#include <fmt/format.h>

#include <set>
#include <string_view>

namespace jsm::parquet {
namespace {

constexpr int kMaxInt64DecimalPrecision = kMaxDecimal64Precision;

std::unexpected<Error> Unsupported(const SchemaElement& e, std::string_view what) {
  return MakeError(ErrorCode::kUnsupported, fmt::format("column '{}': {}", e.name, what));
}

/// The annotation of a leaf, normalised from logicalType or, in older files, converted_type.
struct Annotation {
  enum class Kind { kNone, kString, kDate, kDecimal, kTimestamp, kInteger, kOther };
  Kind kind = Kind::kNone;
  int32_t precision = 0;
  int32_t scale = 0;
  TimeUnit unit = TimeUnit::kMicros;
  int32_t bit_width = 0;
  bool is_signed = true;
};

Annotation AnnotationOf(const SchemaElement& e) {
  Annotation a;
  using K = Annotation::Kind;
  if (e.logical_type && e.logical_type->kind != LogicalType::Kind::kOther) {
    const LogicalType& t = *e.logical_type;
    switch (t.kind) {
      case LogicalType::Kind::kString:
      case LogicalType::Kind::kEnum:
      case LogicalType::Kind::kJson:
        a.kind = K::kString;
        break;
      case LogicalType::Kind::kDate:
        a.kind = K::kDate;
        break;
      case LogicalType::Kind::kDecimal:
        a.kind = K::kDecimal;
        a.precision = t.precision;
        a.scale = t.scale;
        break;
      case LogicalType::Kind::kTimestamp:
        a.kind = K::kTimestamp;
        a.unit = t.unit;
        break;
      case LogicalType::Kind::kInteger:
        a.kind = K::kInteger;
        a.bit_width = t.bit_width;
        a.is_signed = t.is_signed;
        break;
      default:
        a.kind = K::kOther;
        break;
    }
    return a;
  }
  if (!e.converted_type) return a;
  switch (*e.converted_type) {
    case ConvertedType::kUtf8:
    case ConvertedType::kEnum:
    case ConvertedType::kJson:
      a.kind = K::kString;
      break;
    case ConvertedType::kDate:
      a.kind = K::kDate;
      break;
    case ConvertedType::kDecimal:
      a.kind = K::kDecimal;
      a.precision = e.precision.value_or(0);
      a.scale = e.scale.value_or(0);
      break;
    case ConvertedType::kTimestampMillis:
      a.kind = K::kTimestamp;
      a.unit = TimeUnit::kMillis;
      break;
    case ConvertedType::kTimestampMicros:
      a.kind = K::kTimestamp;
      a.unit = TimeUnit::kMicros;
      break;
    case ConvertedType::kInt8:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 8, true};
      break;
    case ConvertedType::kInt16:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 16, true};
      break;
    case ConvertedType::kInt32:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 32, true};
      break;
    case ConvertedType::kInt64:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 64, true};
      break;
    case ConvertedType::kUint8:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 8, false};
      break;
    case ConvertedType::kUint16:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 16, false};
      break;
    case ConvertedType::kUint32:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 32, false};
      break;
    case ConvertedType::kUint64:
      a = {K::kInteger, 0, 0, TimeUnit::kMicros, 64, false};
      break;
    default:
      a.kind = K::kOther;
      break;
  }
  return a;
}

Status CheckDecimal(const SchemaElement& e, const Annotation& a, int max_precision = kMaxInt64DecimalPrecision) {
  if (a.precision < 1 || a.precision > max_precision) {
    return Unsupported(e, fmt::format("decimal precision {} (1..{} supported)", a.precision, max_precision));
  }
  if (a.scale < 0 || a.scale > a.precision) return Unsupported(e, fmt::format("decimal scale {}", a.scale));
  return Status::Ok();
}

}  // namespace

int DecimalByteWidth(int precision) {
  // The fewest bytes n whose signed range holds 10^precision - 1: 2^(8n-1) > 10^precision - 1.
  for (int bytes = 1; bytes <= 16; ++bytes) {
    const unsigned __int128 limit = static_cast<unsigned __int128>(1) << (8 * bytes - 1);
    if (limit > static_cast<unsigned __int128>(PowerOfTen128(precision) - 1)) return bytes;
  }
  return 16;
}

PhysicalType PhysicalTypeFor(DataType type) {
  switch (type) {
    case DataType::kString:
      return PhysicalType::kByteArray;
    case DataType::kBoolean:
      return PhysicalType::kBoolean;
    case DataType::kInt32:
    case DataType::kDate:
      return PhysicalType::kInt32;
    case DataType::kInt64:
    case DataType::kTimestamp:
    case DataType::kDecimal:
      return PhysicalType::kInt64;
    case DataType::kDouble:
      return PhysicalType::kDouble;
    case DataType::kBinary:
      return PhysicalType::kByteArray;
    case DataType::kDecimal128:
      return PhysicalType::kFixedLenByteArray;
  }
  return PhysicalType::kByteArray;
}

Result<SchemaElement> LeafElementFor(const Field& field) {
  SchemaElement e;
  e.name = field.name;
  e.type = PhysicalTypeFor(field.type);
  e.repetition_type = field.nullable ? Repetition::kOptional : Repetition::kRequired;
  LogicalType logical;
  switch (field.type) {
    case DataType::kString:
      e.converted_type = ConvertedType::kUtf8;
      logical.kind = LogicalType::Kind::kString;
      e.logical_type = logical;
      break;
    case DataType::kDate:
      e.converted_type = ConvertedType::kDate;
      logical.kind = LogicalType::Kind::kDate;
      e.logical_type = logical;
      break;
    case DataType::kTimestamp:
      e.converted_type = ConvertedType::kTimestampMicros;
      logical.kind = LogicalType::Kind::kTimestamp;
      logical.is_adjusted_to_utc = true;
      logical.unit = TimeUnit::kMicros;
      e.logical_type = logical;
      break;
    case DataType::kDecimal:
      if (field.precision < 1 || field.precision > kMaxInt64DecimalPrecision || field.scale < 0 ||
          field.scale > field.precision) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            fmt::format("field '{}': decimal({}, {}) needs 1 <= precision <= {} and 0 <= scale <= "
                        "precision",
                        field.name, field.precision, field.scale, kMaxInt64DecimalPrecision));
      }
      e.converted_type = ConvertedType::kDecimal;
      e.scale = field.scale;
      e.precision = field.precision;
      logical.kind = LogicalType::Kind::kDecimal;
      logical.scale = field.scale;
      logical.precision = field.precision;
      e.logical_type = logical;
      break;
    case DataType::kDecimal128:
      if (field.precision <= kMaxInt64DecimalPrecision || field.precision > kMaxDecimal128Precision ||
          field.scale < 0 || field.scale > field.precision) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("field '{}': a 128-bit decimal({}, {}) needs {} <= precision <= {} and 0 <= "
                                     "scale <= precision",
                                     field.name, field.precision, field.scale, kMaxInt64DecimalPrecision + 1,
                                     kMaxDecimal128Precision));
      }
      e.type_length = DecimalByteWidth(field.precision);
      e.converted_type = ConvertedType::kDecimal;
      e.scale = field.scale;
      e.precision = field.precision;
      logical.kind = LogicalType::Kind::kDecimal;
      logical.scale = field.scale;
      logical.precision = field.precision;
      e.logical_type = logical;
      break;
    case DataType::kBoolean:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kDouble:
      break;
    case DataType::kBinary:
      break;  // BYTE_ARRAY with no annotation: bytes, not text
  }
  return e;
}

Result<std::vector<SchemaElement>> SchemaElementsFor(const Schema& schema) {
  std::vector<SchemaElement> elements;
  elements.reserve(schema.fields.size() + 1);
  SchemaElement& root = elements.emplace_back();
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.fields.size());
  std::set<std::string_view> names;
  for (const Field& field : schema.fields) {
    if (field.name.empty()) return MakeError(ErrorCode::kInvalidArgument, "a field has an empty name");
    if (!names.insert(field.name).second) {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("field name '{}' appears twice", field.name));
    }
    JSM_ASSIGN_OR_RETURN(SchemaElement e, LeafElementFor(field));
    elements.push_back(std::move(e));
  }
  return elements;
}

Result<std::span<const SchemaElement>> FlatLeaves(const std::vector<SchemaElement>& schema) {
  if (schema.empty()) return MakeError(ErrorCode::kCorruption, "schema has no root element");
  const SchemaElement& root = schema[0];
  int64_t children = root.num_children.value_or(0);
  if (children < 0 || static_cast<size_t>(children) != schema.size() - 1) {
    for (size_t i = 1; i < schema.size(); ++i) {
      if (schema[i].num_children && *schema[i].num_children > 0) {
        return MakeError(
            ErrorCode::kUnsupported,
            fmt::format("column '{}' is a nested group; only flat schemas are supported", schema[i].name));
      }
    }
    return MakeError(ErrorCode::kCorruption, fmt::format("schema root has {} children but {} elements follow",
                                                         children, schema.size() - 1));
  }
  for (size_t i = 1; i < schema.size(); ++i) {
    if (schema[i].num_children && *schema[i].num_children > 0) {
      return MakeError(
          ErrorCode::kUnsupported,
          fmt::format("column '{}' is a nested group; only flat schemas are supported", schema[i].name));
    }
  }
  return std::span<const SchemaElement>(schema).subspan(1);
}

Result<LeafColumn> LeafColumnFor(const SchemaElement& e) {
  if (!e.type)
    return MakeError(ErrorCode::kCorruption, fmt::format("leaf column '{}' has no physical type", e.name));
  LeafColumn leaf;
  leaf.field.name = e.name;
  leaf.physical_type = *e.type;
  leaf.type_length = e.type_length.value_or(0);
  Repetition repetition = e.repetition_type.value_or(Repetition::kOptional);
  switch (repetition) {
    case Repetition::kRequired:
      leaf.field.nullable = false;
      break;
    case Repetition::kOptional:
      leaf.field.nullable = true;
      break;
    default:
      return Unsupported(e, "repeated fields");
  }
  Annotation a = AnnotationOf(e);
  using K = Annotation::Kind;
  Field& f = leaf.field;
  switch (*e.type) {
    case PhysicalType::kBoolean:
      if (a.kind != K::kNone) break;
      f.type = DataType::kBoolean;
      return leaf;
    case PhysicalType::kInt32:
      if (a.kind == K::kNone) {
        f.type = DataType::kInt32;
        return leaf;
      }
      if (a.kind == K::kDate) {
        f.type = DataType::kDate;
        return leaf;
      }
      if (a.kind == K::kInteger && a.bit_width <= 32 && (a.is_signed || a.bit_width < 32)) {
        f.type = DataType::kInt32;
        return leaf;
      }
      if (a.kind == K::kDecimal) {
        JSM_RETURN_IF_ERROR(CheckDecimal(e, a));
        f.type = DataType::kDecimal;
        f.precision = a.precision;
        f.scale = a.scale;
        return leaf;
      }
      break;
    case PhysicalType::kInt64:
      if (a.kind == K::kNone || (a.kind == K::kInteger && a.bit_width == 64 && a.is_signed)) {
        f.type = DataType::kInt64;
        return leaf;
      }
      if (a.kind == K::kTimestamp) {
        if (a.unit == TimeUnit::kMicros) {
          f.type = DataType::kTimestamp;
          return leaf;
        }
        if (a.unit == TimeUnit::kMillis) {
          f.type = DataType::kTimestamp;
          leaf.int_multiplier = 1000;
          return leaf;
        }
        return Unsupported(e, "nanosecond timestamps");
      }
      if (a.kind == K::kDecimal) {
        JSM_RETURN_IF_ERROR(CheckDecimal(e, a));
        f.type = DataType::kDecimal;
        f.precision = a.precision;
        f.scale = a.scale;
        return leaf;
      }
      break;
    case PhysicalType::kDouble:
      if (a.kind != K::kNone) break;
      f.type = DataType::kDouble;
      return leaf;
    case PhysicalType::kByteArray:
      if (a.kind == K::kNone) {
        f.type = DataType::kBinary;
        return leaf;
      }
      if (a.kind != K::kString) break;
      f.type = DataType::kString;
      return leaf;
    case PhysicalType::kFixedLenByteArray:
      if (a.kind != K::kDecimal) break;
      JSM_RETURN_IF_ERROR(CheckDecimal(e, a, kMaxDecimal128Precision));
      if (leaf.type_length < 1 || leaf.type_length > 16) {
        return Unsupported(e, fmt::format("decimal stored in {} bytes", leaf.type_length));
      }
      if (leaf.type_length < DecimalByteWidth(a.precision)) {
        return Unsupported(e, fmt::format("decimal({}, {}) cannot fit in {} bytes", a.precision, a.scale,
                                          leaf.type_length));
      }
      f.type = a.precision > kMaxInt64DecimalPrecision ? DataType::kDecimal128 : DataType::kDecimal;
      f.precision = a.precision;
      f.scale = a.scale;
      return leaf;
    default:
      break;
  }
  return Unsupported(e, fmt::format("physical type {} with this annotation has no matching column type",
                                    PhysicalTypeName(*e.type)));
}

}  // namespace jsm::parquet
