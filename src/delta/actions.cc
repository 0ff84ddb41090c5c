// Delta log actions as newline-delimited JSON (PROTOCOL.md, "Actions"): one
// writer for our actions, one tolerant reader for anyone's.

#include "delta/actions.h"

#include <string>

#include <simdjson.h>

#include "delta/json_writer.h"
#include "delta/path_encoding.h"

namespace jsm::delta {
namespace {

void WriteStringArray(const std::vector<std::string>& values, JsonWriter* json) {
  json->BeginArray();
  for (const std::string& value : values) json->String(value);
  json->EndArray();
}

void WriteAction(const Protocol& protocol, JsonWriter* json) {
  json->Key("protocol");
  json->BeginObject();
  json->Member("minReaderVersion", protocol.min_reader_version);
  json->Member("minWriterVersion", protocol.min_writer_version);
  if (protocol.min_reader_version >= 3) {
    json->Key("readerFeatures");
    WriteStringArray(protocol.reader_features, json);
  }
  if (protocol.min_writer_version >= 7) {
    json->Key("writerFeatures");
    WriteStringArray(protocol.writer_features, json);
  }
  json->EndObject();
}

void WriteAction(const Metadata& metadata, JsonWriter* json) {
  json->Key("metaData");
  json->BeginObject();
  json->Member("id", std::string_view(metadata.id));
  if (!metadata.name.empty()) json->Member("name", std::string_view(metadata.name));
  if (!metadata.description.empty()) json->Member("description", std::string_view(metadata.description));
  json->Key("format");
  json->RawValue(R"({"provider":"parquet","options":{}})");
  json->Member("schemaString", std::string_view(SchemaToJson(metadata.schema)));
  json->Key("partitionColumns");
  WriteStringArray(metadata.partition_columns, json);
  json->Key("configuration");
  json->StringMap(metadata.configuration);
  json->Member("createdTime", metadata.created_time);
  json->EndObject();
}

void WriteAction(const AddFile& add, JsonWriter* json) {
  json->Key("add");
  json->BeginObject();
  json->Member("path", std::string_view(EncodePath(add.path)));
  json->Key("partitionValues");
  json->StringMap(add.partition_values);
  json->Member("size", add.size);
  json->Member("modificationTime", add.modification_time);
  json->Member("dataChange", add.data_change);
  if (!add.stats.empty()) json->Member("stats", std::string_view(add.stats));
  json->EndObject();
}

void WriteAction(const RemoveFile& remove, JsonWriter* json) {
  json->Key("remove");
  json->BeginObject();
  json->Member("path", std::string_view(EncodePath(remove.path)));
  json->Member("deletionTimestamp", remove.deletion_timestamp);
  json->Member("dataChange", remove.data_change);
  json->Member("extendedFileMetadata", remove.extended_file_metadata);
  json->Key("partitionValues");
  json->StringMap(remove.partition_values);
  json->Member("size", remove.size);
  json->EndObject();
}

void WriteAction(const Txn& txn, JsonWriter* json) {
  json->Key("txn");
  json->BeginObject();
  json->Member("appId", std::string_view(txn.app_id));
  json->Member("version", txn.version);
  json->Member("lastUpdated", txn.last_updated);
  json->EndObject();
}

void WriteAction(const CommitInfo& info, JsonWriter* json) {
  json->Key("commitInfo");
  json->BeginObject();
  json->Member("timestamp", info.timestamp);
  json->Member("operation", std::string_view(info.operation));
  json->Key("operationParameters");
  json->StringMap(info.operation_parameters);
  if (!info.operation_metrics.empty()) {
    json->Key("operationMetrics");
    json->StringMap(info.operation_metrics);
  }
  if (!info.engine_info.empty()) json->Member("engineInfo", std::string_view(info.engine_info));
  json->Member("isBlindAppend", info.is_blind_append);
  json->EndObject();
}

// ---- parsing ----

/// Where in which file we are, for error messages.
struct Location {
  std::string_view file_name;
  size_t line = 0;

