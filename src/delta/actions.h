#pragma once
/// Delta log actions (PROTOCOL.md of delta-io/delta) and their JSON form.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::delta {

/// `protocol`: the reader and writer versions a table needs.
struct Protocol {
  int min_reader_version = 1;
  int min_writer_version = 2;
  std::vector<std::string> reader_features;  ///< only with reader version 3
  std::vector<std::string> writer_features;  ///< only with writer version 7
};

/// `metaData`: schema, partitioning and configuration of a table.
struct Metadata {
  std::string id;  ///< a UUID
  std::string name;
  std::string description;
  Schema schema;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  int64_t created_time = 0;  ///< ms since epoch
};

/// `add`: a data file becomes part of the table.
struct AddFile {
  std::string path;  ///< relative to the table root, decoded; the log holds it URL-encoded as the protocol says
  std::map<std::string, std::string> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;  ///< ms since epoch
  bool data_change = true;
  std::string stats;  ///< JSON: numRecords, minValues, maxValues, nullCount
  int64_t num_records = -1;  ///< parsed from stats when read; -1 if unknown
};

/// `remove`: a data file leaves the table (a tombstone).
struct RemoveFile {
  std::string path;
  int64_t deletion_timestamp = 0;
  bool data_change = true;
  bool extended_file_metadata = true;
  std::map<std::string, std::string> partition_values;
  int64_t size = 0;
};

/// The remove action that takes `add`'s file out of the table at `deletion_timestamp_ms`
/// (its path, size and partition values); `data_change` false for a rearrangement
/// such as OPTIMIZE.
RemoveFile RemovalOf(const AddFile& add, int64_t deletion_timestamp_ms, bool data_change = true);

/// `txn`: how far an application (a stage) has got, committed atomically with its data.
struct Txn {
  std::string app_id;
  int64_t version = 0;
  int64_t last_updated = 0;  ///< ms since epoch
};

/// `commitInfo`: provenance, free-form in the protocol; we fill Spark's common fields.
struct CommitInfo {
  int64_t timestamp = 0;  ///< ms since epoch
  std::string operation;  ///< e.g. "WRITE", "STREAMING UPDATE", "CREATE TABLE"
  std::map<std::string, std::string> operation_parameters;
  std::map<std::string, std::string> operation_metrics;  ///< counts as decimal strings
  std::string engine_info;
  bool is_blind_append = false;
};

/// One action of a commit.
using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, Txn, CommitInfo>;

/// Serializes actions as newline-delimited JSON, one action per line.
std::string SerializeActions(const std::vector<Action>& actions);

/// Parses a commit file (newline-delimited JSON). Unknown action kinds are skipped;
/// malformed JSON is kCorruption naming `file_name` and the line.
Result<std::vector<Action>> ParseActions(std::string_view text, std::string_view file_name);

/// The protocol action of a commit file, if it has one, found even when other
/// actions of the file do not parse (so a reader can report the protocol it lacks).
std::optional<Protocol> FindProtocol(std::string_view text);

/// Delta's schema string ({"type":"struct","fields":[...]}) for a Schema.
std::string SchemaToJson(const Schema& schema);
/// Parses Delta's schema string; types we do not support are kUnsupported.
Result<Schema> SchemaFromJson(std::string_view json);

/// The `stats` JSON of an add action for a batch: numRecords, minValues,
/// maxValues (strings cut to 32 characters; a cut maximum ends in U+10FFFF so it
/// stays an upper bound), nullCount.
std::string ComputeStatsJson(const RecordBatch& batch);

}  // namespace jsm::delta
