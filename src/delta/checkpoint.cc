// Classic Parquet checkpoints: encoding a snapshot as checkpoint rows, decoding
// them back, `_last_checkpoint`, and DeltaTable::Checkpoint.

#include "delta/checkpoint.h"

#include <simdjson.h>

#include <cstdio>
#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "delta/json_writer.h"
#include "delta/log_cleanup.h"
#include "delta/log_line_check.h"
#include "delta/path_encoding.h"
#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "parquet/nested.h"
#include "parquet/nested_reader.h"
#include "parquet/nested_writer.h"

namespace jsm::delta {
namespace {

using parquet::AppendNestedNull;
using parquet::AppendStructSlot;
using parquet::CloseListSlot;
using parquet::LeafType;
using parquet::ListType;
using parquet::MapType;
using parquet::NestedBatch;
using parquet::NestedColumn;
using parquet::NestedType;
using parquet::StructType;

constexpr std::string_view kLastCheckpoint = "_last_checkpoint";

NestedType StringMap(std::string name) {
  return MapType(std::move(name), LeafType("key", DataType::kString, false), LeafType("value", DataType::kString));
}

/// The checkpoint schema of PROTOCOL.md ("Checkpoint Schema"), the fields Spark writes for our actions.
std::vector<NestedType> CheckpointSchema() {
  return {
      StructType("txn", {LeafType("appId", DataType::kString), LeafType("version", DataType::kInt64),
                         LeafType("lastUpdated", DataType::kInt64)}),
      StructType("add", {LeafType("path", DataType::kString), StringMap("partitionValues"),
                         LeafType("size", DataType::kInt64), LeafType("modificationTime", DataType::kInt64),
                         LeafType("dataChange", DataType::kBoolean), StringMap("tags"),
                         LeafType("stats", DataType::kString)}),
      StructType("remove", {LeafType("path", DataType::kString), LeafType("deletionTimestamp", DataType::kInt64),
                            LeafType("dataChange", DataType::kBoolean),
                            LeafType("extendedFileMetadata", DataType::kBoolean), StringMap("partitionValues"),
                            LeafType("size", DataType::kInt64), StringMap("tags")}),
      StructType("metaData",
                 {LeafType("id", DataType::kString), LeafType("name", DataType::kString),
                  LeafType("description", DataType::kString),
                  StructType("format", {LeafType("provider", DataType::kString), StringMap("options")}),
                  LeafType("schemaString", DataType::kString),
                  ListType("partitionColumns", LeafType("element", DataType::kString)), StringMap("configuration"),
                  LeafType("createdTime", DataType::kInt64)}),
      StructType("protocol", {LeafType("minReaderVersion", DataType::kInt32),
                              LeafType("minWriterVersion", DataType::kInt32),
                              ListType("readerFeatures", LeafType("element", DataType::kString)),
                              ListType("writerFeatures", LeafType("element", DataType::kString))}),
  };
}

/// Builds checkpoint rows: each row sets one of the five action columns.
class RowBuilder {
 public:
  explicit RowBuilder(NestedBatch* batch) : batch_(batch) {}

  /// Starts a row whose action is column `action`: the others get a null.
  NestedColumn& Begin(size_t action) {
    for (size_t c = 0; c < batch_->fields.size(); ++c) {
      if (c != action) AppendNestedNull(batch_->fields[c], &batch_->columns[c]);
    }
    ++batch_->num_rows;
    NestedColumn& column = batch_->columns[action];
    AppendStructSlot(&column);
    return column;
  }

