#pragma once
/// `jsm erase`: removes every row of one customer (LGPD right to erasure) from
/// bronze/pedidos (raw messages), silver/pedidos_quarantine and silver/pedidos by
/// rewriting only the files that hold them (Delta remove + add, dataChange=true,
/// one DELETE commit per table), then recomputes gold from silver. The silver
/// commit also records the refine txn at the bronze erase version, and refine
/// never treats a bronze commit that removes data as new messages, so exactly-once
/// holds. The erase is logged to `_system/event_log` without the customer's
/// number. Old files remain for time travel until VACUUM deletes them
/// (from erase time + delta.deletedFileRetentionDuration). See docs/privacy.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "delta/rewrite.h"
#include "model/order_parser.h"
#include "pipeline/pipeline_options.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// operationMetrics of a silver commit: bronze rows erased by the bronze erase
/// commits it consumes (written by jsm erase, or by refine when it skips one).
inline constexpr const char* kErasedBronzeRowsMetric = "numErasedBronzeRows";
/// operationMetrics of a silver erase commit: rows erased from the quarantine.
inline constexpr const char* kErasedQuarantineRowsMetric = "numErasedQuarantineRows";

/// What to erase.
struct EraseRequest {
  std::string customer;  ///< CustomerNo as in the events (trimmed), e.g. "17850"
  bool dry_run = false;  ///< find and count only
};

/// What the erase did to one table.
struct TableErasure {
  std::string table;               ///< path under the lakehouse, e.g. "silver/pedidos"
  delta::RewriteMetrics metrics;   ///< rows deleted, files removed, committed version
  int64_t deleted_file_retention_ms = 0;  ///< the table's delta.deletedFileRetentionDuration
  /// Earliest time VACUUM may delete the removed files physically (ms since epoch):
  /// erase time + retention; -1 when nothing was removed.
  int64_t vacuum_from_ms = -1;
};

/// What the erase did.
struct EraseReport {
  bool pseudonymized = false;  ///< silver was searched for the pseudonym too
  bool dry_run = false;
  int64_t erased_at_ms = 0;
  std::vector<TableErasure> tables;  ///< bronze, quarantine, silver (tables that exist)
  bool gold_recomputed = false;
  int64_t gold_silver_version = -1;  ///< silver version gold reflects after the erase
};

/// Marks (doomed[row] = 1) the rows of `customer_no` (a silver customer_no column)
/// equal to one of `values`.
void MarkCustomerRows(const Column& customer_no, const std::vector<std::string>& values, std::vector<uint8_t>* doomed);

/// Marks the raw order messages of `messages` (bronze or quarantine rows read with
/// `value`, and for bronze `value_raw`: their bytes come from BronzeMessageBytes)
/// whose CustomerNo is `customer`: by parsing them, and for messages that do not
/// parse, by finding a "CustomerNo" member whose value is exactly `customer`.
void MarkCustomerMessages(const RecordBatch& messages, std::string_view customer, model::OrderParser* parser,
                          std::vector<uint8_t>* doomed);

/// Erases `request.customer` from the lakehouse in `store`. Refuses
/// (kInvalidArgument naming the versions) while silver
/// has not refined all of bronze: refine reads bronze by commit, so rows erased
/// from a not yet refined commit would come back. Run it with the pipeline stopped.
Result<EraseReport> EraseCustomer(storage::ObjectStore* store, const PipelineOptions& options,
                                  const EraseRequest& request);

}  // namespace jsm::pipeline
