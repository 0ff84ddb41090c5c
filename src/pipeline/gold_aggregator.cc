#include "pipeline/gold_aggregator.h"

#include <algorithm>
#include <numeric>

#include "common/clock.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

void AppendOptionalString(Column& column, const std::string& value) {
  if (value.empty()) column.AppendNull();
  else column.AppendString(value);
}

/// Interns through a one-entry cache: consecutive silver lines mostly share their
/// transaction, customer, country and day, so most lookups are one string compare.
/// Lives for one batch (it keeps a view into the batch).
struct LastIntern {
  std::string_view text;
  uint32_t id = 0;
  bool valid = false;
  uint32_t Get(StringInterner& interner, std::string_view value) {
    if (valid && value == text) return id;
    id = interner.Intern(value);
    text = value;
    valid = true;
    return id;
  }
};

}  // namespace

const std::vector<std::string>& GoldInputColumns() {
  static const std::vector<std::string> columns = {"transaction_no", "is_cancellation", "order_date",
                                                   "product_no",     "product_name",    "quantity",
                                                   "line_total",     "customer_no",     "country",
                                                   "country_code"};
  return columns;
}

Status GoldAggregator::Add(const RecordBatch& silver) {
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
  LastIntern last_country, last_transaction, last_customer;
  uint64_t last_daily_key = UINT64_MAX;
  uint32_t last_daily_id = 0;
  for (size_t row = 0; row < silver.num_rows(); ++row) {
    const bool cancelled = cancellation.IntAt(row) != 0;
    const int32_t day = static_cast<int32_t>(date.IntAt(row));
    const int64_t units = quantity.IntAt(row);
    const Cents total = line_total.IntAt(row);

    const uint32_t country_id = last_country.Get(country_ids_, country.IsNull(row) ? std::string_view() : country.StringAt(row));
    if (country_id == countries_.size()) countries_.emplace_back();
    CountryState& c = countries_[country_id];
    if (c.code.empty() && country_code.IsValid(row)) c.code = std::string(country_code.StringAt(row));
    c.first_date = std::min(c.first_date, day);
    c.last_date = std::max(c.last_date, day);

    const uint64_t daily_key = (uint64_t{static_cast<uint32_t>(day)} << 32) | country_id;
    if (daily_key != last_daily_key) {
      auto [slot, inserted] = daily_index_.try_emplace(daily_key, static_cast<uint32_t>(daily_.size()));
      if (inserted) daily_.push_back(DailyState{day, country_id});
      last_daily_key = daily_key;
      last_daily_id = slot->second;
    }
    const uint32_t daily_id = last_daily_id;
    DailyState& d = daily_[daily_id];

    const uint32_t product_id = product_ids_.Intern(product.StringAt(row));
    if (product_id == products_.size()) products_.emplace_back();
    ProductState& p = products_[product_id];
    const uint32_t name_id = product_name_ids_.Intern(product_name.StringAt(row));
    auto name = std::find_if(p.name_counts.begin(), p.name_counts.end(),
                             [&](const auto& entry) { return entry.first == name_id; });
    if (name == p.name_counts.end()) p.name_counts.emplace_back(name_id, 1);
    else name->second++;

    const uint32_t transaction_id = last_transaction.Get(transaction_ids_, transaction.StringAt(row));
    const uint32_t customer_id = customer.IsValid(row) ? last_customer.Get(customer_ids_, customer.StringAt(row)) : kNoCustomer;
    // Only an overflow spells the group out (no string work per line otherwise).
    auto country_text = [&] {
      return country.IsNull(row) ? std::string("null") : "'" + std::string(country.StringAt(row)) + "'";
    };
    if (const char* column = d.money.AddLine(cancelled, total, money_limit_)) {
      return std::unexpected(MoneyOverflowError(kDailySalesTable, column,
                                                "order_date " + FormatDate(day) + ", country " + country_text(),
                                                money_limit_));
    }
    if (const char* column = p.money.AddLine(cancelled, total, money_limit_)) {
      return std::unexpected(MoneyOverflowError(kProductPerformanceTable, column,
                                                "product_no '" + std::string(product.StringAt(row)) + "'",
                                                money_limit_));
    }
    if (const char* column = c.money.AddLine(cancelled, total, money_limit_)) {
      return std::unexpected(MoneyOverflowError(kCountrySummaryTable, column, "country " + country_text(), money_limit_));
    }
    if (cancelled) {
      p.units_cancelled += units < 0 ? -units : units;
      p.cancellation_lines++;
      p.cancellations += product_cancellations_.Insert(Pair(product_id, transaction_id));
    } else {
      d.lines++;
      d.units += units;
      d.transactions += daily_transactions_.Insert(Pair(daily_id, transaction_id));
      p.units_sold += units;
      p.transactions += product_transactions_.Insert(Pair(product_id, transaction_id));
      c.lines++;
      c.units += units;
      c.transactions += country_transactions_.Insert(Pair(country_id, transaction_id));
      if (customer_id != kNoCustomer) {
        d.customers += daily_customers_.Insert(Pair(daily_id, customer_id));
        c.customers += country_customers_.Insert(Pair(country_id, customer_id));
      }
    }
    JSM_RETURN_IF_ERROR(rfm_.Add(customer_id, customer.IsValid(row) ? customer.StringAt(row) : std::string_view(),
                                 transaction_id, day, cancelled, total));
    JSM_RETURN_IF_ERROR(monthly_.Add(customer_id, transaction_id, day, cancelled, units, total));
    ++rows_added_;
  }
  return Status::Ok();
}