  static void String(NestedColumn& parent, size_t field, std::string_view value) {
    parent.children[field].values.AppendString(value);
  }
  static void OptionalString(NestedColumn& parent, size_t field, std::string_view value) {
    if (value.empty()) {
      parent.children[field].values.AppendNull();
    } else {
      parent.children[field].values.AppendString(value);
    }
  }
  static void Int(NestedColumn& parent, size_t field, int64_t value) { parent.children[field].values.AppendInt(value); }
  static void Null(const NestedType& parent_type, NestedColumn& parent, size_t field) {
    AppendNestedNull(parent_type.children[field], &parent.children[field]);
  }
  static void Map(const NestedType& parent_type, NestedColumn& parent, size_t field,
                  const std::map<std::string, std::string>& values) {
    NestedColumn& map = parent.children[field];
    for (const auto& [key, value] : values) {
      map.children[0].values.AppendString(key);
      map.children[1].values.AppendString(value);
    }
    CloseListSlot(parent_type.children[field], &map);
  }
  static void List(const NestedType& parent_type, NestedColumn& parent, size_t field,
                   const std::vector<std::string>& values) {
    NestedColumn& list = parent.children[field];
    for (const std::string& value : values) list.children[0].values.AppendString(value);
    CloseListSlot(parent_type.children[field], &list);
  }

 private:
  NestedBatch* batch_;
};

enum ActionColumn : size_t { kTxn = 0, kAdd = 1, kRemove = 2, kMetaData = 3, kProtocol = 4 };

// ---- decoding ----

/// A struct column of the decoded checkpoint, with its fields found by name.
class StructReader {
 public:
  StructReader(const NestedBatch& batch, std::string_view name) {
    int index = batch.FieldIndex(name);
    if (index >= 0) {
      type_ = &batch.fields[static_cast<size_t>(index)];
      column_ = &batch.columns[static_cast<size_t>(index)];
    }
  }
  StructReader(const NestedType* type, const NestedColumn* column) : type_(type), column_(column) {}

  bool Present(size_t row) const { return type_ != nullptr && column_->validity[row] != 0; }

  /// Field `name` of this struct, or nullptr.
  std::pair<const NestedType*, const NestedColumn*> Field(std::string_view name) const {
    if (type_ == nullptr) return {nullptr, nullptr};
    for (size_t k = 0; k < type_->children.size(); ++k) {
      if (type_->children[k].name == name) return {&type_->children[k], &column_->children[k]};
    }
    return {nullptr, nullptr};
  }
  std::optional<std::string> String(std::string_view name, size_t row) const {
    auto [type, column] = Field(name);
    if (type == nullptr || type->kind != NestedType::Kind::kLeaf || !IsByteArrayType(type->leaf.type) ||
        column->values.IsNull(row)) {
      return std::nullopt;
    }
    return std::string(column->values.StringAt(row));
  }
  std::optional<int64_t> Int(std::string_view name, size_t row) const {
    auto [type, column] = Field(name);
    if (type == nullptr || type->kind != NestedType::Kind::kLeaf || IsByteArrayType(type->leaf.type) ||
        type->leaf.type == DataType::kDouble || column->values.IsNull(row)) {
      return std::nullopt;
    }
    return column->values.IntAt(row);
  }
  std::map<std::string, std::string> Map(std::string_view name, size_t row) const {
    std::map<std::string, std::string> out;
    auto [type, column] = Field(name);
    if (type == nullptr || type->kind != NestedType::Kind::kMap || !column->validity[row]) return out;
    const Column& keys = column->children[0].values;
    const Column& values = column->children[1].values;
    // A writer that leaves strings unannotated gives binary columns: read them as the text they hold.
    if (!IsByteArrayType(keys.type()) || !IsByteArrayType(values.type())) return out;
    for (uint64_t j = column->offsets[row]; j < column->offsets[row + 1]; ++j) {
      out[std::string(keys.StringAt(j))] = values.IsNull(j) ? std::string() : std::string(values.StringAt(j));
    }
    return out;
  }
  std::vector<std::string> List(std::string_view name, size_t row) const {
    std::vector<std::string> out;
    auto [type, column] = Field(name);
    if (type == nullptr || type->kind != NestedType::Kind::kList || !column->validity[row]) return out;
    const Column& elements = column->children[0].values;
    if (type->children[0].kind != NestedType::Kind::kLeaf || !IsByteArrayType(elements.type())) return out;
    for (uint64_t j = column->offsets[row]; j < column->offsets[row + 1]; ++j) {
      if (!elements.IsNull(j)) out.emplace_back(elements.StringAt(j));
    }
    return out;
  }
  StructReader Struct(std::string_view name) const {
    auto [type, column] = Field(name);
    if (type == nullptr || type->kind != NestedType::Kind::kStruct) return StructReader(nullptr, nullptr);
    return StructReader(type, column);
  }

