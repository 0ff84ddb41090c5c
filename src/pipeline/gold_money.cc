#include "pipeline/gold_money.h"

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

Cents GoldMoneyLimit() {
  static const Cents limit = PowerOfTen128(kGoldMoneyPrecision) - 1;
  return limit;
}

bool AddMoney(Cents* sum, Cents amount, Cents limit) {
  // Both operands are within ±limit <= 10^38, so the exact result fits in 128 bits.
  const Cents result = *sum + amount;
  if (result > limit || result < -limit) return false;
  *sum = result;
  return true;
}

bool SubtractMoney(Cents a, Cents b, Cents* difference, Cents limit) {
  const Cents result = a - b;
  if (result > limit || result < -limit) return false;
  *difference = result;
  return true;
}

const char* MoneyTotals::AddLine(bool cancellation, Cents line_total, Cents limit) {
  if (cancellation) {
    const Cents refund = line_total < 0 ? -line_total : line_total;
    Cents cancelled_sum = cancelled, net_sum = 0;
    if (!AddMoney(&cancelled_sum, refund, limit)) return "cancelled_revenue";
    if (!SubtractMoney(net, refund, &net_sum, limit)) return "net_revenue";
    cancelled = cancelled_sum;
    net = net_sum;
    return nullptr;
  }
  Cents gross_sum = gross, net_sum = net;
  if (!AddMoney(&gross_sum, line_total, limit)) return "gross_revenue";
  if (!AddMoney(&net_sum, line_total, limit)) return "net_revenue";
  gross = gross_sum;
  net = net_sum;
  return nullptr;
}

Error MoneyOverflowError(std::string_view table, std::string_view column, std::string_view group, Cents limit) {
  return Error(ErrorCode::kInvalidArgument,
               std::string(table) + ": " + std::string(column) + " of " + std::string(group) +
                   " would leave DECIMAL(" + std::to_string(kGoldMoneyPrecision) + "," + std::to_string(kMoneyScale) +
                   ") (at most " + FormatMoney(limit) + " in magnitude); gold was not written");
}

std::string FormatMoney(Cents cents) { return FormatUnscaled128(cents, kMoneyScale); }

}  // namespace jsm::pipeline
