// Delta's schema string (PROTOCOL.md, "Schema Serialization Format"): a Spark SQL
// struct type as JSON. We support flat schemas of the primitive types in DataType.

#include <charconv>
#include <string>

#include <simdjson.h>

#include "delta/actions.h"
#include "delta/json_writer.h"
#include "delta/schema_json.h"

namespace jsm::delta {

std::string DeltaTypeName(const Field& field) {
  switch (field.type) {
    case DataType::kString: return "string";
    case DataType::kBoolean: return "boolean";
    case DataType::kInt32: return "integer";
    case DataType::kInt64: return "long";
    case DataType::kDouble: return "double";
    case DataType::kDate: return "date";
    case DataType::kTimestamp: return "timestamp";
    case DataType::kDecimal:
    case DataType::kDecimal128:
      return "decimal(" + std::to_string(field.precision) + "," + std::to_string(field.scale) + ")";
    case DataType::kBinary: return "binary";
  }
  return "unknown";
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ParseSmallInt(std::string_view text, int* value) {
  text = Trim(text);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

Error Unsupported(std::string_view name, std::string_view type) {
  return Error(ErrorCode::kUnsupported, "column '" + std::string(name) + "' has type " + std::string(type) +
                                            ", which we do not support (supported: string, boolean, integer, "
                                            "long, double, date, timestamp, decimal(p<=38,s), binary)");
}

/// Fills field->type (and precision/scale) from a Delta primitive type name.
Status ParseTypeName(std::string_view type, Field* field) {
  if (type == "string") {
    field->type = DataType::kString;
  } else if (type == "boolean") {
    field->type = DataType::kBoolean;
  } else if (type == "integer") {
    field->type = DataType::kInt32;
  } else if (type == "long") {
    field->type = DataType::kInt64;
  } else if (type == "double") {
    field->type = DataType::kDouble;
  } else if (type == "date") {
    field->type = DataType::kDate;
  } else if (type == "timestamp") {
    field->type = DataType::kTimestamp;
  } else if (type == "binary") {
    field->type = DataType::kBinary;
  } else if (type.starts_with("decimal(") && type.ends_with(")")) {
    const std::string_view args = type.substr(8, type.size() - 9);
    const size_t comma = args.find(',');
    int precision = 0, scale = 0;
    if (comma == std::string_view::npos || !ParseSmallInt(args.substr(0, comma), &precision) ||
        !ParseSmallInt(args.substr(comma + 1), &scale) || precision < 1 || scale < 0 || scale > precision) {
      return MakeError(ErrorCode::kCorruption,
                       "column '" + field->name + "' has malformed type '" + std::string(type) + "'");
    }
    if (precision > kMaxDecimal128Precision) return std::unexpected(Unsupported(field->name, type));
    field->type = precision > kMaxDecimal64Precision ? DataType::kDecimal128 : DataType::kDecimal;
    field->precision = precision;
    field->scale = scale;
  } else {
    return std::unexpected(Unsupported(field->name, type));
  }
  return Status::Ok();
}

Error Malformed(std::string_view what) {
  return Error(ErrorCode::kCorruption, "malformed schema string: " + std::string(what));
}

}  // namespace

std::string SchemaToJson(const Schema& schema) {
  JsonWriter json;
  json.BeginObject();
  json.Member("type", "struct");
  json.Key("fields");
  json.BeginArray();
  for (const Field& field : schema.fields) {
    json.BeginObject();
    json.Member("name", std::string_view(field.name));
    json.Member("type", std::string_view(DeltaTypeName(field)));
    json.Member("nullable", field.nullable);
    json.Key("metadata");
    json.RawValue("{}");
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

Result<Schema> SchemaFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root); error) {
    return std::unexpected(Malformed(simdjson::error_message(error)));
  }
  std::string_view root_type;
  if (root["type"].get(root_type) != simdjson::SUCCESS || root_type != "struct") {
    return std::unexpected(Malformed("top level is not {\"type\":\"struct\",...}"));
  }
  simdjson::dom::array fields;
  if (root["fields"].get(fields) != simdjson::SUCCESS) return std::unexpected(Malformed("no \"fields\" array"));
  Schema schema;
  for (simdjson::dom::element element : fields) {
    Field field;
    std::string_view name;
    if (element["name"].get(name) != simdjson::SUCCESS) return std::unexpected(Malformed("a field has no name"));
    field.name = std::string(name);
    simdjson::dom::element type;
    std::string_view type_name;
    if (element["type"].get(type) != simdjson::SUCCESS) {
      return std::unexpected(Malformed("field '" + field.name + "' has no type"));
    }
    if (type.get(type_name) == simdjson::SUCCESS) {
      JSM_RETURN_IF_ERROR(ParseTypeName(type_name, &field));
    } else if (type.is_object()) {
      std::string_view nested;
      if (type["type"].get(nested) != simdjson::SUCCESS) nested = "a nested type";
      return std::unexpected(Unsupported(field.name, nested));
    } else {
      return std::unexpected(Malformed("field '" + field.name + "' has no type"));
    }
    bool nullable = true;
    if (auto error = element["nullable"].get(nullable); error && error != simdjson::NO_SUCH_FIELD) {
      return std::unexpected(Malformed("field '" + field.name + "' has a non-boolean \"nullable\""));
    }
    field.nullable = nullable;
    schema.fields.push_back(std::move(field));
  }
  return schema;
}

}  // namespace jsm::delta