 private:
  const NestedType* type_ = nullptr;
  const NestedColumn* column_ = nullptr;
};

int64_t NumRecordsOf(std::string_view stats, simdjson::dom::parser* parser) {
  simdjson::dom::element root;
  int64_t num_records = -1;
  if (parser->parse(stats.data(), stats.size()).get(root) != simdjson::SUCCESS) return -1;
  if (root["numRecords"].get(num_records) != simdjson::SUCCESS) return -1;
  return num_records;
}

}  // namespace

std::string CheckpointFileName(int64_t version) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "_delta_log/%020lld.checkpoint.parquet", static_cast<long long>(version));
  return buf;
}

int64_t CheckpointVersionOf(std::string_view name) {
  constexpr std::string_view kSuffix = ".checkpoint.parquet";
  if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) return -1;
  int64_t version = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

Result<std::string> EncodeCheckpoint(const Snapshot& snapshot, int64_t tombstone_cutoff_ms, int64_t* actions) {
  NestedBatch batch = parquet::MakeNestedBatch(CheckpointSchema());
  const std::vector<NestedType>& types = batch.fields;
  RowBuilder rows(&batch);
  {
    NestedColumn& p = rows.Begin(kProtocol);
    RowBuilder::Int(p, 0, snapshot.protocol.min_reader_version);
    RowBuilder::Int(p, 1, snapshot.protocol.min_writer_version);
    if (snapshot.protocol.min_reader_version >= 3) {
      RowBuilder::List(types[kProtocol], p, 2, snapshot.protocol.reader_features);
    } else {
      RowBuilder::Null(types[kProtocol], p, 2);
    }
    if (snapshot.protocol.min_writer_version >= 7) {
      RowBuilder::List(types[kProtocol], p, 3, snapshot.protocol.writer_features);
    } else {
      RowBuilder::Null(types[kProtocol], p, 3);
    }
  }
  {
    const Metadata& metadata = snapshot.metadata;
    const NestedType& type = types[kMetaData];
    NestedColumn& m = rows.Begin(kMetaData);
    RowBuilder::String(m, 0, metadata.id);
    RowBuilder::OptionalString(m, 1, metadata.name);
    RowBuilder::OptionalString(m, 2, metadata.description);
    NestedColumn& format = m.children[3];
    AppendStructSlot(&format);
    RowBuilder::String(format, 0, "parquet");
    RowBuilder::Map(type.children[3], format, 1, {});
    RowBuilder::String(m, 4, SchemaToJson(metadata.schema));
    RowBuilder::List(type, m, 5, metadata.partition_columns);
    RowBuilder::Map(type, m, 6, metadata.configuration);
    RowBuilder::Int(m, 7, metadata.created_time);
  }
  for (const auto& [app_id, version] : snapshot.app_versions) {
    NestedColumn& t = rows.Begin(kTxn);
    RowBuilder::String(t, 0, app_id);
    RowBuilder::Int(t, 1, version);
    t.children[2].values.AppendNull();  // lastUpdated is not kept in the snapshot
  }
  for (const auto& [path, add] : snapshot.files) {
    // A checkpoint is read as the table's state: a string in it that is not UTF-8 (or stats that
    // are not JSON) would make every reader fail, so it is refused here, naming the file.
    JSM_RETURN_IF_ERROR(CheckLogString(add.path, "the path of add " + add.path + " in the checkpoint"));
    if (!add.stats.empty()) {
      JSM_RETURN_IF_ERROR(CheckLogString(add.stats, "the stats of add " + add.path + " in the checkpoint", true));
    }
    for (const auto& [column, value] : add.partition_values) {
      JSM_RETURN_IF_ERROR(CheckLogString(value, "partition value '" + column + "' of add " + add.path + " in the checkpoint"));
    }
    const NestedType& type = types[kAdd];
    NestedColumn& a = rows.Begin(kAdd);
    RowBuilder::String(a, 0, EncodePath(add.path));
    RowBuilder::Map(type, a, 1, add.partition_values);
    RowBuilder::Int(a, 2, add.size);
    RowBuilder::Int(a, 3, add.modification_time);
    RowBuilder::Int(a, 4, add.data_change ? 1 : 0);
    RowBuilder::Null(type, a, 5);
    RowBuilder::OptionalString(a, 6, add.stats);
  }
  for (const auto& [path, remove] : snapshot.tombstones) {
    if (remove.deletion_timestamp <= tombstone_cutoff_ms) continue;  // expired: VACUUM may have deleted it
    const NestedType& type = types[kRemove];
    NestedColumn& r = rows.Begin(kRemove);
    RowBuilder::String(r, 0, EncodePath(remove.path));
    RowBuilder::Int(r, 1, remove.deletion_timestamp);
    RowBuilder::Int(r, 2, remove.data_change ? 1 : 0);
    RowBuilder::Int(r, 3, remove.extended_file_metadata ? 1 : 0);
    RowBuilder::Map(type, r, 4, remove.partition_values);
    RowBuilder::Int(r, 5, remove.size);
    RowBuilder::Null(type, r, 6);
  }
  *actions = static_cast<int64_t>(batch.num_rows);
  parquet::WriterOptions options;
  options.compression = parquet::Compression::kSnappy;
  std::string out;
  JSM_RETURN_IF_ERROR(parquet::WriteNestedParquet(batch, options, &out));
  return out;
}