  Error Corrupt(std::string_view what) const {
    return Error(ErrorCode::kCorruption,
                 std::string(file_name) + " line " + std::to_string(line) + ": " + std::string(what));
  }
};

using simdjson::dom::element;
using simdjson::dom::object;

/// Reads an optional member; absent or null leaves `*out` unchanged. A member of
/// the wrong type is corruption.
template <class T>
Status ReadMember(const object& obj, std::string_view key, T* out, std::string_view action, const Location& at) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return Status::Ok();
  if constexpr (std::is_same_v<T, std::string>) {
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS) {
      return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " is not a string"));
    }
    *out = std::string(text);
  } else if constexpr (std::is_same_v<T, int>) {
    int64_t number = 0;
    if (value.get(number) != simdjson::SUCCESS) {
      return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " is not an integer"));
    }
    *out = static_cast<int>(number);
  } else {
    if (value.get(*out) != simdjson::SUCCESS) {
      return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " has the wrong type"));
    }
  }
  return Status::Ok();
}

/// Like ReadMember, but the member must be present.
template <class T>
Status ReadRequired(const object& obj, std::string_view key, T* out, std::string_view action, const Location& at) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) {
    return std::unexpected(at.Corrupt(std::string(action) + " has no \"" + std::string(key) + "\""));
  }
  return ReadMember(obj, key, out, action, at);
}

/// A JSON object of strings. Null values become "" (the protocol's null partition
/// value); other non-string values keep their JSON text.
Status ReadStringMap(const object& obj, std::string_view key, std::map<std::string, std::string>* out,
                     std::string_view action, const Location& at) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return Status::Ok();
  object map;
  if (value.get(map) != simdjson::SUCCESS) {
    return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " is not an object"));
  }
  for (auto [name, item] : map) {
    std::string_view text;
    if (item.is_null()) {
      (*out)[std::string(name)] = "";
    } else if (item.get(text) == simdjson::SUCCESS) {
      (*out)[std::string(name)] = std::string(text);
    } else {
      (*out)[std::string(name)] = simdjson::minify(item);
    }
  }
  return Status::Ok();
}

Status ReadStringArray(const object& obj, std::string_view key, std::vector<std::string>* out,
                       std::string_view action, const Location& at) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return Status::Ok();
  simdjson::dom::array array;
  if (value.get(array) != simdjson::SUCCESS) {
    return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " is not an array"));
  }
  for (element item : array) {
    std::string_view text;
    if (item.get(text) != simdjson::SUCCESS) {
      return std::unexpected(at.Corrupt(std::string(action) + "." + std::string(key) + " holds a non-string"));
    }
    out->emplace_back(text);
  }
  return Status::Ok();
}

Result<Protocol> ParseProtocol(const object& obj, const Location& at) {
  Protocol protocol;
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "minReaderVersion", &protocol.min_reader_version, "protocol", at));
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "minWriterVersion", &protocol.min_writer_version, "protocol", at));
  JSM_RETURN_IF_ERROR(ReadStringArray(obj, "readerFeatures", &protocol.reader_features, "protocol", at));
  JSM_RETURN_IF_ERROR(ReadStringArray(obj, "writerFeatures", &protocol.writer_features, "protocol", at));
  return protocol;
}

Result<Metadata> ParseMetadata(const object& obj, const Location& at) {
  Metadata metadata;
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "id", &metadata.id, "metaData", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "name", &metadata.name, "metaData", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "description", &metadata.description, "metaData", at));
  std::string provider = "parquet";
  object format;
  if (obj["format"].get(format) == simdjson::SUCCESS) {
    JSM_RETURN_IF_ERROR(ReadMember(format, "provider", &provider, "metaData.format", at));
  }
  if (provider != "parquet") {
    return MakeError(ErrorCode::kUnsupported, std::string(at.file_name) + ": table data format '" + provider +
                                                  "' is not supported; only parquet is");
  }
  std::string schema_string;
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "schemaString", &schema_string, "metaData", at));
  auto schema = SchemaFromJson(schema_string);
  if (!schema) return std::unexpected(schema.error().WithContext(at.file_name));
  metadata.schema = std::move(*schema);
  JSM_RETURN_IF_ERROR(ReadStringArray(obj, "partitionColumns", &metadata.partition_columns, "metaData", at));
  JSM_RETURN_IF_ERROR(ReadStringMap(obj, "configuration", &metadata.configuration, "metaData", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "createdTime", &metadata.created_time, "metaData", at));
  return metadata;
}

