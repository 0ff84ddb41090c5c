#include "pipeline/gold_aggregator.h"

#include <algorithm>
#include <vector>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

void AppendOptionalString(Column& column, const std::string& value) {
  if (value.empty()) column.AppendNull();
  else column.AppendString(value);
}

}  // namespace

const std::vector<std::string>& GoldInputColumns() {
  static const std::vector<std::string> columns = {"transaction_no", "is_cancellation", "order_date",
                                                   "product_no",     "product_name",    "quantity",
                                                   "line_total",     "customer_no",     "country",
                                                   "country_code"};
  return columns;
}

void GoldAggregator::Add(const RecordBatch& silver) {
  const Column& transaction = silver.column("transaction_no");
  const Column& cancellation = silver.column("is_cancellation");
  const Column& date = silver.column("order_date");
  const Column& product = silver.column("product_no");
  const Column& product_name = silver.column("product_name");
  const Column& quantity = silver.column("quantity");
  const Column& line_total = silver.column("line_total");
  const Column& customer = silver.column("customer_no");
  const Column& country = silver.column("country");
  const Column& country_code = silver.column("country_code");
  for (size_t row = 0; row < silver.num_rows(); ++row) {
    const bool cancelled = cancellation.IntAt(row) != 0;
    const int32_t day = static_cast<int32_t>(date.IntAt(row));
    const std::string country_name(country.IsNull(row) ? std::string_view() : country.StringAt(row));
    const int64_t units = quantity.IntAt(row);
    const int64_t total = line_total.IntAt(row);
    const std::string_view transaction_no = transaction.StringAt(row);
    const bool has_customer = customer.IsValid(row);

    DailyState& d = daily_[{day, country_name}];
    ProductState& p = products_[std::string(product.StringAt(row))];
    CountryState& c = countries_[country_name];
    if (c.code.empty() && country_code.IsValid(row)) c.code = std::string(country_code.StringAt(row));
    p.name_counts[std::string(product_name.StringAt(row))]++;
    c.first_date = std::min(c.first_date, day);
    c.last_date = std::max(c.last_date, day);
    if (cancelled) {
      const int64_t refund = total < 0 ? -total : total;
      d.money.cancelled += refund;
      p.money.cancelled += refund;
      c.money.cancelled += refund;
      p.units_cancelled += units < 0 ? -units : units;
      p.cancellation_lines++;
    } else {
      d.lines++;
      d.units += units;
      d.money.gross += total;
      d.transactions.emplace(transaction_no);
      p.units_sold += units;
      p.money.gross += total;
      p.transactions.emplace(transaction_no);
      c.lines++;
      c.units += units;
      c.money.gross += total;
      c.transactions.emplace(transaction_no);
      if (has_customer) {
        d.customers.emplace(customer.StringAt(row));
        c.customers.emplace(customer.StringAt(row));
      }
    }
    ++rows_added_;
  }
}

void GoldAggregator::Clear() {
  daily_.clear();
  products_.clear();
  countries_.clear();
  rows_added_ = 0;
}

RecordBatch GoldAggregator::DailySales() const {
  RecordBatch out(DailySalesSchema());
  for (const auto& [key, d] : daily_) {
    out.column(0).AppendInt(key.first);
    AppendOptionalString(out.column(1), key.second);
    out.column(2).AppendInt(static_cast<int64_t>(d.transactions.size()));
    out.column(3).AppendInt(d.lines);
    out.column(4).AppendInt(d.units);
    out.column(5).AppendInt(d.money.gross);
    out.column(6).AppendInt(d.money.cancelled);
    out.column(7).AppendInt(d.money.gross - d.money.cancelled);
    out.column(8).AppendInt(static_cast<int64_t>(d.customers.size()));
  }
  return out;
}

RecordBatch GoldAggregator::ProductPerformance() const {
  std::vector<const std::pair<const std::string, ProductState>*> ranked;
  ranked.reserve(products_.size());
  for (const auto& entry : products_) ranked.push_back(&entry);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
    return a->second.money.gross - a->second.money.cancelled > b->second.money.gross - b->second.money.cancelled;
  });
  RecordBatch out(ProductPerformanceSchema());
  int64_t rank = 0;
  for (const auto* entry : ranked) {
    const ProductState& p = entry->second;
    // The most frequent spelling; ties go to the smallest name (map order).
    const std::string* name = nullptr;
    int64_t best = -1;
    for (const auto& [candidate, count] : p.name_counts) {
      if (count > best) {
        best = count;
        name = &candidate;
      }
    }
    out.column(0).AppendString(entry->first);
    out.column(1).AppendString(name ? *name : std::string());
    out.column(2).AppendInt(static_cast<int64_t>(p.transactions.size()));
    out.column(3).AppendInt(p.units_sold);
    out.column(4).AppendInt(p.units_cancelled);
    out.column(5).AppendInt(p.money.gross);
    out.column(6).AppendInt(p.money.cancelled);
    out.column(7).AppendInt(p.money.gross - p.money.cancelled);
    out.column(8).AppendInt(p.cancellation_lines);
    out.column(9).AppendInt(++rank);
  }
  return out;
}

RecordBatch GoldAggregator::CountrySummary() const {
  std::vector<const std::pair<const std::string, CountryState>*> ranked;
  ranked.reserve(countries_.size());
  for (const auto& entry : countries_) ranked.push_back(&entry);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
    return a->second.money.gross - a->second.money.cancelled > b->second.money.gross - b->second.money.cancelled;
  });
  RecordBatch out(CountrySummarySchema());
  for (const auto* entry : ranked) {
    const CountryState& c = entry->second;
    AppendOptionalString(out.column(0), entry->first);
    AppendOptionalString(out.column(1), c.code);
    out.column(2).AppendInt(static_cast<int64_t>(c.transactions.size()));
    out.column(3).AppendInt(static_cast<int64_t>(c.customers.size()));
    out.column(4).AppendInt(c.lines);
    out.column(5).AppendInt(c.units);
    out.column(6).AppendInt(c.money.gross);
    out.column(7).AppendInt(c.money.cancelled);
    out.column(8).AppendInt(c.money.gross - c.money.cancelled);
    out.column(9).AppendInt(c.first_date);
    out.column(10).AppendInt(c.last_date);
  }
  return out;
}

}  // namespace jsm::pipeline