namespace {

/// What the files of one checkpoint held besides the snapshot's state.
struct CheckpointContent {
  bool has_protocol = false;
  bool has_metadata = false;
  int checkpoint_metadata = 0;        ///< checkpointMetadata actions (V2: exactly one)
  std::vector<std::string> sidecars;  ///< sidecar paths, as written
};

Error Corrupt(std::string_view file_name, std::string what) {
  return Error(ErrorCode::kCorruption, std::string(file_name) + ": " + what);
}

/// Applies the rows of one checkpoint file (a whole V1 checkpoint, a part, a V2
/// top-level Parquet file or, with `file_actions_only`, a sidecar: only its add
/// and remove rows count, as the protocol allows nothing else there) to `snapshot`.
Status DecodeParquetInto(std::string_view bytes, std::string_view file_name, Snapshot* snapshot,
                         CheckpointContent* content, bool file_actions_only = false) {
  static const std::vector<std::string> kPaths = {
      "txn.appId", "txn.version", "txn.lastUpdated", "add.path", "add.partitionValues", "add.size",
      "add.modificationTime", "add.dataChange", "add.stats", "remove.path", "remove.deletionTimestamp",
      "remove.dataChange", "remove.extendedFileMetadata", "remove.partitionValues", "remove.size",
      "metaData.id", "metaData.name", "metaData.description", "metaData.schemaString",
      "metaData.partitionColumns", "metaData.configuration", "metaData.createdTime", "protocol.minReaderVersion",
      "protocol.minWriterVersion", "protocol.readerFeatures", "protocol.writerFeatures", "checkpointMetadata.version",
      "sidecar.path"};
  JSM_ASSIGN_OR_RETURN(NestedBatch batch, parquet::ReadNestedParquet(bytes, kPaths, file_name));
  StructReader txn(batch, "txn"), add(batch, "add"), remove(batch, "remove"), metadata(batch, "metaData"),
      protocol(batch, "protocol"), checkpoint_metadata(batch, "checkpointMetadata"), sidecar(batch, "sidecar");
  simdjson::dom::parser stats_parser;
  for (size_t row = 0; row < batch.num_rows; ++row) {
    if (add.Present(row)) {
      std::optional<std::string> path = add.String("path", row);
      if (!path) return std::unexpected(Corrupt(file_name, "row " + std::to_string(row) + ": add without a path"));
      AddFile file;
      JSM_ASSIGN_OR_RETURN(file.path, DecodePath(*path));
      file.partition_values = add.Map("partitionValues", row);
      file.size = add.Int("size", row).value_or(0);
      file.modification_time = add.Int("modificationTime", row).value_or(0);
      file.data_change = add.Int("dataChange", row).value_or(1) != 0;
      file.stats = add.String("stats", row).value_or("");
      if (!file.stats.empty()) file.num_records = NumRecordsOf(file.stats, &stats_parser);
      std::string key = file.path;
      snapshot->files[std::move(key)] = std::move(file);
    } else if (remove.Present(row)) {
      std::optional<std::string> path = remove.String("path", row);
      if (!path) return std::unexpected(Corrupt(file_name, "row " + std::to_string(row) + ": remove without a path"));
      RemoveFile file;
      JSM_ASSIGN_OR_RETURN(file.path, DecodePath(*path));
      file.deletion_timestamp = remove.Int("deletionTimestamp", row).value_or(0);
      file.data_change = remove.Int("dataChange", row).value_or(1) != 0;
      file.extended_file_metadata = remove.Int("extendedFileMetadata", row).value_or(0) != 0;
      file.partition_values = remove.Map("partitionValues", row);
      file.size = remove.Int("size", row).value_or(0);
      std::string key = file.path;
      snapshot->tombstones[std::move(key)] = std::move(file);
    } else if (file_actions_only) {
      continue;
    } else if (txn.Present(row)) {
      std::optional<std::string> app_id = txn.String("appId", row);
      std::optional<int64_t> txn_version = txn.Int("version", row);
      if (!app_id || !txn_version) {
        return std::unexpected(Corrupt(file_name, "row " + std::to_string(row) + ": txn without appId or version"));
      }
      snapshot->app_versions[*app_id] = *txn_version;
    } else if (metadata.Present(row)) {
      Metadata& m = snapshot->metadata;
      m.id = metadata.String("id", row).value_or("");
      m.name = metadata.String("name", row).value_or("");
      m.description = metadata.String("description", row).value_or("");
      std::optional<std::string> schema = metadata.String("schemaString", row);
      if (!schema) return std::unexpected(Corrupt(file_name, "metaData without schemaString"));
      Result<Schema> parsed = SchemaFromJson(*schema);
      if (!parsed) return std::unexpected(parsed.error().WithContext(std::string(file_name) + ": metaData"));
      m.schema = std::move(*parsed);
      m.partition_columns = metadata.List("partitionColumns", row);
      m.configuration = metadata.Map("configuration", row);
      m.created_time = metadata.Int("createdTime", row).value_or(0);
      content->has_metadata = true;
    } else if (protocol.Present(row)) {
      Protocol& p = snapshot->protocol;
      std::optional<int64_t> reader = protocol.Int("minReaderVersion", row);
      std::optional<int64_t> writer = protocol.Int("minWriterVersion", row);
      if (!reader || !writer) {
        return std::unexpected(Corrupt(file_name, "protocol without minReaderVersion or minWriterVersion"));
      }
      p.min_reader_version = static_cast<int>(*reader);
      p.min_writer_version = static_cast<int>(*writer);
      p.reader_features = protocol.List("readerFeatures", row);
      p.writer_features = protocol.List("writerFeatures", row);
      content->has_protocol = true;
    } else if (checkpoint_metadata.Present(row)) {
      ++content->checkpoint_metadata;
    } else if (sidecar.Present(row)) {
      std::optional<std::string> path = sidecar.String("path", row);
      if (!path) return std::unexpected(Corrupt(file_name, "row " + std::to_string(row) + ": sidecar without a path"));
      content->sidecars.push_back(std::move(*path));
    }
  }
  return Status::Ok();
}

/// Applies a V2 top-level checkpoint in JSON (one action per line) to `snapshot`.
Status DecodeJsonInto(std::string_view text, std::string_view file_name, Snapshot* snapshot,
                      CheckpointContent* content) {
  JSM_ASSIGN_OR_RETURN(const std::vector<Action> actions, ParseActions(text, file_name));
  for (const Action& action : actions) {
    if (const auto* protocol = std::get_if<Protocol>(&action)) {
      snapshot->protocol = *protocol;
      content->has_protocol = true;
    } else if (const auto* metadata = std::get_if<Metadata>(&action)) {
      snapshot->metadata = *metadata;
      content->has_metadata = true;
    } else if (const auto* add = std::get_if<AddFile>(&action)) {
      snapshot->files[add->path] = *add;
    } else if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      snapshot->tombstones[remove->path] = *remove;
    } else if (const auto* txn = std::get_if<Txn>(&action)) {
      snapshot->app_versions[txn->app_id] = txn->version;
    }
  }
  // The V2-only actions ParseActions does not model: checkpointMetadata and sidecar.
  simdjson::dom::parser parser;
  size_t start = 0;
  for (size_t line = 1; start < text.size(); ++line) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = text.substr(start, end - start);
    start = end + 1;
    if (row.find("\"sidecar\"") == std::string_view::npos &&
        row.find("\"checkpointMetadata\"") == std::string_view::npos) {
      continue;
    }
    simdjson::dom::element root;
    if (parser.parse(row.data(), row.size()).get(root) != simdjson::SUCCESS) {
      return std::unexpected(Corrupt(file_name, "line " + std::to_string(line) + " is not JSON"));
    }
    if (root["checkpointMetadata"].error() == simdjson::SUCCESS) ++content->checkpoint_metadata;
    simdjson::dom::element sidecar;
    if (root["sidecar"].get(sidecar) == simdjson::SUCCESS) {
      std::string_view path;
      if (sidecar["path"].get(path) != simdjson::SUCCESS) {
        return std::unexpected(Corrupt(file_name, "line " + std::to_string(line) + ": sidecar without a path"));
      }
      content->sidecars.emplace_back(path);
    }
  }
  return Status::Ok();
}

