#pragma once
/// Exchange rates to GBP as data (config/normalization/currencies.csv): rows
/// currency,valid_from,rate_to_gbp; the rate of an order is the row of its
/// currency with the latest valid_from <= the order date. Exact decimal
/// arithmetic; lookups do not allocate.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::model {

/// Whether an order's currency could be converted to GBP.
enum class CurrencyStatus : uint8_t {
  kOk,
  kUnknownCurrency,  ///< "unknown_currency": not GBP and no row in the table (or not three letters)
  kNoRate,           ///< "no_currency_rate": known, but every row starts after the order date
};

/// Machine code of a status, used as the quarantine reason.
std::string_view CurrencyStatusCode(CurrencyStatus status);

/// Rates are fixed-point with this many decimals (a rate may have at most 9).
inline constexpr int kRateDecimals = 9;

/// A sorted table of exchange rates to GBP.
class CurrencyRates {
 public:
  CurrencyRates() = default;
  /// Parses the CSV text; a bad currency code, date or rate, a GBP row or a
  /// duplicate (currency, valid_from) is "SOURCE:LINE: ..." (kInvalidArgument).
  static Result<CurrencyRates> Parse(std::string_view source, std::string_view text);

  /// The rate (GBP per unit, scaled by 10^9) of `currency` (three upper-case
  /// letters) on day `order_date` (days since 1970-01-01).
  CurrencyStatus RateOn(std::string_view currency, int32_t order_date, int64_t* rate_e9) const;
  size_t size() const { return rates_.size(); }

 private:
  struct Rate {
    uint32_t currency;  ///< the three letters packed
    int32_t valid_from;
    int64_t rate_e9;
    int line;
  };
  std::vector<Rate> rates_;  ///< sorted by currency, then valid_from
};

/// Packs a three-letter code (upper-case A-Z) into an integer; 0 if it is not one.
uint32_t PackCurrencyCode(std::string_view code);

/// `cents` x `rate_e9` / 10^9, rounded half away from zero to a cent; false on overflow.
bool ConvertCents(int64_t cents, int64_t rate_e9, int64_t* converted);

/// Parses a positive decimal with at most 9 decimals ("0.8563", "12") into
/// units of 10^-9; false if malformed, zero, negative or too large.
bool ParseRateE9(std::string_view text, int64_t* rate_e9);

}  // namespace jsm::model
