// OrderParser: simdjson On-Demand over a reusable padded buffer, then
// normalization of the eight fields.
//
// Checks run in a fixed order, so an event breaking several gets a stable reason:
// oversize, invalid UTF-8, not a JSON object (or malformed JSON), then a
// duplicate key, then missing fields, then wrong types, in the field order
// TransactionNo, Date, ProductNo, Product, Price, Quantity, CustomerNo, Country.
//
// Duplicate keys: any key of the event object that appears twice, one of ours or
// not, makes the event a duplicate_field reject (readers disagree on which
// occurrence wins, so the event is ambiguous). Keys are compared after
// unescaping. Ours are tracked in a bitmask; unknown keys are collected as views
// (into the padded buffer, or simdjson's string buffer when escaped) in a vector
// that keeps its capacity, and sorted once at the end when there are two or more,
// so no event allocates once warmed up. Values of unknown keys (nested objects
// included) are not inspected. The optional Currency (ISO
// 4217; absent, null or "GBP" = GBP) converts the price to GBP with the rate of
// the order date (currency_rates.h); an unknown currency or a date without a rate
// is not a reject: the order carries the status and the refine stage quarantines it.
// Country aliases and date formats come from the NormalizationTables given.
//
// The views of a NormalizedOrder point into the padded copy of the event (strings
// without escapes are used in place), the simdjson parser's string buffer
// (strings with escapes), the parser's scratch strings
// (rewritten ProductNo and Product) or the static country table; all stay valid
// until the next Parse call.

#include "model/order_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "model/json_number.h"
#include "model/normalization_tables.h"
#include "model/normalize_text.h"

namespace jsm::model {
namespace {

using simdjson::ondemand::json_type;

enum Field : int {
  kTransactionNo,
  kDate,
  kProductNo,
  kProduct,
  kPrice,
  kQuantity,
  kCustomerNo,
  kCountry,
  kRequiredFieldCount,
  kCurrency = kRequiredFieldCount,  ///< optional
  kFieldCount,
};

constexpr std::string_view kFieldNames[kFieldCount] = {
    "TransactionNo", "Date", "ProductNo", "Product", "Price", "Quantity", "CustomerNo", "Country", "Currency",
};

/// Index of the order field named `key` (unescaped), or -1.
int FieldIndex(std::string_view key) {
  for (int i = 0; i < kFieldCount; ++i) {
    if (key == kFieldNames[i]) return i;
  }
  return -1;
}

/// Index of the order field whose raw key (the bytes after the opening quote,
/// in the padded buffer) is one of ours without escapes, or -1. Compares the
/// closing quote too, with constant sizes so the compiler inlines the compares.
int RawFieldIndex(const char* raw) {
#define JSM_KEY_IS(literal) (std::memcmp(raw, literal "\"", sizeof(literal)) == 0)
  switch (raw[0]) {
    case 'T': return JSM_KEY_IS("TransactionNo") ? kTransactionNo : -1;
    case 'D': return JSM_KEY_IS("Date") ? kDate : -1;
    case 'P':
      if (JSM_KEY_IS("ProductNo")) return kProductNo;
      if (JSM_KEY_IS("Product")) return kProduct;
      if (JSM_KEY_IS("Price")) return kPrice;
      return -1;
    case 'Q': return JSM_KEY_IS("Quantity") ? kQuantity : -1;
    case 'C':
      if (JSM_KEY_IS("CustomerNo")) return kCustomerNo;
      if (JSM_KEY_IS("Country")) return kCountry;
      if (JSM_KEY_IS("Currency")) return kCurrency;
      return -1;
    default: return -1;
  }
#undef JSM_KEY_IS
}

/// True if the raw key (bytes after the opening quote) has an escape sequence.
bool RawKeyHasEscape(const char* raw) {
  for (;; ++raw) {
    if (*raw == '"') return false;
    if (*raw == '\\') return true;
  }
}

/// A field as found in the event: its JSON type and text (unescaped string
/// content, or the raw token of a number or literal).
struct RawField {
  json_type type;
  std::string_view text;
};

std::string_view JsonTypeName(json_type type) {
  switch (type) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "an unknown type";
}

/// Appends `text` in single quotes, cut at a UTF-8 boundary if long.
void AppendQuoted(std::string_view text, std::string* out) {
  constexpr size_t kMaxEcho = 64;
  out->push_back('\'');
  if (text.size() <= kMaxEcho) {
    out->append(text);
  } else {
    size_t cut = kMaxEcho;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    out->append(text.substr(0, cut));
    out->append("...");
  }
  out->push_back('\'');
}

/// True for a JSON number token without fraction or exponent.
bool IsIntegerToken(std::string_view token) {
  return token.find_first_of(".eE") == std::string_view::npos;
}

/// Parses [+-]digits into an int32; false if malformed or out of range.
bool ParseInt32(std::string_view text, int32_t* value) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  if (i == text.size()) return false;
  int64_t v = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    if (v > int64_t{std::numeric_limits<int32_t>::max()} + 1) return false;
  }
  if (negative) v = -v;
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return false;
  *value = static_cast<int32_t>(v);
  return true;
}