/// The name of a sidecar file in `_delta_log/_sidecars/`: the protocol keeps them
/// there, so only the last path component of `path` (URI-encoded) counts.
Result<std::string> SidecarName(std::string_view path, std::string_view file_name) {
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  Result<std::string> decoded = DecodePath(last);
  if (!decoded || decoded->empty() || *decoded == "." || *decoded == "..") {
    return std::unexpected(Corrupt(file_name, "sidecar path '" + std::string(path) + "' names no file"));
  }
  return decoded;
}

Status CheckComplete(const CheckpointContent& content, std::string_view file_name) {
  if (!content.has_protocol || !content.has_metadata) {
    return std::unexpected(Corrupt(file_name, "checkpoint lacks a protocol or a metaData action"));
  }
  return Status::Ok();
}

}  // namespace

Result<Snapshot> DecodeCheckpoint(std::string_view bytes, int64_t version, std::string_view file_name) {
  Snapshot snapshot;
  snapshot.version = version;
  CheckpointContent content;
  JSM_RETURN_IF_ERROR(DecodeParquetInto(bytes, file_name, &snapshot, &content));
  JSM_RETURN_IF_ERROR(CheckComplete(content, file_name));
  if (!content.sidecars.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(file_name) +
                                                      ": a V2 checkpoint with sidecar files; read it with ReadCheckpoint");
  }
  return snapshot;
}

