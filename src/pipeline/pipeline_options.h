#pragma once
/// Settings of a pipeline run, with their defaults, and loading them from TOML.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "model/normalization_tables.h"
#include "parquet/writer.h"
#include "pipeline/expectations.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// The largest `refine.max_event_bytes` accepted (64 MiB): the event parser may
/// allocate its buffers up to it, and no Kafka message is larger by default.
inline constexpr int64_t kMaxEventBytesLimit = 64 * 1024 * 1024;

/// Every setting of the stages. Defaults are the embedded, zero-set-up pipeline.
struct PipelineOptions {
  std::string lakehouse = "./lakehouse";
  /// `[storage.azure]`: credentials of an az:// or abfss:// lakehouse (values may be "${VAR}",
  /// expanded when the store opens); they win over the AZURE_STORAGE_* variables (docs/azure.md).
  storage::StoreSettings storage;
  std::string bootstrap = "embedded";  ///< "embedded" or "host:port,..."
  std::string topic = "pedidos";
  std::string group_id = "jsm-pipeline";
  /// Ingest in a group is a static member (KIP-345, group.instance.id "<group>-<host>-<slot>"),
  /// so a restart after a crash takes its partitions back at once; false: a dynamic member.
  bool static_membership = true;
  std::map<std::string, std::string> kafka_properties;  ///< passed to librdkafka

  int64_t ingest_commit_messages = 100000;  ///< bronze commit after this many messages...
  int64_t ingest_commit_interval_ms = 1000; ///< ...or this long after the batch's first message
  int64_t refine_max_rows = 600000;         ///< bronze rows per silver commit, at most
  size_t max_event_bytes = 64 * 1024;       ///< larger messages are dead-lettered as oversize (at most kMaxEventBytesLimit)
  int64_t max_ingest_lag = 200000;          ///< replay waits while this many produced events are not yet in bronze
  std::string producer_compression = "lz4";
  int64_t dlq_max_attempts = 3;  ///< `jsm dlq replay` parks a letter that failed this many times

  parquet::WriterOptions parquet;

  /// `[privacy]`: replace CustomerNo in silver (and so gold) by HMAC-SHA256(key, CustomerNo)
  /// (docs/privacy.md). The key comes from the environment variable `pseudonym_key_env`.
  bool pseudonymize_customer = false;
  std::string pseudonym_key_env = "JSM_PSEUDONYM_KEY";

  /// Expectations of silver rows; `[[expectations]]` in a config file replaces the defaults.
  std::vector<ExpectationSpec> expectations = DefaultExpectationSpecs();

  /// `[normalization]`: the data files of the normalization tables, as given
  /// (resolved against the config file's folder); empty = the built-in copy.
  model::NormalizationPaths normalization_paths;
  /// The tables loaded from `normalization_paths` (null = the built-in tables).
  std::shared_ptr<const model::NormalizationTables> normalization;
};

/// Reads a TOML file over the defaults. Unknown keys and wrong types are
/// kInvalidArgument naming the file, line and column. Loads the normalization
/// tables `[normalization]` names; a bad row of one is "DATAFILE:LINE: ...".
Result<PipelineOptions> LoadPipelineOptions(const std::string& path, PipelineOptions defaults = {});

/// Checks what LoadPipelineOptions cannot see alone: every expectation's rule
/// compiles against the silver schema.
Status ValidatePipelineOptions(const PipelineOptions& options);

}  // namespace jsm::pipeline