/// numRecords of a stats string, or -1 when absent or unreadable (stats are optional).
int64_t NumRecordsOf(std::string_view stats, simdjson::dom::parser* parser) {
  element root;
  int64_t num_records = -1;
  if (parser->parse(stats.data(), stats.size()).get(root) != simdjson::SUCCESS) return -1;
  if (root["numRecords"].get(num_records) != simdjson::SUCCESS) return -1;
  return num_records;
}

Result<std::string> ReadPath(const object& obj, std::string_view action, const Location& at) {
  std::string encoded;
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "path", &encoded, action, at));
  auto decoded = DecodePath(encoded);
  if (!decoded) return std::unexpected(at.Corrupt(decoded.error().message()));
  return decoded;
}

Result<AddFile> ParseAdd(const object& obj, const Location& at, simdjson::dom::parser* stats_parser) {
  AddFile add;
  JSM_ASSIGN_OR_RETURN(add.path, ReadPath(obj, "add", at));
  JSM_RETURN_IF_ERROR(ReadStringMap(obj, "partitionValues", &add.partition_values, "add", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "size", &add.size, "add", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "modificationTime", &add.modification_time, "add", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "dataChange", &add.data_change, "add", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "stats", &add.stats, "add", at));
  if (!add.stats.empty()) add.num_records = NumRecordsOf(add.stats, stats_parser);
  return add;
}

Result<RemoveFile> ParseRemove(const object& obj, const Location& at) {
  RemoveFile remove;
  JSM_ASSIGN_OR_RETURN(remove.path, ReadPath(obj, "remove", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "deletionTimestamp", &remove.deletion_timestamp, "remove", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "dataChange", &remove.data_change, "remove", at));
  remove.extended_file_metadata = false;
  JSM_RETURN_IF_ERROR(ReadMember(obj, "extendedFileMetadata", &remove.extended_file_metadata, "remove", at));
  JSM_RETURN_IF_ERROR(ReadStringMap(obj, "partitionValues", &remove.partition_values, "remove", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "size", &remove.size, "remove", at));
  return remove;
}

Result<Txn> ParseTxn(const object& obj, const Location& at) {
  Txn txn;
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "appId", &txn.app_id, "txn", at));
  JSM_RETURN_IF_ERROR(ReadRequired(obj, "version", &txn.version, "txn", at));
  JSM_RETURN_IF_ERROR(ReadMember(obj, "lastUpdated", &txn.last_updated, "txn", at));
  return txn;
}

Result<CommitInfo> ParseCommitInfo(const object& obj, const Location& at) {
  // commitInfo is free-form: a field of an unexpected type is ignored, not an error.
  CommitInfo info;
  (void)ReadMember(obj, "timestamp", &info.timestamp, "commitInfo", at);
  (void)ReadMember(obj, "operation", &info.operation, "commitInfo", at);
  (void)ReadStringMap(obj, "operationParameters", &info.operation_parameters, "commitInfo", at);
  (void)ReadStringMap(obj, "operationMetrics", &info.operation_metrics, "commitInfo", at);
  (void)ReadMember(obj, "engineInfo", &info.engine_info, "commitInfo", at);
  (void)ReadMember(obj, "isBlindAppend", &info.is_blind_append, "commitInfo", at);
  return info;
}

std::string_view TrimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return line;
}