std::string LastCheckpointJson(const LastCheckpoint& last) {
  JsonWriter json;
  json.BeginObject();
  json.Member("version", last.version);
  json.Member("size", last.size);
  if (last.size_in_bytes >= 0) json.Member("sizeInBytes", last.size_in_bytes);
  if (last.num_of_add_files >= 0) json.Member("numOfAddFiles", last.num_of_add_files);
  if (last.parts >= 0) json.Member("parts", last.parts);
  json.EndObject();
  return json.Take();
}

Result<LastCheckpoint> ParseLastCheckpoint(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  LastCheckpoint last;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root["version"].get(last.version) != simdjson::SUCCESS || last.version < 0) {
    return MakeError(ErrorCode::kCorruption, "_last_checkpoint is not an object with a version");
  }
  if (root["size"].get(last.size) != simdjson::SUCCESS) last.size = 0;
  if (root["sizeInBytes"].get(last.size_in_bytes) != simdjson::SUCCESS) last.size_in_bytes = -1;
  if (root["numOfAddFiles"].get(last.num_of_add_files) != simdjson::SUCCESS) last.num_of_add_files = -1;
  if (root["parts"].get(last.parts) != simdjson::SUCCESS) last.parts = -1;
  return last;
}

Result<Snapshot> ReadCheckpoint(storage::ObjectStore* store, const std::string& log_prefix,
                                const CheckpointFiles& checkpoint, std::string_view table) {
  Snapshot snapshot;
  snapshot.version = checkpoint.version;
  CheckpointContent content;
  std::string described;
  auto with_table = [&](const Error& error) { return std::unexpected(error.WithContext("table " + std::string(table))); };
  for (const std::string& name : checkpoint.names) {
    const std::string key = log_prefix + name;
    described = store->Describe() + "/" + key;
    auto bytes = store->Get(key);
    if (!bytes) return with_table(bytes.error());
    Status decoded = name.ends_with(".json") ? DecodeJsonInto(*bytes, described, &snapshot, &content)
                                             : DecodeParquetInto(*bytes, described, &snapshot, &content);
    if (!decoded) return with_table(decoded.error());
  }
  if (Status complete = CheckComplete(content, described); !complete) return with_table(complete.error());
  if (checkpoint.kind == CheckpointKind::kUuid && content.checkpoint_metadata != 1) {
    return with_table(Corrupt(described, "a V2 checkpoint must hold exactly one checkpointMetadata action, not " +
                                             std::to_string(content.checkpoint_metadata)));
  }
  // Refuse what we cannot read before reading the sidecars (they may hold deletion vectors, ...).
  if (Status supported = CheckReadSupported(snapshot.protocol, table); !supported) {
    return std::unexpected(supported.error());
  }
  // V2: the file actions may live in sidecar files under _delta_log/_sidecars/.
  for (const std::string& path : content.sidecars) {
    Result<std::string> name = SidecarName(path, described);
    if (!name) return with_table(name.error());
    const std::string key = log_prefix + "_sidecars/" + *name;
    const std::string sidecar = store->Describe() + "/" + key;
    auto bytes = store->Get(key);
    if (!bytes) return with_table(bytes.error().WithContext("sidecar of checkpoint " + described));
    CheckpointContent file_actions;
    if (Status decoded = DecodeParquetInto(*bytes, sidecar, &snapshot, &file_actions, true); !decoded) {
      return with_table(decoded.error());
    }
  }
  return snapshot;
}

