#pragma once
/// The refine stage: new bronze versions -> parse, validate, normalize, dedupe ->
/// silver/pedidos (+ silver/pedidos_quarantine, + dead letters on `<topic>.dlq`).
/// Rows are checked column by column against the declared expectations
/// (expectations.h) before dedupe, so only rows kept for silver enter the dedupe index.
/// Quarantined orders are deduplicated the same way in an index of their own
/// (rebuilt on start by parsing quarantine's `value` column again): an exact repeat
/// of a quarantined order is counted as a duplicate and not quarantined again.
/// Each silver commit carries txn appId "jsm-refine" = the last bronze version
/// consumed; its commitInfo.operationMetrics record the batch's counts, which
/// the reconciliation adds up.

#include <deque>
#include <memory>
#include <string>

#include "delta/table.h"
#include "kafka/dead_letter.h"
#include "model/order_parser.h"
#include "pipeline/dedupe_index.h"
#include "pipeline/dlq_signing_key.h"
#include "pipeline/event_log.h"
#include "pipeline/expectations.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/pseudonymizer.h"
#include "pipeline/product_names.h"
#include "pipeline/stage.h"

namespace jsm::pipeline {

/// txn appId of the refine stage in silver and quarantine commits.
inline constexpr const char* kRefineAppId = "jsm-refine";
/// Silver's txn app id of the last bronze version whose dead letters were sent, kept by
/// a rebuild from an earlier version so that refining the versions after it again sends
/// no letter twice (absent = the refine txn).
inline constexpr const char* kLettersSentAppId = "jsm-refine-letters";

/// Counts of one refine batch.
struct RefineCounts {
  int64_t input_rows = 0;
  int64_t parsed = 0;  ///< rows that became an order (checked by the expectations)
  int64_t silver_rows = 0;
  int64_t quarantined = 0;
  int64_t dead_letters = 0;
  int64_t duplicates = 0;             ///< silver's and quarantine's
  int64_t quarantine_duplicates = 0;  ///< of `duplicates`: repeats of an order already quarantined
  int64_t erased_bronze = 0;  ///< rows of skipped bronze erase commits (jsm erase)
};

/// Refines bronze into silver.
class RefineStage : public Stage {
 public:
  /// `dead_letters` sends to the DLQ topic; it must outlive the stage.
  static Result<std::unique_ptr<RefineStage>> Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                     kafka::DeadLetterWriter* dead_letters);
  std::string_view name() const override { return "refine"; }
  Result<StepResult> Step() override;
  Status Flush() override { return Status::Ok(); }
  Result<bool> ReachedTarget() override;
  Status MarkTarget() override;

  /// Keys in the dedupe index (rows in silver).
  size_t dedupe_keys() const { return dedupe_.size(); }
  /// Keys in the quarantine's dedupe index (distinct orders in quarantine).
  size_t quarantine_dedupe_keys() const { return quarantine_dedupe_.size(); }

  /// Replaces silver and quarantine with every bronze row up to and including
  /// `bronze_version` (time travel), refined by the current rules, one overwrite
  /// commit per table (see backfill.h, which also says what is refused before
  /// anything is written). An incremental Step then continues at `bronze_version` + 1.
  /// Logs a progress line per refine_max_rows bronze rows. Defined in backfill.cc.
  Result<RefineCounts> RebuildFromBronze(int64_t bronze_version);

  /// Refines no bronze version after `bronze_version`, and makes it the bounded
  /// target (a rebuild run with --available-now stops there).
  void LimitToBronzeVersion(int64_t bronze_version) { bronze_limit_ = bronze_version; }

