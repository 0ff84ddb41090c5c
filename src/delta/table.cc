// Opening and creating a Delta table, and reading its log: snapshot replay of the
// JSON commits, refresh, and single-commit reads.

#include "delta/table.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "common/clock.h"
#include "delta/checkpoint.h"
#include "delta/engine_info.h"
#include "delta/json_writer.h"
#include "delta/schema_diff.h"
#include "delta/snapshot.h"
#include "delta/uuid.h"

namespace jsm::delta {
namespace {

constexpr std::string_view kLogDir = "_delta_log/";

std::string NormalizeTablePath(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  size_t start = 0;
  while (start < path.size() && path[start] == '/') ++start;
  return path.substr(start);
}

/// Version of a log file name "<20 digits>.json", or -1 for anything else.
int64_t CommitVersionOf(std::string_view name) {
  if (name.size() != 25 || !name.ends_with(".json")) return -1;
  int64_t version = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

bool IsCheckpointName(std::string_view name) {
  return name == "_last_checkpoint" || name.find(".checkpoint") != std::string_view::npos;
}

Status ValidateNewTable(const Schema& schema, const std::vector<std::string>& partition_columns,
                        std::string_view table) {
  if (schema.fields.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot create table " + std::string(table) + " with no columns");
  }
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "column " + std::to_string(i) + " of table " +
                                                        std::string(table) + " has an empty name");
    }
    for (size_t j = 0; j < i; ++j) {
      std::string a = schema.fields[i].name, b = schema.fields[j].name;
      std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
      std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return std::tolower(c); });
      if (a == b) {
        return MakeError(ErrorCode::kInvalidArgument, "table " + std::string(table) + " has two columns named '" +
                                                          schema.fields[i].name + "' (names are case-insensitive)");
      }
    }
  }
  for (const std::string& column : partition_columns) {
    if (schema.FieldIndex(column) < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "partition column '" + column + "' of table " + std::string(table) + " is not in its schema");
    }
  }
  return Status::Ok();
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  JsonWriter json;
  json.BeginArray();
  for (const std::string& value : values) json.String(value);
  json.EndArray();
  return json.Take();
}

}  // namespace

std::string CommitFileName(int64_t version) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "_delta_log/%020lld.json", static_cast<long long>(version));
  return buf;
}

std::string DeltaTable::Key(std::string_view relative) const {
  if (path_.empty()) return std::string(relative);
  std::string key = path_;
  key += '/';
  key += relative;
  return key;
}

std::string DeltaTable::Describe() const { return store_->Describe() + "/" + path_; }

Result<std::vector<int64_t>> DeltaTable::ListCommitVersions(std::vector<std::string>* checkpoint_names) const {
  const std::string log_prefix = Key(kLogDir);
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, store_->List(log_prefix));
  std::vector<int64_t> versions;
  bool has_checkpoint = false;
  for (const storage::ObjectInfo& object : objects) {
    const std::string_view name = std::string_view(object.path).substr(log_prefix.size());
    if (name.find('/') != std::string_view::npos) continue;  // _sidecars/, _staged_commits/, ...
    if (const int64_t version = CommitVersionOf(name); version >= 0) {
      versions.push_back(version);
    } else if (IsCheckpointName(name)) {
      has_checkpoint = true;
      if (checkpoint_names != nullptr) checkpoint_names->emplace_back(name);
    }
  }
  std::sort(versions.begin(), versions.end());
  if (versions.empty() && has_checkpoint) {
    return MakeError(ErrorCode::kUnsupported, "the log of table " + Describe() +
                                                  " holds checkpoints but no commit file; a Delta log keeps at least "
                                                  "the commits after its newest checkpoint, so it cannot be replayed");
  }
  if (!versions.empty() && versions.front() != 0 && !has_checkpoint) {
    return MakeError(ErrorCode::kCorruption, "the log of table " + Describe() + " starts at version " +
                                                 std::to_string(versions.front()) +
                                                 " (earlier commits are gone) and holds no checkpoint");
  }
  // Earlier commits may have been cleaned up after a checkpoint; LoadLatest checks one covers them.
  for (size_t i = 0; i < versions.size(); ++i) {
    if (versions[i] != versions.front() + static_cast<int64_t>(i)) {
      return MakeError(ErrorCode::kCorruption, "the log of table " + Describe() + " has no commit file for version " +
                                                   std::to_string(versions.front() + static_cast<int64_t>(i)) +
                                                   " but has later ones");
    }
  }
  return versions;
}

