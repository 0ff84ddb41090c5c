#pragma once
/// Opening bronze/pedidos with its current schema: a table created before the
/// later columns (`headers`, `value_raw`, `key_raw`) gains them through one Delta
/// schema-evolution commit; files written before read them as null. And the one
/// way to put a message's bytes into bronze and to get them back.

#include <memory>
#include <optional>
#include <string_view>

#include "common/record_batch.h"
#include "delta/table.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Opens (or creates) bronze/pedidos, first adding the later columns
/// (BronzeLaterColumns) if the table lacks them. Any other schema difference is kInvalidArgument.
Result<std::unique_ptr<delta::DeltaTable>> OpenBronzeTable(storage::ObjectStore* store);

/// Appends one message value (or key) to its two bronze columns: valid UTF-8 goes
/// to `text` (string) and null to `raw` (binary); other bytes to `raw` and null to
/// `text`; no bytes (a tombstone, a null key) null to both.
void AppendBronzeBytes(std::optional<std::string_view> bytes, Column* text, Column* raw);

/// Appends a Kafka message timestamp (milliseconds since the epoch; negative when
/// the broker gave none) to bronze's `kafka_timestamp` (microseconds). A timestamp
/// that microseconds in 64 bits cannot hold (a producer may set any CreateTime, up
/// to year 292 million) is null, as a missing one: never a wrapped, wrong instant.
void AppendKafkaTimestamp(int64_t timestamp_ms, Column* kafka_timestamp);

/// The value and key bytes of the rows of a bronze batch, whatever columns it was
/// read with (found by name; a missing `value_raw`/`key_raw`, as in files of an
/// older table version, counts as null). The single accessor every reader of
/// bronze values uses: refine, quarantine, dead letters, backfill, erase, serve.
class BronzeMessageBytes {
 public:
  /// `bronze` must outlive this object.
  explicit BronzeMessageBytes(const RecordBatch& bronze);

  /// The value bytes of row `row`, or nullopt for a tombstone (null value).
  std::optional<std::string_view> Value(size_t row) const { return Pick(value_, value_raw_, row); }
  /// The key bytes of row `row`, or nullopt for a null key.
  std::optional<std::string_view> Key(size_t row) const { return Pick(key_, key_raw_, row); }

 private:
  static std::optional<std::string_view> Pick(const Column* text, const Column* raw, size_t row);

  const Column* value_ = nullptr;
  const Column* value_raw_ = nullptr;
  const Column* key_ = nullptr;
  const Column* key_raw_ = nullptr;
};

}  // namespace jsm::pipeline