 private:
  RefineStage() = default;
  /// The bronze columns refine reads.
  static const std::vector<std::string>& BronzeColumnsRead();
  Status RebuildDedupeIndex();
  /// Refills quarantine_dedupe_ from quarantine's `value` column, parsed again (see docs/design.md).
  Status RebuildQuarantineDedupeIndex();
  /// True the first time the quarantined order `key` is seen; otherwise counts it as a duplicate.
  /// While redoing a crashed batch (quarantine_redo_) every row counts as new (see Step).
  bool FirstInQuarantine(const RecordKey& key, RefineCounts* counts);
  /// Σ numQuarantineDuplicateRows of quarantine's refine commits past bronze version `consumed`.
  Result<int64_t> QuarantineDuplicatesAfter(int64_t consumed) const;
  /// Recounts product-name spellings from silver (see product_names.h).
  Status RebuildProductNames();
  /// Quarantines an order whose currency cannot be converted to GBP (once: a repeat is a duplicate).
  void QuarantineCurrency(const RecordBatch& bronze, size_t row, std::string_view value,
                          const model::NormalizedOrder& order, RefineCounts* counts);
  /// Quarantines an order whose unit price or line total silver's DECIMAL(18,2) cannot hold,
  /// with the reason unit_price_in_range or line_total_in_range (unless it is a repeat).
  void QuarantineAmount(const RecordBatch& bronze, size_t row, std::string_view value,
                        const model::NormalizedOrder& order, RefineCounts* counts);
  /// The last bronze version whose dead letters were sent (see kLettersSentAppId).
  int64_t LettersSentThrough() const;
  /// Empties the buffers of one batch (they keep their capacity).
  void ClearBatch();
  /// Rewrites silver_batch_'s product_name with canonical names (and product_name_raw).
  void CanonicalizeProductNames();
  /// Parses one bronze file: orders become candidate rows, the rest dead letters.
  Status ParseBronzeFile(const RecordBatch& bronze, RefineCounts* counts);
  /// `raw_customer` is the event's customer number: expectations check it, silver
  /// keeps order.customer_no (its pseudonym when pseudonymizing).
  void AppendCandidate(const RecordBatch& bronze, size_t row, std::string_view value,
                       const model::NormalizedOrder& order, std::string_view raw_customer);
  /// Applies the expectations and dedupe to the candidates: fills silver_batch_ and quarantine_batch_.
  Status SplitCandidates(RefineCounts* counts);
  /// Appends the batch's row and expectation results to the event log (a failure is logged, not fatal).
  void LogBatch(const RefineCounts& counts, int64_t silver_version, const std::string& range, double started);

  PipelineOptions options_;
  std::unique_ptr<delta::DeltaTable> bronze_;
  std::unique_ptr<delta::DeltaTable> silver_;
  std::unique_ptr<delta::DeltaTable> quarantine_;
  kafka::DeadLetterWriter* dead_letters_ = nullptr;
  std::unique_ptr<DlqSigningKey> lineage_key_;  ///< verifies replay lineage on bronze rows (dlq_signing_key.h)
  std::unique_ptr<model::OrderParser> parser_;
  std::unique_ptr<Pseudonymizer> pseudonymizer_;  ///< set when [privacy] pseudonymize_customer is on
  DedupeIndex dedupe_;
  DedupeIndex quarantine_dedupe_;  ///< keys of the orders in quarantine
  /// True while a Step redoes bronze versions whose quarantine rows were committed
  /// before a crash: they are not written again, nor checked against quarantine_dedupe_
  /// (which already holds them); the crashed commit's own count of repeats is used.
  bool quarantine_redo_ = false;
  std::shared_ptr<const model::NormalizationTables> tables_;
  std::unique_ptr<ProductNames> product_names_;
  std::string typo_scratch_;
  Column raw_names_;  ///< product_name spellings of silver_batch_ while canonicalizing
  /// A silver row whose canonical name differs from its spelling: the name is renamed_chars_[offset, +size).
  struct RenamedRow {
    size_t row;
    size_t offset;
    size_t size;
  };
  std::vector<RenamedRow> renamed_rows_;
  std::string renamed_chars_;
  bool dedupe_dirty_ = false;
  RecordBatch silver_batch_;
  RecordBatch quarantine_batch_;
  std::string key_scratch_;
  std::string hex_scratch_;
  std::vector<int64_t> kafka_timestamps_ms_;  ///< of the batch's rows, for latency
  std::unique_ptr<EventLog> event_log_;
  int64_t batch_commit_conflicts_ = 0;  ///< commit conflicts of the batch being committed, for its event
  int64_t target_version_ = -1;
  int64_t bronze_limit_ = -1;     ///< >= 0: refine no bronze version after it (LimitToBronzeVersion)
  bool send_letters_ = true;      ///< false while a rebuild re-reads rows whose letters were sent before

  std::vector<Expectation> expectations_;
  ExpectationOutcome outcome_;
  std::deque<RecordBatch> bronze_batches_;    ///< of the current step; candidates point into them (a deque never moves them)
  RecordBatch candidates_;                    ///< parsed orders of the step, silver schema
  std::vector<std::string_view> raw_values_;  ///< per candidate: the bronze value
  std::vector<RecordKey> keys_;               ///< per candidate: its dedupe key
  Column pseudonyms_;                         ///< per candidate, when pseudonymizing: silver's customer_no
};

}  // namespace jsm::pipeline
