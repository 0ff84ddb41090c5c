#pragma once
/// gold/monthly_kpis: per calendar month of order_date, orders, revenue, average
/// order value, new and returning customers and the cancellation rate
/// (definitions in docs/gold.md). Fed one silver line at a time with ids
/// interned by the caller.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "pipeline/gold_money.h"
#include "pipeline/gold_pair_set.h"

namespace jsm::pipeline {

/// The first day of the month of `day` (both days since 1970-01-01).
int32_t FirstDayOfMonth(int32_t day);

/// `numerator` / `denominator` in cents rounded half away from zero
/// (denominator > 0).
Cents DivideRounded(Cents numerator, int64_t denominator);

/// Running per-month state of gold/monthly_kpis.
class MonthlyKpiAggregator {
 public:
  /// `money_limit`: the largest magnitude of a money sum.
  explicit MonthlyKpiAggregator(Cents money_limit = GoldMoneyLimit()) : money_limit_(money_limit) {}

  /// Adds one silver line: `customer` and `transaction` are ids of the caller's
  /// interners (`customer` = kNoCustomer when null), `line_total` in cents. A money
  /// sum beyond the limit is kInvalidArgument naming the month.
  Status Add(uint32_t customer, uint32_t transaction, int32_t day, bool cancelled, int64_t quantity,
             Cents line_total);

  /// The table, one row per month that has any line, ordered by month.
  RecordBatch Table() const;

 private:
  struct MonthState {
    int32_t month = 0;  ///< first day of the month
    int64_t orders = 0;
    int64_t cancellations = 0;
    int64_t lines = 0;
    int64_t cancellation_lines = 0;
    int64_t units = 0;
    MoneyTotals money;
    int64_t customers = 0;
  };
  Cents money_limit_;
  uint32_t MonthIndex(int32_t day);
  static uint64_t Pair(uint32_t month, uint32_t member) { return (uint64_t{month} << 32) | member; }

  std::unordered_map<int32_t, uint32_t> month_index_;  ///< first day of month -> index in months_
  std::vector<MonthState> months_;
  int32_t cached_day_ = INT32_MIN;  ///< the last day looked up, and its month index
  uint32_t cached_month_ = 0;
  GoldPairSet orders_, cancellations_, customers_;  ///< (month index, id)
  std::vector<int32_t> first_purchase_;  ///< by customer id: day of the first purchase, INT32_MAX if none
};

}  // namespace jsm::pipeline
