#pragma once
/// Turns a raw order event (JSON bytes from Kafka) into a normalized order line,
/// or says why it cannot: the hot path of the refine stage. No heap allocation
/// per event once warmed up; the string_views of a NormalizedOrder stay valid
/// until the next Parse call.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "model/currency_rates.h"

namespace jsm::model {

struct NormalizationTables;

/// Why a message cannot become an order at all (it goes to the dead-letter topic).
enum class RejectReason {
  kNone,
  kNotJson,       ///< "not_json": not a JSON object
  kMissingField,  ///< "missing_field"
  kWrongType,     ///< "wrong_type": a field of the wrong JSON type or unparseable text
  kOversize,      ///< "oversize": larger than the configured limit
  kInvalidUtf8,   ///< "invalid_utf8"
  kDuplicateField,  ///< "duplicate_field": a key (known or not) appears twice in the event object
};

/// Machine code of a reject reason, used as the dlq.reason header.
std::string_view RejectReasonCode(RejectReason reason);

/// Largest magnitude, in cents, of a silver money column: DECIMAL(18,2) holds ±(10^18 - 1).
inline constexpr int64_t kMaxSilverCents = 999'999'999'999'999'999;

/// Whether an order's amounts fit silver's DECIMAL(18,2) columns; an order whose
/// amounts do not goes to quarantine with the code as its reason (no rule can let it pass).
enum class AmountStatus : uint8_t {
  kOk,
  kUnitPriceOutOfRange,  ///< "unit_price_in_range": the price (GBP or original) beyond ±(10^16 - 0.01)
  kLineTotalOutOfRange,  ///< "line_total_in_range": Price × Quantity beyond ±(10^16 - 0.01)
};

/// Machine code of an amount status, used as the quarantine reason: the rule it broke.
std::string_view AmountStatusCode(AmountStatus status);

/// One order line after parsing and normalization.
struct NormalizedOrder {
  std::string_view transaction_no;  ///< trimmed
  bool is_cancellation = false;     ///< TransactionNo starts with 'C'
  int32_t order_date = 0;           ///< days since 1970-01-01
  std::string_view product_no;      ///< trimmed, upper-cased
  std::string_view product_name;    ///< trimmed, inner whitespace collapsed
  int64_t unit_price_cents = 0;     ///< GBP, 2 decimals (half away from zero)
  int32_t quantity = 0;
  int64_t line_total_cents = 0;     ///< unit_price_cents * quantity (0 when it is out of range)
  std::string_view customer_no;     ///< empty = null ("NA" or empty in the event)
  std::string_view country;         ///< canonical English name; empty = null (e.g. "Unspecified")
  std::string_view country_code;    ///< ISO 3166-1 alpha-2; empty = null
  std::string_view currency;        ///< ISO 4217 code of the event's price, upper-cased; empty = GBP
  int64_t original_unit_price_cents = 0;  ///< the price in `currency` (2 decimals); 0 when GBP
  /// kOk: unit_price_cents is in GBP. Otherwise the price could not be converted
  /// (unit_price_cents is still in `currency`) and the order belongs in quarantine.
  CurrencyStatus currency_status = CurrencyStatus::kOk;
  /// kOk: unit price and line total fit silver's DECIMAL(18,2). Otherwise the order
  /// belongs in quarantine (checked only when currency_status is kOk).
  AmountStatus amount_status = AmountStatus::kOk;
};

/// Data-quality rules an order can break; it then goes to quarantine with their names.
enum QualityRule : uint32_t {
  kRuleTransactionNoPattern = 1u << 0,  ///< optional 'C' then digits
  kRuleQuantityNonZero = 1u << 1,
  kRuleQuantitySignMatchesCancellation = 1u << 2,
  kRulePricePositive = 1u << 3,
  kRuleProductNoPattern = 1u << 4,      ///< five digits plus an optional capital letter
};

/// Bitmask of the QualityRules `order` breaks (0 = clean).
uint32_t CheckQuality(const NormalizedOrder& order);
/// Comma-separated names of the rules in `mask`, e.g. "quantity_non_zero,price_positive".
std::string QualityRuleNames(uint32_t mask);

/// Parses and normalizes order events. One per thread.
class OrderParser {
 public:
  /// `max_event_bytes`: larger events are rejected as oversize. `tables`: the
  /// country aliases, date formats and currency rates to use (null = the built-in ones).
  explicit OrderParser(size_t max_event_bytes = 64 * 1024,
                       std::shared_ptr<const NormalizationTables> tables = nullptr);
  ~OrderParser();
  OrderParser(const OrderParser&) = delete;
  OrderParser& operator=(const OrderParser&) = delete;

  /// Parses `json`. On success fills `out` and returns kNone; otherwise returns
  /// the reason and sets `error()` to a human sentence naming the field.
  RejectReason Parse(std::string_view json, NormalizedOrder* out);
  const std::string& error() const { return error_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t max_event_bytes_;
  std::string error_;
};

/// Canonical country for a raw name, by the built-in country table
/// (config/normalization/countries.csv): returns false if unknown. `name`/`code`
/// are set to strings that live as long as the program; code may be empty (e.g. "European Community"),
/// and for "Unspecified" both are empty.
bool CanonicalCountry(std::string_view raw, std::string_view* name, std::string_view* code);

/// Parses "M/D/YYYY" or ISO "YYYY-MM-DD" (optionally followed by 'T' and a time)
/// into days since 1970-01-01 by the built-in date formats
/// (config/normalization/date_formats.txt); false if not a valid calendar date.
bool ParseOrderDate(std::string_view text, int32_t* days);

/// Parses a decimal number text into cents (rounded half away from zero); false if invalid.
bool ParsePriceCents(std::string_view text, int64_t* cents);

}  // namespace jsm::model