bool IsNotAvailable(std::string_view text) {
  return text.empty() || (text.size() == 2 && (text[0] == 'N' || text[0] == 'n') &&
                          (text[1] == 'A' || text[1] == 'a'));
}

}  // namespace

std::string_view RejectReasonCode(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNone: return "none";
    case RejectReason::kNotJson: return "not_json";
    case RejectReason::kMissingField: return "missing_field";
    case RejectReason::kWrongType: return "wrong_type";
    case RejectReason::kOversize: return "oversize";
    case RejectReason::kInvalidUtf8: return "invalid_utf8";
    case RejectReason::kDuplicateField: return "duplicate_field";
  }
  return "unknown";
}

std::string_view AmountStatusCode(AmountStatus status) {
  switch (status) {
    case AmountStatus::kOk: return "ok";
    case AmountStatus::kUnitPriceOutOfRange: return "unit_price_in_range";
    case AmountStatus::kLineTotalOutOfRange: return "line_total_in_range";
  }
  return "unknown";
}

struct OrderParser::Impl {
  simdjson::ondemand::parser json;
  std::unique_ptr<char[]> buffer;  ///< the event copy, with SIMDJSON_PADDING spare bytes
  size_t capacity = 0;
  std::string product_no_scratch;
  std::string product_name_scratch;
  std::string currency_scratch;
  RawField fields[kFieldCount];
  std::vector<std::string_view> unknown_keys;  ///< of the current event, unescaped
  std::shared_ptr<const NormalizationTables> tables;
  // The last country looked up: events of a batch mostly share a few countries.
  std::string last_country;
  std::string_view last_country_name;
  std::string_view last_country_code;

  /// Canonical name and code of the trimmed `country` (itself, with no code, if unknown).
  void ResolveCountry(std::string_view country, std::string_view* name, std::string_view* code) {
    if (country != last_country || last_country.empty()) {
      if (!tables->countries.Lookup(country, &last_country_name, &last_country_code)) {
        // Unknown: the name is the raw text, which does not outlive this event.
        last_country.clear();
        *name = country;
        *code = {};
        return;
      }
      last_country.assign(country);
    }
    *name = last_country_name;
    *code = last_country_code;
  }

  /// Copies `event` into the padded buffer, growing it (and simdjson's own
  /// buffers) geometrically up to `max_bytes` when needed.
  simdjson::error_code Load(std::string_view event, size_t max_bytes) {
    const size_t needed = event.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity) {
      capacity = std::max({needed, 2 * capacity, size_t{4096}});
      buffer = std::make_unique_for_overwrite<char[]>(capacity);
    }
    std::memcpy(buffer.get(), event.data(), event.size());
    std::memset(buffer.get() + event.size(), 0, simdjson::SIMDJSON_PADDING);
    if (event.size() > json.capacity()) {
      const size_t grown = std::max({event.size(), 2 * json.capacity(), size_t{4096}});
      return json.allocate(std::min(grown, std::max(max_bytes, event.size())));
    }
    return simdjson::SUCCESS;
  }
};