void GoldAggregator::Clear() { *this = GoldAggregator(money_limit_); }

RecordBatch GoldAggregator::DailySales() const {
  std::vector<uint32_t> order(daily_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (daily_[a].day != daily_[b].day) return daily_[a].day < daily_[b].day;
    return country_ids_.Lookup(daily_[a].country) < country_ids_.Lookup(daily_[b].country);
  });
  RecordBatch out(DailySalesSchema());
  for (uint32_t index : order) {
    const DailyState& d = daily_[index];
    out.column(0).AppendInt(d.day);
    AppendOptionalString(out.column(1), country_ids_.Lookup(d.country));
    out.column(2).AppendInt(d.transactions);
    out.column(3).AppendInt(d.lines);
    out.column(4).AppendInt(d.units);
    out.column(5).AppendWide(d.money.gross);
    out.column(6).AppendWide(d.money.cancelled);
    out.column(7).AppendWide(d.money.net);
    out.column(8).AppendInt(d.customers);
  }
  return out;
}

RecordBatch GoldAggregator::ProductPerformance() const {
  std::vector<uint32_t> order(products_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (products_[a].money.net != products_[b].money.net) return products_[a].money.net > products_[b].money.net;
    return product_ids_.Lookup(a) < product_ids_.Lookup(b);
  });
  RecordBatch out(ProductPerformanceSchema());
  int64_t rank = 0;
  for (uint32_t id : order) {
    const ProductState& p = products_[id];
    // The most frequent spelling; ties go to the alphabetically first.
    const std::string* name = nullptr;
    int64_t best = -1;
    for (const auto& [name_id, count] : p.name_counts) {
      const std::string& candidate = product_name_ids_.Lookup(name_id);
      if (count > best || (count == best && candidate < *name)) {
        best = count;
        name = &candidate;
      }
    }
    out.column(0).AppendString(product_ids_.Lookup(id));
    out.column(1).AppendString(name ? *name : std::string());
    out.column(2).AppendInt(p.transactions);
    out.column(3).AppendInt(p.units_sold);
    out.column(4).AppendInt(p.units_cancelled);
    out.column(5).AppendWide(p.money.gross);
    out.column(6).AppendWide(p.money.cancelled);
    out.column(7).AppendWide(p.money.net);
    out.column(8).AppendInt(p.cancellation_lines);
    out.column(9).AppendInt(++rank);
    out.column(10).AppendInt(p.cancellations);
    out.column(11).AppendDouble(static_cast<double>(p.cancellations) /
                                static_cast<double>(p.transactions + p.cancellations));
  }
  return out;
}

RecordBatch GoldAggregator::CountrySummary() const {
  std::vector<uint32_t> order(countries_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (countries_[a].money.net != countries_[b].money.net) return countries_[a].money.net > countries_[b].money.net;
    return country_ids_.Lookup(a) < country_ids_.Lookup(b);
  });
  RecordBatch out(CountrySummarySchema());
  for (uint32_t id : order) {
    const CountryState& c = countries_[id];
    AppendOptionalString(out.column(0), country_ids_.Lookup(id));
    AppendOptionalString(out.column(1), c.code);
    out.column(2).AppendInt(c.transactions);
    out.column(3).AppendInt(c.customers);
    out.column(4).AppendInt(c.lines);
    out.column(5).AppendInt(c.units);
    out.column(6).AppendWide(c.money.gross);
    out.column(7).AppendWide(c.money.cancelled);
    out.column(8).AppendWide(c.money.net);
    out.column(9).AppendInt(c.first_date);
    out.column(10).AppendInt(c.last_date);
  }
  return out;
}

}  // namespace jsm::pipeline
