#pragma once
/// The business aggregates of gold, kept in memory and fed silver rows
/// incrementally; each table is produced whole from the state (definitions in
/// docs/gold.md). Order of input never changes the result.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/record_batch.h"

namespace jsm::pipeline {

/// Silver columns the aggregator reads.
const std::vector<std::string>& GoldInputColumns();

/// Aggregates silver rows into daily_sales, product_performance and country_summary.
class GoldAggregator {
 public:
  /// Adds rows of a batch holding (at least) GoldInputColumns(), by name.
  void Add(const RecordBatch& silver);
  void Clear();

  /// gold/daily_sales rows, ordered by order_date, country.
  RecordBatch DailySales() const;
  /// gold/product_performance rows, ordered by revenue_rank.
  RecordBatch ProductPerformance() const;
  /// gold/country_summary rows, ordered by net revenue descending then country.
  RecordBatch CountrySummary() const;

  int64_t rows_added() const { return rows_added_; }

 private:
  struct Money {
    int64_t gross = 0;      ///< Σ line_total over non-cancellation lines, cents
    int64_t cancelled = 0;  ///< Σ |line_total| over cancellation lines, cents
  };
  struct DailyState {
    int64_t lines = 0;
    int64_t units = 0;
    Money money;
    std::unordered_set<std::string> transactions;
    std::unordered_set<std::string> customers;
  };
  struct ProductState {
    std::map<std::string, int64_t> name_counts;
    std::unordered_set<std::string> transactions;
    int64_t units_sold = 0;
    int64_t units_cancelled = 0;
    int64_t cancellation_lines = 0;
    Money money;
  };
  struct CountryState {
    std::string code;  ///< empty = null
    int64_t lines = 0;
    int64_t units = 0;
    Money money;
    std::unordered_set<std::string> transactions;
    std::unordered_set<std::string> customers;
    int32_t first_date = INT32_MAX;
    int32_t last_date = INT32_MIN;
  };
  /// Country keys use "" for null (a canonical country name is never empty).
  std::map<std::pair<int32_t, std::string>, DailyState> daily_;
  std::map<std::string, ProductState> products_;
  std::map<std::string, CountryState> countries_;
  int64_t rows_added_ = 0;
};

}  // namespace jsm::pipeline