OrderParser::OrderParser(size_t max_event_bytes, std::shared_ptr<const NormalizationTables> tables)
    : impl_(std::make_unique<Impl>()), max_event_bytes_(max_event_bytes) {
  impl_->tables = tables ? std::move(tables) : DefaultNormalizationTables();
}

OrderParser::~OrderParser() = default;

RejectReason OrderParser::Parse(std::string_view json, NormalizedOrder* out) {
  error_.clear();
  auto reject = [this](RejectReason reason, std::string_view first, std::string_view quoted = {},
                       std::string_view last = {}) {
    error_.append(first);
    if (!quoted.empty() || !last.empty()) {
      AppendQuoted(quoted, &error_);
      error_.append(last);
    }
    return reason;
  };
  auto not_json = [&](simdjson::error_code code) {
    return reject(RejectReason::kNotJson, std::string("not valid JSON: ") + simdjson::error_message(code));
  };

  if (json.size() > max_event_bytes_) {
    return reject(RejectReason::kOversize, "event of " + std::to_string(json.size()) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(max_event_bytes_) + " bytes");
  }
  // simdjson's stage 1 validates the UTF-8 of the whole event (and rejects raw
  // control characters in strings), so a document it accepts is valid UTF-8;
  // validate_utf8 runs only on failure, to report invalid UTF-8 before bad JSON.
  Impl& impl = *impl_;
  if (auto code = impl.Load(json, max_event_bytes_)) return not_json(code);
  simdjson::ondemand::document doc;
  if (auto code = impl.json.iterate(impl.buffer.get(), json.size(), impl.capacity).get(doc)) {
    if (!simdjson::validate_utf8(json.data(), json.size())) {
      return reject(RejectReason::kInvalidUtf8, "event is not valid UTF-8");
    }
    return not_json(code);
  }
  simdjson::ondemand::object object;
  json_type root_type;
  if (auto code = doc.type().get(root_type)) return not_json(code);
  if (root_type != json_type::object) {
    return reject(RejectReason::kNotJson, std::string("not a JSON object but ") +
                                              std::string(JsonTypeName(root_type)));
  }
  if (auto code = doc.get_object().get(object)) return not_json(code);

  // Pass 1: collect the eight fields, and note which of ours are repeated.
  const bool has_escapes = std::memchr(json.data(), '\\', json.size()) != nullptr;
  uint32_t seen = 0;
  uint32_t repeated = 0;
  impl.unknown_keys.clear();
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (auto code = std::move(field_result).get(field)) return not_json(code);
    const char* raw_key = field.key().raw();
    int index = RawFieldIndex(raw_key);
    if (index < 0) [[unlikely]] {
      std::string_view key;
      if (has_escapes && RawKeyHasEscape(raw_key)) {
        if (auto code = field.unescaped_key().get(key)) return not_json(code);
        index = FieldIndex(key);
      } else {
        // No escape: the key's bytes end at the next quote (stage 1 has checked the string).
        const char* const buffer_end = impl.buffer.get() + json.size();
        const void* quote = std::memchr(raw_key, '"', static_cast<size_t>(buffer_end - raw_key));
        if (quote == nullptr) return reject(RejectReason::kNotJson, "not valid JSON: unterminated key");
        key = std::string_view(raw_key, static_cast<const char*>(quote) - raw_key);
      }
      if (index < 0) {
        impl.unknown_keys.push_back(key);
        continue;
      }
    }
    const uint32_t bit = 1u << index;
    if ((seen & bit) != 0) [[unlikely]] {
      repeated |= bit;
      continue;
    }
    seen |= bit;
    RawField& raw = impl.fields[index];
    simdjson::ondemand::value& value = field.value();
    if (auto code = value.type().get(raw.type)) return not_json(code);
    switch (raw.type) {
      case json_type::string: {
        // Without escapes the content is used in place (stage 1 has checked it);
        // with escapes simdjson unescapes it into its string buffer.
        const std::string_view token = TrimAsciiWhitespace(value.raw_json_token());
        if (token.size() >= 2 && token.back() == '"' &&
            (!has_escapes || std::memchr(token.data() + 1, '\\', token.size() - 2) == nullptr)) {
          raw.text = token.substr(1, token.size() - 2);
        } else if (auto code = value.get_string().get(raw.text)) {
          return not_json(code);
        }
        break;
      }
      case json_type::number:
      case json_type::boolean:
      case json_type::null:
        raw.text = TrimAsciiWhitespace(value.raw_json_token());
        break;
      case json_type::object:
      case json_type::array:
        raw.text = {};
        break;
    }
  }
  // At the end of the document, current_location() reports OUT_OF_BOUNDS.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return reject(RejectReason::kNotJson, "not valid JSON: content after the object");
  }

  // Pass 2: no key twice (ours named first, in field order), then every required field present.
  std::string_view duplicate_key;
  bool has_duplicate = repeated != 0;
  if (has_duplicate) {
    duplicate_key = kFieldNames[std::countr_zero(repeated)];
  } else if (impl.unknown_keys.size() > 1) [[unlikely]] {
    std::sort(impl.unknown_keys.begin(), impl.unknown_keys.end());
    const auto twice = std::adjacent_find(impl.unknown_keys.begin(), impl.unknown_keys.end());
    if (twice != impl.unknown_keys.end()) {
      duplicate_key = *twice;
      has_duplicate = true;
    }
  }
  if (has_duplicate) {
    return reject(RejectReason::kDuplicateField, "duplicate field ", duplicate_key,
                  " (a key may appear once in an event)");
  }
  const bool has_currency = (seen & (1u << kCurrency)) != 0;
  for (int i = 0; i < kRequiredFieldCount; ++i) {
    if ((seen & (1u << i)) == 0) {
      return reject(RejectReason::kMissingField, "missing field ", kFieldNames[i]);
    }
  }
  // Literals and numbers were only peeked at by On-Demand: check their spelling.
  for (int i = 0; i < (has_currency ? kFieldCount : kRequiredFieldCount); ++i) {
    const RawField& raw = impl.fields[i];
    const bool well_formed = raw.type == json_type::number    ? IsJsonNumber(raw.text)
                             : raw.type == json_type::boolean ? (raw.text == "true" || raw.text == "false")
                             : raw.type == json_type::null    ? raw.text == "null"
                                                              : true;
    if (!well_formed) {
      return reject(RejectReason::kNotJson, "not valid JSON: malformed value ", raw.text,
                    std::string(" of ") + std::string(kFieldNames[i]));
    }
  }

  // Pass 3: types, conversions and normalization, in field order.
  auto wrong_type = [&](int field, std::string_view expected) {
    error_.append(kFieldNames[field]);
    error_.append(" must be ");
    error_.append(expected);
    error_.append(", got ");
    error_.append(JsonTypeName(impl.fields[field].type));
    return RejectReason::kWrongType;
  };
  auto bad_text = [&](int field, std::string_view text, std::string_view problem) {
    error_.append(kFieldNames[field]);
    error_.push_back(' ');
    AppendQuoted(text, &error_);
    error_.append(problem);
    return RejectReason::kWrongType;
  };
  for (int i : {kTransactionNo, kDate, kProductNo, kProduct, kCountry}) {
    if (impl.fields[i].type != json_type::string) return wrong_type(i, "a string");
  }

  out->transaction_no = TrimAsciiWhitespace(impl.fields[kTransactionNo].text);
  out->is_cancellation = !out->transaction_no.empty() && out->transaction_no[0] == 'C';

  const std::string_view date = TrimAsciiWhitespace(impl.fields[kDate].text);
  if (!impl.tables->date_formats.ToDays(date, &out->order_date)) {
    return bad_text(kDate, date, " is not M/D/YYYY or ISO 8601");
  }

  out->product_no = UpperAscii(TrimAsciiWhitespace(impl.fields[kProductNo].text), &impl.product_no_scratch);
  out->product_name = CollapseWhitespace(impl.fields[kProduct].text, &impl.product_name_scratch);

  const RawField& price = impl.fields[kPrice];
  if (price.type == json_type::number) {
    if (!ParsePriceCents(price.text, &out->unit_price_cents)) {
      return bad_text(kPrice, price.text, " is out of range");
    }
  } else if (price.type == json_type::string) {
    const std::string_view text = TrimAsciiWhitespace(price.text);
    if (!ParsePriceCents(text, &out->unit_price_cents)) {
      return bad_text(kPrice, text, " is not a decimal number in range");
    }
  } else {
    return wrong_type(kPrice, "a number or a numeric string");
  }

  out->currency = {};
  out->currency_status = CurrencyStatus::kOk;
  out->original_unit_price_cents = 0;
  if (has_currency) {
    const RawField& currency = impl.fields[kCurrency];
    if (currency.type == json_type::string) {
      const std::string_view code = UpperAscii(TrimAsciiWhitespace(currency.text), &impl.currency_scratch);
      if (code != "GBP") {
        out->currency = code;
        out->original_unit_price_cents = out->unit_price_cents;
        int64_t rate_e9 = 0;
        out->currency_status = impl.tables->currencies.RateOn(code, out->order_date, &rate_e9);
        if (out->currency_status == CurrencyStatus::kOk &&
            !ConvertCents(out->original_unit_price_cents, rate_e9, &out->unit_price_cents)) {
          return bad_text(kPrice, price.text, " is out of range once converted to GBP");
        }
      }
    } else if (currency.type != json_type::null) {
      return wrong_type(kCurrency, "a string (an ISO 4217 code) or null");
    }
  }

  const RawField& quantity = impl.fields[kQuantity];
  if (quantity.type == json_type::number) {
    if (!IsIntegerToken(quantity.text)) return bad_text(kQuantity, quantity.text, " is not an integer");
    if (!ParseInt32(quantity.text, &out->quantity)) {
      return bad_text(kQuantity, quantity.text, " is outside the int32 range");
    }
  } else if (quantity.type == json_type::string) {
    const std::string_view text = TrimAsciiWhitespace(quantity.text);
    if (!ParseInt32(text, &out->quantity)) {
      return bad_text(kQuantity, text, " is not an integer in the int32 range");
    }
  } else {
    return wrong_type(kQuantity, "an integer number or an integer string");
  }
  // Exact in 128 bits: |price| < 2^63 and |quantity| <= 2^31.
  const __int128 line_total = static_cast<__int128>(out->unit_price_cents) * out->quantity;
  auto beyond_silver = [](__int128 cents) { return cents > kMaxSilverCents || cents < -kMaxSilverCents; };
  out->amount_status = AmountStatus::kOk;
  out->line_total_cents = 0;
  if (beyond_silver(out->unit_price_cents) || beyond_silver(out->original_unit_price_cents)) {
    out->amount_status = AmountStatus::kUnitPriceOutOfRange;
  } else if (beyond_silver(line_total)) {
    out->amount_status = AmountStatus::kLineTotalOutOfRange;
  } else {
    out->line_total_cents = static_cast<int64_t>(line_total);
  }

  const RawField& customer = impl.fields[kCustomerNo];
  if (customer.type == json_type::string) {
    const std::string_view text = TrimAsciiWhitespace(customer.text);
    out->customer_no = IsNotAvailable(text) ? std::string_view() : text;
  } else if (customer.type == json_type::number) {
    if (customer.text[0] == '-' || !IsIntegerToken(customer.text)) {
      return bad_text(kCustomerNo, customer.text, " is not a non-negative integer");
    }
    out->customer_no = customer.text;
  } else if (customer.type == json_type::null) {
    out->customer_no = {};
  } else {
    return wrong_type(kCustomerNo, "a string, an integer or null");
  }

  const std::string_view country = TrimAsciiWhitespace(impl.fields[kCountry].text);
  impl.ResolveCountry(country, &out->country, &out->country_code);
  return RejectReason::kNone;
}

}  // namespace jsm::model
