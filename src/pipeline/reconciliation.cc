#include "pipeline/reconciliation.h"

#include <cstdlib>

#include "delta/table.h"
#include "pipeline/backfill.h"
#include "pipeline/erase.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

int64_t MetricOf(const delta::CommitInfo& info, const char* name) {
  auto it = info.operation_metrics.find(name);
  return it == info.operation_metrics.end() ? 0 : std::strtoll(it->second.c_str(), nullptr, 10);
}

int64_t RowsOf(const delta::DeltaTable& table) {
  int64_t rows = 0;
  for (const auto& [path, add] : table.snapshot().files) rows += add.num_records;
  return rows;
}

Result<std::unique_ptr<delta::DeltaTable>> OpenIfExists(storage::ObjectStore* store, const char* path) {
  auto table = delta::DeltaTable::Open(store, path);
  if (!table && table.error().code() == ErrorCode::kNotFound) return std::unique_ptr<delta::DeltaTable>();
  return table;
}

/// Adds up integer column `name` over every file.
Status SumColumn(const delta::DeltaTable& table, const std::string& name, int64_t* sum) {
  for (const auto& [path, add] : table.snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch batch, table.ReadDataFile(path, {name}));
    const Column& column = batch.column(0);
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.IsValid(row)) *sum += column.IntAt(row);
    }
  }
  return Status::Ok();
}

/// Adds up decimal column `name` (64- or 128-bit, cents) over every file, exactly: 128 bits
/// hold the sum of 10^9 values of 28 digits, and gold has a row per group, not per line.
Status SumMoneyColumn(const delta::DeltaTable& table, const std::string& name, Cents* sum) {
  for (const auto& [path, add] : table.snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch batch, table.ReadDataFile(path, {name}));
    const Column& column = batch.column(0);
    const bool wide = column.type() == DataType::kDecimal128;
    if (!wide && column.type() != DataType::kDecimal) {
      return MakeError(ErrorCode::kCorruption, table.path() + " file " + path + ": column " + name + " is not a decimal");
    }
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.IsValid(row)) *sum += wide ? column.WideAt(row) : Cents{column.IntAt(row)};
    }
  }
  return Status::Ok();
}

}  // namespace

std::string FormatCents(Cents cents) { return FormatMoney(cents); }

Result<Reconciliation> Reconcile(storage::ObjectStore* store, int64_t expected_bronze) {
  Reconciliation r;
  r.expected_bronze = expected_bronze;
  JSM_ASSIGN_OR_RETURN(auto bronze, OpenIfExists(store, kBronzeTable));
  JSM_ASSIGN_OR_RETURN(auto silver, OpenIfExists(store, kSilverTable));
  JSM_ASSIGN_OR_RETURN(auto quarantine, OpenIfExists(store, kQuarantineTable));
  JSM_ASSIGN_OR_RETURN(auto daily, OpenIfExists(store, kDailySalesTable));
  if (bronze) r.bronze_rows = RowsOf(*bronze);
  if (quarantine) r.quarantined_rows = RowsOf(*quarantine);
  if (silver) {
    r.silver_rows = RowsOf(*silver);
    int64_t silver_rows_by_metrics = 0;
    for (int64_t version = 0; version <= silver->version(); ++version) {
      JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, silver->ReadCommit(version));
      for (const delta::Action& action : commit.actions) {
        const auto* info = std::get_if<delta::CommitInfo>(&action);
        // OPTIMIZE rewrites rows that are already counted (jsm table optimize may run beside the pipeline).
        if (info == nullptr || info->operation == "OPTIMIZE") continue;
        // A rebuild from bronze replaced silver whole: the books restart with its counts.
        if (IsRebuildOverwrite(*info)) {
          r.refined_rows = r.dead_letters = r.duplicates = r.quarantine_duplicates = silver_rows_by_metrics = 0;
          r.erased_bronze = r.erased_quarantine = r.erased_silver = 0;
        }
        r.refined_rows += MetricOf(*info, "numInputRows");
        r.dead_letters += MetricOf(*info, "numDeadLetters");
        r.duplicates += MetricOf(*info, "numDuplicateRows");
        r.quarantine_duplicates += MetricOf(*info, "numQuarantineDuplicateRows");
        silver_rows_by_metrics += MetricOf(*info, "numOutputRows");
        r.erased_bronze += MetricOf(*info, kErasedBronzeRowsMetric);
        r.erased_quarantine += MetricOf(*info, kErasedQuarantineRowsMetric);
        r.erased_silver += MetricOf(*info, "numDeletedRows");
      }
    }
    silver_rows_by_metrics -= r.erased_silver;
    if (silver_rows_by_metrics != r.silver_rows) {
      r.problems.push_back("silver holds " + std::to_string(r.silver_rows) + " rows but its commits report " +
                           std::to_string(silver_rows_by_metrics));
    }
    JSM_RETURN_IF_ERROR(SumMoneyColumn(*silver, "line_total", &r.silver_net_cents));
    for (const auto& [path, add] : silver->snapshot().files) {
      JSM_ASSIGN_OR_RETURN(RecordBatch batch, silver->ReadDataFile(path, {"is_cancellation"}));
      for (size_t row = 0; row < batch.num_rows(); ++row) r.silver_sale_lines += batch.column(0).IntAt(row) == 0;
    }
  }
  if (daily) {
    JSM_RETURN_IF_ERROR(SumMoneyColumn(*daily, "net_revenue", &r.gold_net_cents));
    JSM_RETURN_IF_ERROR(SumColumn(*daily, "lines", &r.gold_lines));
  }
  if (expected_bronze >= 0 && r.bronze_rows != expected_bronze) {
    r.problems.push_back("bronze holds " + std::to_string(r.bronze_rows) + " messages, expected " +
                         std::to_string(expected_bronze));
  }
  if (r.refined_rows != r.bronze_rows + r.erased_bronze) {
    r.problems.push_back("refine consumed " + std::to_string(r.refined_rows) + " of " +
                         std::to_string(r.bronze_rows) + " bronze messages (+ " + std::to_string(r.erased_bronze) +
                         " erased)");
  }
  const int64_t accounted = r.silver_rows + r.quarantined_rows + r.dead_letters + r.duplicates + r.erased_silver +
                            r.erased_quarantine;
  if (accounted != r.refined_rows) {
    r.problems.push_back("silver + quarantine + dead letters + duplicates = " + std::to_string(accounted) +
                         " but refine consumed " + std::to_string(r.refined_rows));
  }
  if (r.gold_net_cents != r.silver_net_cents) {
    r.problems.push_back("gold net revenue " + FormatCents(r.gold_net_cents) + " differs from silver's " +
                         FormatCents(r.silver_net_cents));
  }
  if (r.gold_lines != r.silver_sale_lines) {
    r.problems.push_back("gold counts " + std::to_string(r.gold_lines) + " sale lines, silver " +
                         std::to_string(r.silver_sale_lines));
  }
  return r;
}

}  // namespace jsm::pipeline
