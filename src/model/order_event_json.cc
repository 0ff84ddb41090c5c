#include "model/order_record.h"

#include "model/json_number.h"

namespace jsm::model {
namespace {

constexpr bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

/// Appends `text` as a JSON number when it is one, else as a JSON string.
void AppendNumberOrString(std::string_view text, std::string* out) {
  if (IsJsonNumber(text)) {
    out->append(text);
  } else {
    AppendJsonString(text, out);
  }
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out->append(text.data() + run_start, i - run_start);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(escape, sizeof(escape));
    }
    run_start = i + 1;
  }
  out->append(text.data() + run_start, text.size() - run_start);
  out->push_back('"');
}

void AppendOrderEventJson(const OrderRecord& record, std::string* out) {
  out->append("{\"TransactionNo\":");
  AppendJsonString(record.transaction_no, out);
  out->append(",\"Date\":");
  AppendJsonString(record.date, out);
  out->append(",\"ProductNo\":");
  AppendJsonString(record.product_no, out);
  out->append(",\"Product\":");
  AppendJsonString(record.product, out);
  out->append(",\"Price\":");
  AppendNumberOrString(record.price, out);
  out->append(",\"Quantity\":");
  AppendNumberOrString(record.quantity, out);
  out->append(",\"CustomerNo\":");
  AppendJsonString(record.customer_no, out);
  out->append(",\"Country\":");
  AppendJsonString(record.country, out);
  if (!record.currency.empty()) {
    out->append(",\"Currency\":");
    AppendJsonString(record.currency, out);
  }
  out->push_back('}');
}

}  // namespace jsm::model
