#pragma once
/// gold/customer_rfm: recency, frequency and monetary value per customer, their
/// quintile scores (1-5) and a segment named from the scores (definitions in
/// docs/gold.md). Fed one silver line at a time with ids interned by the caller,
/// so per-line work is integer arithmetic and one hash-set insert.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "pipeline/gold_money.h"
#include "pipeline/gold_pair_set.h"
#include "pipeline/string_interner.h"

namespace jsm::pipeline {

/// Customer id of a line whose customer_no is null.
inline constexpr uint32_t kNoCustomer = UINT32_MAX;

/// Quintile scores of `values` (higher is better): a value's score is
/// 1 + floor(5 × (number of values strictly below it) / n), so equal values get
/// equal scores and every score is in 1..5. Returned in the input's order.
std::vector<int32_t> QuintileScores(const std::vector<int64_t>& values);
/// The same for 128-bit amounts (monetary, in cents).
std::vector<int32_t> MoneyQuintileScores(const std::vector<Cents>& values);

/// The RFM segment of recency, frequency and monetary scores (each 1-5); the
/// rules of docs/gold.md, first match wins.
std::string_view RfmSegment(int32_t recency, int32_t frequency, int32_t monetary);

/// Running per-customer state of gold/customer_rfm.
class CustomerRfmAggregator {
 public:
  /// `money_limit`: the largest magnitude of a money sum.
  explicit CustomerRfmAggregator(Cents money_limit = GoldMoneyLimit()) : money_limit_(money_limit) {}

  /// Adds one silver line: `customer` and `transaction` are ids of the caller's
  /// interners (`customer` = kNoCustomer when null; `customer_no` its text, for
  /// errors), `day` the order date (days since 1970-01-01), `line_total` in cents
  /// (negative on cancellations). A monetary sum beyond the limit is kInvalidArgument.
  Status Add(uint32_t customer, std::string_view customer_no, uint32_t transaction, int32_t day, bool cancelled,
             Cents line_total);

  /// The table, one row per customer with at least one purchase, ordered by
  /// customer_no; `customers` is the interner the ids came from.
  RecordBatch Table(const StringInterner& customers) const;

  /// The reference date of recency: the latest order date seen, or INT32_MIN.
  int32_t reference_day() const { return reference_day_; }

 private:
  struct CustomerState {
    int32_t first_day = INT32_MAX;  ///< first purchase (non-cancellation line)
    int32_t last_day = INT32_MIN;   ///< last purchase
    int64_t frequency = 0;          ///< distinct purchase transactions
    MoneyTotals money;              ///< monetary = money.net
  };
  Cents money_limit_;
  std::vector<CustomerState> customers_;  ///< by customer id
  GoldPairSet customer_transactions_;  ///< (customer id, transaction id)
  int32_t reference_day_ = INT32_MIN;
};

}  // namespace jsm::pipeline