Result<LastCheckpoint> DeltaTable::Checkpoint() {
  JSM_CHECK_GE(snapshot_.version, 0);
  JSM_RETURN_IF_ERROR(CheckProtocolSupported(snapshot_.protocol, Describe()));  // we write classic V1 checkpoints only
  JSM_ASSIGN_OR_RETURN(const TableProperties properties, ReadTableProperties(snapshot_.metadata));
  const int64_t now = NowMillis();
  LastCheckpoint last;
  last.version = snapshot_.version;
  last.num_of_add_files = static_cast<int64_t>(snapshot_.files.size());
  JSM_ASSIGN_OR_RETURN(const std::string bytes,
                       EncodeCheckpoint(snapshot_, now - properties.deleted_file_retention_ms, &last.size));
  last.size_in_bytes = static_cast<int64_t>(bytes.size());
  // Put is atomic: a reader sees no checkpoint or the whole one. Rewriting one is harmless (same content).
  JSM_RETURN_IF_ERROR(store_->Put(Key(CheckpointFileName(last.version)), bytes));
  JSM_RETURN_IF_ERROR(store_->Put(Key(std::string("_delta_log/") + std::string(kLastCheckpoint)),
                                  LastCheckpointJson(last)));
  const auto setting = snapshot_.metadata.configuration.find("delta.enableExpiredLogCleanup");
  if (setting == snapshot_.metadata.configuration.end() || setting->second != "false") {
    Result<int64_t> deleted =
        CleanUpExpiredLogs(store_, Key("_delta_log/"), last.version, now - properties.log_retention_ms);
    if (!deleted) {
      Log().warn("table {}: cleaning up expired log files after the checkpoint of version {} failed: {}", Describe(),
                 last.version, deleted.error().ToString());
    }
  }
  return last;
}

}  // namespace jsm::delta
