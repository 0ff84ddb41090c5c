// SyntheticOrderSource: orders shaped like the real data, from a fixed catalogue
// (synthetic_catalogue.h) and a seeded std::mt19937_64. Only the raw 64-bit
// output of the engine is used (never std distributions, whose results differ
// between standard libraries), so a seed gives the same orders everywhere.
//
// Shape: transactions of 1..40 lines (cancellations: 1..3 lines, ~14 % of
// transactions, so ~1.6 % of lines) sharing date, customer and country; dates
// advance from 12/1/2018 to 12/9/2019 over the stream, skipping Tuesdays as the
// real data does; ~1 % of lines repeat the previous line exactly; ~0.01 % of
// transactions have the customer "NA". Transaction numbers are six digits
// counting up from 536365 and wrap to 100000 after 999999.

#include <charconv>

#include "common/check.h"
#include "common/clock.h"
#include "model/order_source.h"
#include "model/synthetic_catalogue.h"

namespace jsm::model {
namespace {

constexpr double kRepeatShare = 0.01;
constexpr double kCancellationShare = 0.143;  // of transactions
constexpr int kMaxLines = 40;
constexpr int kMaxCancellationLines = 3;
constexpr double kUnknownCustomerShare = 0.0001;
constexpr int64_t kFirstTransactionNo = 536365;
constexpr int64_t kLowestTransactionNo = 100000;
constexpr int64_t kHighestTransactionNo = 999999;
constexpr int kTuesday = 2;  // weekday of a day number: (days + 4) % 7, 0 = Sunday

const int32_t kFirstDay = DaysFromCivil(2018, 12, 1);
const int32_t kLastDay = DaysFromCivil(2019, 12, 9);

struct QuantityWeight {
  int quantity;
  int weight;
};
// Absolute quantities of the real data: 1..24 (94 % of lines), then the common
// larger pack sizes; 0.3 % of lines draw from a long tail up to 12,540.
constexpr QuantityWeight kQuantityWeights[] = {
    {1, 149975}, {2, 82674}, {3, 37354}, {4, 38792}, {5, 11844}, {6, 41238},  {7, 2953},  {8, 13227},
    {9, 2065},   {10, 22429}, {11, 988},  {12, 61560}, {13, 592},  {14, 583},  {15, 805},  {16, 4302},
    {17, 272},   {18, 1806}, {19, 225},  {20, 5047},  {21, 184},  {22, 174},  {23, 117},  {24, 24236},
    {48, 6136},  {25, 5158}, {36, 3862}, {72, 1974},  {100, 1857}, {96, 1833}, {30, 1186}, {40, 1098},
    {32, 1062},  {144, 1043}, {50, 925}, {60, 661},   {120, 617}, {200, 427}, {192, 344}, {64, 284},
    {240, 268},  {288, 250}, {80, 212},  {28, 170},
};
constexpr int kQuantityTotal = [] {
  int total = 0;
  for (const auto& w : kQuantityWeights) total += w.weight;
  return total;
}();
constexpr double kLongTailShare = 0.003;

void CivilFromDays(int32_t days, int* year, int* month, int* day) {
  int64_t z = int64_t{days} + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (*month <= 2));
}

/// Appends the decimal digits of `value` to `out`.
void AppendInt(int64_t value, std::string* out) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out->append(digits, end);
}

}  // namespace

SyntheticOrderSource::SyntheticOrderSource(int64_t count, uint64_t seed) : count_(count), rng_(seed) {}

bool SyntheticOrderSource::Next(OrderRecord* record) {
  if (produced_ >= count_) return false;
  if (produced_ > 0 && UnitInterval(rng_()) < kRepeatShare) {
    *record = previous_;
  } else {
    if (lines_left_ == 0) NewTransaction();
    NewLine(record);
    --lines_left_;
    previous_ = *record;
  }
  ++produced_;
  return true;
}

void SyntheticOrderSource::NewTransaction() {
  cancellation_ = UnitInterval(rng_()) < kCancellationShare;
  lines_left_ = 1 + static_cast<int>(Below(rng_(), cancellation_ ? kMaxCancellationLines : kMaxLines));

  transaction_no_.clear();
  if (cancellation_) transaction_no_.push_back('C');
  AppendInt(next_transaction_, &transaction_no_);
  next_transaction_ =
      next_transaction_ == kHighestTransactionNo ? kLowestTransactionNo : next_transaction_ + 1;

  const int64_t span = kLastDay - kFirstDay + 1;
  day_ = kFirstDay + static_cast<int32_t>(produced_ * span / count_);
  if ((day_ + 4) % 7 == kTuesday) ++day_;
  JSM_CHECK_LE(day_, kLastDay);
  int year, month, day;
  CivilFromDays(day_, &year, &month, &day);
  date_.clear();
  AppendInt(month, &date_);
  date_.push_back('/');
  AppendInt(day, &date_);
  date_.push_back('/');
  AppendInt(year, &date_);

  if (UnitInterval(rng_()) < kUnknownCustomerShare) {
    customer_no_ = "NA";
    country_ = CountryForDraw(UnitInterval(rng_()));
  } else {
    const int customer =
        kFirstCustomerNo + static_cast<int>(Below(rng_(), kLastCustomerNo - kFirstCustomerNo + 1));
    customer_no_.clear();
    AppendInt(customer, &customer_no_);
    country_ = CountryOfCustomer(customer);
  }
}

void SyntheticOrderSource::NewLine(OrderRecord* record) {
  const auto catalogue = ProductCatalogue();
  // Popularity like the real data's: the top 1 % of products take ~9 % of the
  // lines, the top 10 % ~43 %, the top half ~90 %.
  const double tier = UnitInterval(rng_());
  const size_t n = catalogue.size();
  size_t first, last;  // the tier's products are [first, last)
  if (tier < 0.09) {
    first = 0, last = n / 100;
  } else if (tier < 0.43) {
    first = n / 100, last = n / 10;
  } else if (tier < 0.90) {
    first = n / 10, last = n / 2;
  } else {
    first = n / 2, last = n;
  }
  const auto& product = catalogue[first + Below(rng_(), last - first)];

  int64_t quantity;
  if (UnitInterval(rng_()) < kLongTailShare) {
    quantity = 300 + static_cast<int64_t>(Below(rng_(), 12241));
  } else {
    int target = static_cast<int>(Below(rng_(), kQuantityTotal));
    quantity = kQuantityWeights[0].quantity;
    for (const auto& w : kQuantityWeights) {
      if (target < w.weight) {
        quantity = w.quantity;
        break;
      }
      target -= w.weight;
    }
  }
  if (cancellation_) quantity = -quantity;

  record->transaction_no = transaction_no_;
  record->date = date_;
  record->product_no = product.product_no;
  record->product = product.name;
  record->price = product.price;
  record->quantity.clear();
  AppendInt(quantity, &record->quantity);
  record->customer_no = customer_no_;
  record->country = country_;
}

}  // namespace jsm::model