Status DeltaTable::LoadLatest() {
  std::vector<std::string> checkpoint_names;
  JSM_ASSIGN_OR_RETURN(const std::vector<int64_t> versions, ListCommitVersions(&checkpoint_names));
  if (versions.empty()) {
    return MakeError(ErrorCode::kNotFound, "no Delta table at " + Describe() + ": " + std::string(kLogDir) +
                                               " holds no commit files");
  }
  Snapshot snapshot;
  // Start from the newest complete checkpoint (PROTOCOL.md, "Checkpoints"), then replay the later
  // commits. The log is listed anyway, so the listing finds it; _last_checkpoint would save nothing.
  const std::optional<CheckpointFiles> checkpoint = NewestCompleteCheckpoint(checkpoint_names, versions.back());
  if (checkpoint) {
    JSM_ASSIGN_OR_RETURN(snapshot, ReadCheckpoint(store_, Key(kLogDir), *checkpoint, Describe()));
  }
  for (const int64_t version : versions) {
    if (version <= snapshot.version) continue;
    if (version != snapshot.version + 1) {
      return MakeError(ErrorCode::kCorruption, "table " + Describe() + " cannot be rebuilt: its log has no commit or "
                                               "checkpoint for version " + std::to_string(snapshot.version + 1));
    }
    JSM_ASSIGN_OR_RETURN(CommitEntry entry, ReadCommit(version));
    JSM_RETURN_IF_ERROR(ApplyCommit(version, entry.actions, Describe(), &snapshot));
    if (version == 0 && snapshot.metadata.id.empty()) {
      return MakeError(ErrorCode::kCorruption,
                       "version 0 of table " + Describe() + " has no metaData action");
    }
  }
  snapshot_ = std::move(snapshot);
  return Status::Ok();
}

Result<std::unique_ptr<DeltaTable>> DeltaTable::Open(storage::ObjectStore* store, std::string table_path) {
  std::unique_ptr<DeltaTable> table(new DeltaTable(store, NormalizeTablePath(std::move(table_path))));
  JSM_RETURN_IF_ERROR(table->LoadLatest());
  return table;
}

Result<std::unique_ptr<DeltaTable>> DeltaTable::OpenOrCreate(storage::ObjectStore* store, std::string table_path,
                                                             std::string name, const Schema& schema,
                                                             std::vector<std::string> partition_columns) {
  table_path = NormalizeTablePath(std::move(table_path));
  auto opened = Open(store, table_path);
  if (!opened && opened.error().code() == ErrorCode::kNotFound) {
    DeltaTable creator(store, table_path);
    JSM_RETURN_IF_ERROR(ValidateNewTable(schema, partition_columns, creator.Describe()));
    const int64_t now = NowMillis();
    CommitInfo info;
    info.timestamp = now;
    info.operation = "CREATE TABLE";
    info.operation_parameters = {{"isManaged", "false"},
                                 {"partitionBy", JsonStringArray(partition_columns)},
                                 {"properties", "{}"}};
    info.engine_info = std::string(kEngineInfo);
    Metadata metadata;
    metadata.id = NewUuidV4();
    metadata.name = std::move(name);
    metadata.schema = schema;
    metadata.partition_columns = std::move(partition_columns);
    metadata.created_time = now;
    const std::string text = SerializeActions({info, Protocol{}, metadata});
    auto created = store->PutIfAbsent(creator.Key(CommitFileName(0)), text);
    // kAlreadyExists: another process created the table meanwhile; use theirs.
    if (!created && created.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(created.error());
    opened = Open(store, table_path);
  }
  if (!opened) return opened;
  const std::string difference = DescribeSchemaDifference((*opened)->schema(), schema);
  if (!difference.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "table " + (*opened)->Describe() + " exists with a different schema: " + difference);
  }
  return opened;
}

int64_t DeltaTable::AppVersion(const std::string& app_id) const {
  const auto it = snapshot_.app_versions.find(app_id);
  return it == snapshot_.app_versions.end() ? -1 : it->second;
}

Result<bool> DeltaTable::Refresh() {
  const int64_t start = snapshot_.version;
  while (true) {
    auto entry = ReadCommit(snapshot_.version + 1);
    if (!entry) {
      if (entry.error().code() == ErrorCode::kNotFound) break;
      return std::unexpected(entry.error());
    }
    JSM_RETURN_IF_ERROR(ApplyCommit(entry->version, entry->actions, Describe(), &snapshot_));
  }
  return snapshot_.version != start;
}

Result<int64_t> DeltaTable::LatestVersion() const {
  JSM_ASSIGN_OR_RETURN(const std::vector<int64_t> versions, ListCommitVersions());
  if (versions.empty()) {
    return MakeError(ErrorCode::kNotFound, "no Delta table at " + Describe() + ": " + std::string(kLogDir) +
                                               " holds no commit files");
  }
  return versions.back();
}

Result<CommitEntry> DeltaTable::ReadCommit(int64_t version) const {
  const std::string key = Key(CommitFileName(version));
  JSM_ASSIGN_OR_RETURN(const std::string text, store_->Get(key));
  JSM_ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, store_->Describe() + "/" + key, Describe()));
  return CommitEntry{version, std::move(actions)};
}

}  // namespace jsm::delta
