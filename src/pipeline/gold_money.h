#pragma once
/// Gold's money arithmetic: exact sums of silver's line totals in 128-bit
/// integers (cents), checked against the bound of gold's money columns,
/// DECIMAL(28,2) — Spark's type for sum(DECIMAL(18,2)). A sum that would leave
/// that range is refused instead of written wrong.

#include <string>
#include <string_view>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::pipeline {

/// Cents, as gold sums them.
using Cents = Int128;

/// Largest magnitude a gold money column holds: 10^28 - 1 cents (DECIMAL(28,2)).
Cents GoldMoneyLimit();

/// `*sum + amount` into `*sum` when its magnitude stays within `limit`; otherwise false and
/// `*sum` unchanged. `limit` is positive and |*sum|, |amount| are within it.
[[nodiscard]] bool AddMoney(Cents* sum, Cents amount, Cents limit = GoldMoneyLimit());

/// `a - b`, when its magnitude stays within `limit`.
[[nodiscard]] bool SubtractMoney(Cents a, Cents b, Cents* difference, Cents limit = GoldMoneyLimit());

/// Gross, cancelled and net revenue of one gold group, each kept within the limit.
struct MoneyTotals {
  Cents gross = 0;      ///< Σ line_total over non-cancellation lines
  Cents cancelled = 0;  ///< Σ |line_total| over cancellation lines
  Cents net = 0;        ///< gross - cancelled

  /// Adds one silver line. On overflow returns the name of the gold column that cannot hold
  /// the new sum ("gross_revenue", "cancelled_revenue" or "net_revenue") and changes nothing;
  /// else nullptr.
  const char* AddLine(bool cancellation, Cents line_total, Cents limit);
};

/// The error of a sum gold cannot hold (kInvalidArgument: the same silver fails the same way):
/// names the table, the column and the group, e.g. "gold/daily_sales: net_revenue of order_date
/// 2019-12-09, country 'France' would leave DECIMAL(28,2) (±limit); gold was not written".
Error MoneyOverflowError(std::string_view table, std::string_view column, std::string_view group, Cents limit);

/// "12345.67" for an amount in cents; the most negative values included.
std::string FormatMoney(Cents cents);

}  // namespace jsm::pipeline
