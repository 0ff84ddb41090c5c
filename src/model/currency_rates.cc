#include "model/currency_rates.h"

#include <algorithm>
#include <string>

#include "common/clock.h"
#include "model/date_formats.h"
#include "model/normalization_file.h"

namespace jsm::model {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view CurrencyStatusCode(CurrencyStatus status) {
  switch (status) {
    case CurrencyStatus::kOk: return "ok";
    case CurrencyStatus::kUnknownCurrency: return "unknown_currency";
    case CurrencyStatus::kNoRate: return "no_currency_rate";
  }
  return "unknown";
}

uint32_t PackCurrencyCode(std::string_view code) {
  if (code.size() != 3) return 0;
  uint32_t packed = 0;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return 0;
    packed = packed << 8 | static_cast<uint8_t>(c);
  }
  return packed;
}

bool ParseRateE9(std::string_view text, int64_t* rate_e9) {
  size_t i = 0;
  int64_t value = 0;
  int integer_digits = 0;
  while (i < text.size() && IsDigit(text[i])) {
    if (++integer_digits > 9) return false;  // at most 999,999,999 GBP per unit
    value = value * 10 + (text[i++] - '0');
  }
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      if (++decimals > kRateDecimals) return false;
      value = value * 10 + (text[i++] - '0');
    }
    if (decimals == 0) return false;
  }
  if (i != text.size() || integer_digits == 0) return false;
  for (int d = decimals; d < kRateDecimals; ++d) value *= 10;
  if (value <= 0) return false;
  *rate_e9 = value;
  return true;
}

bool ConvertCents(int64_t cents, int64_t rate_e9, int64_t* converted) {
  constexpr __int128 kScale = 1000000000;
  const __int128 product = static_cast<__int128>(cents) * rate_e9;
  const __int128 magnitude = product < 0 ? -product : product;
  __int128 rounded = (magnitude + kScale / 2) / kScale;  // half away from zero
  if (product < 0) rounded = -rounded;
  if (rounded > INT64_MAX || rounded < INT64_MIN) return false;
  *converted = static_cast<int64_t>(rounded);
  return true;
}

Result<CurrencyRates> CurrencyRates::Parse(std::string_view source, std::string_view text) {
  JSM_ASSIGN_OR_RETURN(std::vector<DataLine> lines,
                       SplitDataLines(source, text, "currency,valid_from,rate_to_gbp", 3));
  JSM_ASSIGN_OR_RETURN(DateFormats iso, DateFormats::FromPatterns({"YYYY-MM-DD"}));
  CurrencyRates table;
  for (const DataLine& line : lines) {
    Rate rate{};
    rate.line = line.line;
    rate.currency = PackCurrencyCode(line.fields[0]);
    if (rate.currency == 0) {
      return std::unexpected(DataLineError(source, line.line, "currency '" + std::string(line.fields[0]) +
                                                                  "' is not an ISO 4217 code (three capital "
                                                                  "letters)"));
    }
    if (line.fields[0] == "GBP") {
      return std::unexpected(DataLineError(source, line.line, "GBP is the base currency (rate 1): it takes no row"));
    }
    if (!iso.ToDays(line.fields[1], &rate.valid_from)) {
      return std::unexpected(DataLineError(source, line.line, "valid_from '" + std::string(line.fields[1]) +
                                                                  "' is not a date YYYY-MM-DD"));
    }
    if (!ParseRateE9(line.fields[2], &rate.rate_e9)) {
      return std::unexpected(DataLineError(source, line.line, "rate_to_gbp '" + std::string(line.fields[2]) +
                                                                  "' is not a positive decimal with at most 9 "
                                                                  "decimals"));
    }
    table.rates_.push_back(rate);
  }
  std::ranges::stable_sort(table.rates_, [](const Rate& a, const Rate& b) {
    return a.currency != b.currency ? a.currency < b.currency : a.valid_from < b.valid_from;
  });
  for (size_t i = 1; i < table.rates_.size(); ++i) {
    const Rate& a = table.rates_[i - 1];
    const Rate& b = table.rates_[i];
    if (a.currency == b.currency && a.valid_from == b.valid_from) {
      return std::unexpected(DataLineError(source, std::max(a.line, b.line),
                                           "duplicate rate for the same currency and valid_from (first on line " +
                                               std::to_string(std::min(a.line, b.line)) + ")"));
    }
  }
  return table;
}

CurrencyStatus CurrencyRates::RateOn(std::string_view currency, int32_t order_date, int64_t* rate_e9) const {
  const uint32_t code = PackCurrencyCode(currency);
  if (code == 0) return CurrencyStatus::kUnknownCurrency;
  // The first row after (code, order_date); the one before it, if of the same currency, applies.
  const auto after = std::ranges::upper_bound(rates_, std::pair{code, order_date}, {}, [](const Rate& r) {
    return std::pair{r.currency, r.valid_from};
  });
  if (after != rates_.begin() && std::prev(after)->currency == code) {
    *rate_e9 = std::prev(after)->rate_e9;
    return CurrencyStatus::kOk;
  }
  if (after != rates_.end() && after->currency == code) return CurrencyStatus::kNoRate;
  return CurrencyStatus::kUnknownCurrency;
}

}  // namespace jsm::model
