#pragma once
/// The aggregate stage: new silver versions -> gold tables. Gold tables are
/// small and rewritten whole (remove + add in one commit) with txn appId
/// "jsm-aggregate" = the silver version they reflect, so a replay after a crash
/// simply writes the same result again.

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

 private:
  AggregateStage() = default;
  Status RewriteGoldTable(delta::DeltaTable* table, const RecordBatch& rows, int64_t silver_version);

  PipelineOptions options_;
  std::unique_ptr<delta::DeltaTable> silver_;
  std::vector<std::unique_ptr<delta::DeltaTable>> gold_;  ///< daily, product, country
  GoldAggregator aggregator_;
  int64_t applied_version_ = -1;  ///< silver version the in-memory state reflects
  int64_t target_version_ = -1;
  std::unique_ptr<EventLog> event_log_;
};

}  // namespace jsm::pipeline
