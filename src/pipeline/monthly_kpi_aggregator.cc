#include "pipeline/monthly_kpi_aggregator.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "common/clock.h"
#include "pipeline/customer_rfm_aggregator.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

int32_t FirstDayOfMonth(int32_t day) {
  using namespace std::chrono;
  const year_month_day date{sys_days{days{day}}};
  return static_cast<int32_t>(sys_days{date.year() / date.month() / 1}.time_since_epoch().count());
}

Cents DivideRounded(Cents numerator, int64_t denominator) {
  Cents quotient = numerator / denominator;
  const Cents remainder = numerator % denominator;
  if (2 * (remainder < 0 ? -remainder : remainder) >= denominator) quotient += numerator < 0 ? -1 : 1;
  return quotient;
}

uint32_t MonthlyKpiAggregator::MonthIndex(int32_t day) {
  if (day == cached_day_) return cached_month_;
  const int32_t month = FirstDayOfMonth(day);
  auto [slot, inserted] = month_index_.try_emplace(month, static_cast<uint32_t>(months_.size()));
  if (inserted) months_.push_back(MonthState{month});
  cached_day_ = day;
  cached_month_ = slot->second;
  return cached_month_;
}

Status MonthlyKpiAggregator::Add(uint32_t customer, uint32_t transaction, int32_t day, bool cancelled,
                                 int64_t quantity, Cents line_total) {
  const uint32_t index = MonthIndex(day);
  MonthState& m = months_[index];
  if (const char* column = m.money.AddLine(cancelled, line_total, money_limit_)) {
    return std::unexpected(
        MoneyOverflowError(kMonthlyKpisTable, column, "month " + FormatDate(m.month).substr(0, 7), money_limit_));
  }
  if (cancelled) {
    m.cancellation_lines++;
    m.cancellations += cancellations_.Insert(Pair(index, transaction));
    return Status::Ok();
  }
  m.lines++;
  m.units += quantity;
  m.orders += orders_.Insert(Pair(index, transaction));
  if (customer == kNoCustomer) return Status::Ok();
  m.customers += customers_.Insert(Pair(index, customer));
  if (customer >= first_purchase_.size()) first_purchase_.resize(customer + 1, INT32_MAX);
  first_purchase_[customer] = std::min(first_purchase_[customer], day);
  return Status::Ok();
}

RecordBatch MonthlyKpiAggregator::Table() const {
  std::vector<int64_t> new_customers(months_.size(), 0);
  for (int32_t first : first_purchase_) {
    if (first != INT32_MAX) new_customers[month_index_.at(FirstDayOfMonth(first))]++;
  }
  std::vector<uint32_t> order(months_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return months_[a].month < months_[b].month; });
  RecordBatch out(MonthlyKpisSchema());
  for (uint32_t index : order) {
    const MonthState& m = months_[index];
    out.column(0).AppendInt(m.month);
    out.column(1).AppendInt(m.orders);
    out.column(2).AppendInt(m.lines);
    out.column(3).AppendInt(m.units);
    out.column(4).AppendWide(m.money.gross);
    out.column(5).AppendWide(m.money.cancelled);
    out.column(6).AppendWide(m.money.net);
    if (m.orders > 0) out.column(7).AppendWide(DivideRounded(m.money.gross, m.orders));
    else out.column(7).AppendNull();
    out.column(8).AppendInt(m.customers);
    out.column(9).AppendInt(new_customers[index]);
    out.column(10).AppendInt(m.customers - new_customers[index]);
    out.column(11).AppendInt(m.cancellations);
    out.column(12).AppendInt(m.cancellation_lines);
    out.column(13).AppendDouble(static_cast<double>(m.cancellations) /
                                static_cast<double>(m.orders + m.cancellations));
  }
  return out;
}

}  // namespace jsm::pipeline
