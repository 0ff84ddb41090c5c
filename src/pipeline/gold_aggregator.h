#pragma once
/// The business aggregates of gold, kept in memory and fed silver rows
/// incrementally; each table is produced whole from the state (definitions in
/// docs/tables.md). Order of input never changes the result. Strings are
/// interned once, so per-row work is integer hashing.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "pipeline/gold_money.h"
#include "pipeline/gold_pair_set.h"
#include "pipeline/customer_rfm_aggregator.h"
#include "pipeline/monthly_kpi_aggregator.h"
#include "pipeline/string_interner.h"

namespace jsm::pipeline {

/// Silver columns the aggregator reads.
const std::vector<std::string>& GoldInputColumns();

/// Aggregates silver rows into every gold table: daily_sales, product_performance,
/// country_summary, customer_rfm and monthly_kpis. A full recompute from silver is
/// Clear() then Add() of every silver data file. Money is summed exactly in
/// 128 bits and checked against gold's DECIMAL(28,2).
class GoldAggregator {
 public:
  /// `money_limit`: the largest magnitude of a money sum (tests pass a small one).
  explicit GoldAggregator(Cents money_limit = GoldMoneyLimit())
      : money_limit_(money_limit), rfm_(money_limit), monthly_(money_limit) {}

  /// Adds rows of a batch holding (at least) GoldInputColumns(), by name. A money sum that
  /// would leave DECIMAL(28,2) is kInvalidArgument naming the table, column and group; the
  /// state is then partly updated and must be rebuilt (Clear) before use.
  Status Add(const RecordBatch& silver);
  /// Forgets every row (the state of an empty silver table).
  void Clear();

  /// gold/daily_sales rows, ordered by order_date, country (null first).
  RecordBatch DailySales() const;
  /// gold/product_performance rows, ordered by revenue_rank.
  RecordBatch ProductPerformance() const;
  /// gold/country_summary rows, ordered by net revenue descending then country.
  RecordBatch CountrySummary() const;
  /// gold/customer_rfm rows, ordered by customer_no.
  RecordBatch CustomerRfm() const { return rfm_.Table(customer_ids_); }
  /// gold/monthly_kpis rows, ordered by month.
  RecordBatch MonthlyKpis() const { return monthly_.Table(); }

  int64_t rows_added() const { return rows_added_; }

 private:
  using Money = MoneyTotals;
  struct DailyState {
    int32_t day = 0;
    uint32_t country = 0;  ///< id in countries_
    int64_t lines = 0;
    int64_t units = 0;
    Money money;
    int64_t transactions = 0;
    int64_t customers = 0;
  };
  struct ProductState {
    std::vector<std::pair<uint32_t, int64_t>> name_counts;  ///< product name id -> lines
    int64_t transactions = 0;
    int64_t units_sold = 0;
    int64_t units_cancelled = 0;
    int64_t cancellation_lines = 0;
    int64_t cancellations = 0;  ///< distinct cancellation transactions
    Money money;
  };
  struct CountryState {
    std::string code;  ///< empty = null
    int64_t lines = 0;
    int64_t units = 0;
    Money money;
    int64_t transactions = 0;
    int64_t customers = 0;
    int32_t first_date = INT32_MAX;
    int32_t last_date = INT32_MIN;
  };
  /// Key of a (group, member) pair in a distinct-count set.
  static uint64_t Pair(uint32_t group, uint32_t member) { return (uint64_t{group} << 32) | member; }

  Cents money_limit_;
  StringInterner transaction_ids_;
  StringInterner customer_ids_;
  StringInterner country_ids_;  ///< "" is the null country
  StringInterner product_ids_;
  StringInterner product_name_ids_;
  std::unordered_map<uint64_t, uint32_t> daily_index_;  ///< (day, country id) -> index in daily_
  std::vector<DailyState> daily_;
  std::vector<ProductState> products_;    ///< by product id
  std::vector<CountryState> countries_;   ///< by country id
  GoldPairSet daily_transactions_, daily_customers_;
  GoldPairSet product_transactions_, product_cancellations_;
  GoldPairSet country_transactions_, country_customers_;
  CustomerRfmAggregator rfm_;
  MonthlyKpiAggregator monthly_;
  int64_t rows_added_ = 0;
};

}  // namespace jsm::pipeline
