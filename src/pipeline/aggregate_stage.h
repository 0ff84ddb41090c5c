#pragma once
/// The aggregate stage: new silver versions -> gold tables. The aggregates are
/// kept in memory and updated from the new silver rows only (rebuilt from all of
/// silver when the stage starts); gold tables are small and rewritten whole
/// (remove + add in one commit) with txn appId "jsm-aggregate" = the silver
/// version they reflect, so a replay after a crash simply writes the same result
/// again. A gold table written with an older schema is overwritten with the
/// current one (a metaData action in the rewrite commit).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "delta/table.h"
#include "pipeline/event_log.h"
#include "pipeline/gold_aggregator.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/stage.h"

namespace jsm::pipeline {

/// txn appId of the aggregate stage in gold commits.
inline constexpr const char* kAggregateAppId = "jsm-aggregate";

/// Aggregates silver into gold.
class AggregateStage : public Stage {
 public:
  static Result<std::unique_ptr<AggregateStage>> Create(storage::ObjectStore* store, const PipelineOptions& options);
  std::string_view name() const override { return "aggregate"; }
  Result<StepResult> Step() override;
  Status Flush() override { return Status::Ok(); }
  Result<bool> ReachedTarget() override;
  Status MarkTarget() override;
  /// Makes the next Step recompute every gold table from the whole of silver and
  /// overwrite each one (one commit per table, txn at the silver version), even
  /// when its txn already covers that version (jsm run --full-refresh).
  /// `on_done` (optional) is called once every gold table has been rewritten.
  void RequestFullRefresh(std::function<void()> on_done = {}) {
    full_refresh_ = true;
    on_full_refresh_done_ = std::move(on_done);
  }

 private:
  AggregateStage() = default;
  Status RewriteGoldTable(delta::DeltaTable* table, const Schema& schema, const RecordBatch& rows,
                          int64_t silver_version);
  /// True if gold table `i` does not yet reflect silver version `version` or has an older schema.
  bool GoldBehind(size_t i, int64_t version) const;
  /// Every gold table's rows from the current state, in the order of gold_.
  std::vector<RecordBatch> GoldOutputs() const;

  PipelineOptions options_;
  std::unique_ptr<delta::DeltaTable> silver_;
  std::vector<std::unique_ptr<delta::DeltaTable>> gold_;  ///< daily, product, country, rfm, monthly
  std::vector<const Schema*> gold_schemas_;               ///< the current schema of each gold table
  GoldAggregator aggregator_;
  int64_t applied_version_ = -1;  ///< silver version the in-memory state reflects
  int64_t target_version_ = -1;
  bool full_refresh_ = false;  ///< the next Step rewrites every gold table
  std::function<void()> on_full_refresh_done_;
  std::unique_ptr<EventLog> event_log_;
  int64_t batch_commit_conflicts_ = 0;  ///< commit conflicts of the batch being committed, for its event
};

}  // namespace jsm::pipeline