/// Calls `fn(line, line_number)` for each non-blank line of `text`.
template <class Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    const std::string_view line = TrimLine(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty()) continue;
    JSM_RETURN_IF_ERROR(fn(line, line_number));
  }
  return Status::Ok();
}

}  // namespace

std::string SerializeActions(const std::vector<Action>& actions) {
  std::string out;
  for (const Action& action : actions) {
    JsonWriter json;
    json.BeginObject();
    std::visit([&json](const auto& a) { WriteAction(a, &json); }, action);
    json.EndObject();
    out += json.str();
    out += '\n';
  }
  return out;
}

Result<std::vector<Action>> ParseActions(std::string_view text, std::string_view file_name) {
  simdjson::dom::parser parser;
  simdjson::dom::parser stats_parser;
  std::vector<Action> actions;
  JSM_RETURN_IF_ERROR(ForEachLine(text, [&](std::string_view line, size_t line_number) -> Status {
    const Location at{file_name, line_number};
    object root;
    if (auto error = parser.parse(line.data(), line.size()).get(root); error) {
      if (!simdjson::validate_utf8(line.data(), line.size())) {
        // What an earlier release wrote with raw bytes in an add's stats (issue 13).
        return std::unexpected(at.Corrupt(
            "not valid UTF-8, so not JSON; if an earlier jsm wrote it (raw bytes in the statistics), "
            "`jsm table repair <table>` makes the table readable again (docs/delta.md, \"Repairing a table\")"));
      }
      return std::unexpected(at.Corrupt(std::string("not a JSON object: ") + simdjson::error_message(error)));
    }
    for (auto [kind, value] : root) {
      object obj;
      if (value.get(obj) != simdjson::SUCCESS) continue;  // e.g. a null action slot
      if (kind == "add") {
        JSM_ASSIGN_OR_RETURN(AddFile add, ParseAdd(obj, at, &stats_parser));
        actions.emplace_back(std::move(add));
      } else if (kind == "remove") {
        JSM_ASSIGN_OR_RETURN(RemoveFile remove, ParseRemove(obj, at));
        actions.emplace_back(std::move(remove));
      } else if (kind == "txn") {
        JSM_ASSIGN_OR_RETURN(Txn txn, ParseTxn(obj, at));
        actions.emplace_back(std::move(txn));
      } else if (kind == "metaData") {
        JSM_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(obj, at));
        actions.emplace_back(std::move(metadata));
      } else if (kind == "protocol") {
        JSM_ASSIGN_OR_RETURN(Protocol protocol, ParseProtocol(obj, at));
        actions.emplace_back(std::move(protocol));
      } else if (kind == "commitInfo") {
        JSM_ASSIGN_OR_RETURN(CommitInfo info, ParseCommitInfo(obj, at));
        actions.emplace_back(std::move(info));
      }
      // Other kinds (cdc, domainMetadata, checkpointMetadata, sidecar, ...) are skipped.
    }
    return Status::Ok();
  }));
  return actions;
}

std::optional<Protocol> FindProtocol(std::string_view text) {
  simdjson::dom::parser parser;
  std::optional<Protocol> found;
  (void)ForEachLine(text, [&](std::string_view line, size_t line_number) -> Status {
    if (line.find("\"protocol\"") == std::string_view::npos) return Status::Ok();
    object root, obj;
    if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) return Status::Ok();
    if (root["protocol"].get(obj) != simdjson::SUCCESS) return Status::Ok();
    auto protocol = ParseProtocol(obj, Location{"", line_number});
    if (protocol) found = std::move(*protocol);
    return Status::Ok();
  });
  return found;
}

RemoveFile RemovalOf(const AddFile& add, int64_t deletion_timestamp_ms, bool data_change) {
  RemoveFile remove;
  remove.path = add.path;
  remove.deletion_timestamp = deletion_timestamp_ms;
  remove.data_change = data_change;
  remove.partition_values = add.partition_values;
  remove.size = add.size;
  return remove;
}

}  // namespace jsm::delta
