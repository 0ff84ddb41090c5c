#include "pipeline/customer_rfm_aggregator.h"

#include <algorithm>
#include <numeric>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

namespace {

template <class T>
std::vector<int32_t> Quintiles(const std::vector<T>& values) {
  std::vector<T> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const int64_t n = static_cast<int64_t>(values.size());
  std::vector<int32_t> scores;
  scores.reserve(values.size());
  for (const T& value : values) {
    const int64_t below = std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
    scores.push_back(static_cast<int32_t>(1 + (5 * below) / n));
  }
  return scores;
}

}  // namespace

std::vector<int32_t> QuintileScores(const std::vector<int64_t>& values) { return Quintiles(values); }
std::vector<int32_t> MoneyQuintileScores(const std::vector<Cents>& values) { return Quintiles(values); }

std::string_view RfmSegment(int32_t recency, int32_t frequency, int32_t monetary) {
  if (recency >= 4 && frequency >= 4 && monetary >= 4) return "Champions";
  if (recency >= 3 && frequency >= 3) return "Loyal";
  if (recency >= 4) return "New";
  if (recency == 3) return "Needs Attention";
  if (frequency >= 3) return "At Risk";
  if (recency == 2) return "Hibernating";
  return "Lost";
}

Status CustomerRfmAggregator::Add(uint32_t customer, std::string_view customer_no, uint32_t transaction, int32_t day,
                                  bool cancelled, Cents line_total) {
  reference_day_ = std::max(reference_day_, day);
  if (customer == kNoCustomer) return Status::Ok();
  if (customer >= customers_.size()) customers_.resize(customer + 1);
  CustomerState& c = customers_[customer];
  if (const char* column = c.money.AddLine(cancelled, line_total, money_limit_)) {
    // monetary is the net; the gross and cancelled sums behind it are bounded the same way.
    return std::unexpected(MoneyOverflowError(kCustomerRfmTable, std::string("monetary (its ") + column + " sum)",
                                              "customer_no '" + std::string(customer_no) + "'", money_limit_));
  }
  if (cancelled) return Status::Ok();
  c.first_day = std::min(c.first_day, day);
  c.last_day = std::max(c.last_day, day);
  c.frequency += customer_transactions_.Insert((uint64_t{customer} << 32) | transaction);
  return Status::Ok();
}

RecordBatch CustomerRfmAggregator::Table(const StringInterner& customers) const {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < customers_.size(); ++id) {
    if (customers_[id].frequency > 0) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return customers.Lookup(a) < customers.Lookup(b); });
  std::vector<int64_t> recency, frequency;
  std::vector<Cents> monetary;
  recency.reserve(ids.size());
  frequency.reserve(ids.size());
  monetary.reserve(ids.size());
  for (uint32_t id : ids) {
    const CustomerState& c = customers_[id];
    recency.push_back(-(int64_t{reference_day_} - c.last_day));  // fewer days is better
    frequency.push_back(c.frequency);
    monetary.push_back(c.money.net);
  }
  const std::vector<int32_t> r = QuintileScores(recency), f = QuintileScores(frequency), m = MoneyQuintileScores(monetary);
  RecordBatch out(CustomerRfmSchema());
  for (size_t i = 0; i < ids.size(); ++i) {
    const CustomerState& c = customers_[ids[i]];
    out.column(0).AppendString(customers.Lookup(ids[i]));
    out.column(1).AppendInt(c.first_day);
    out.column(2).AppendInt(c.last_day);
    out.column(3).AppendInt(reference_day_);
    out.column(4).AppendInt(-recency[i]);
    out.column(5).AppendInt(c.frequency);
    out.column(6).AppendWide(monetary[i]);
    out.column(7).AppendInt(r[i]);
    out.column(8).AppendInt(f[i]);
    out.column(9).AppendInt(m[i]);
    out.column(10).AppendInt(r[i] * 100 + f[i] * 10 + m[i]);
    out.column(11).AppendString(RfmSegment(r[i], f[i], m[i]));
  }
  return out;
}

}  // namespace jsm::pipeline
