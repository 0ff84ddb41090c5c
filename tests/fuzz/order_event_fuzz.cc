// libFuzzer target for the order event parser (model/order_parser.h), the hot
// path of refine: any bytes must become a normalized order or a reject reason
// with a message, never a crash, a hang or a sanitizer report. Seeds:
// corpus/order_event/, keywords: order_event.dict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/order_parser.h"

namespace {

/// Stops the run (libFuzzer reports it as a crash with the input) when `ok` is false.
void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One parser for the whole run, as refine keeps one per thread: state left
  // behind by one event must not change how the next one parses.
  static jsm::model::OrderParser parser(64 * 1024);
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  jsm::model::NormalizedOrder order;
  const jsm::model::RejectReason reason = parser.Parse(json, &order);
  if (reason != jsm::model::RejectReason::kNone) {
    Require(!parser.error().empty());
    Require(!jsm::model::RejectReasonCode(reason).empty());
    return 0;
  }
  Require(order.is_cancellation == order.transaction_no.starts_with('C'));
  const uint32_t broken = jsm::model::CheckQuality(order);
  // An empty TransactionNo parses (it is a string) and is the transaction_no_pattern
  // expectation's to refuse, so it reaches quarantine with the rule named.
  Require(!order.transaction_no.empty() || (broken & jsm::model::kRuleTransactionNoPattern) != 0);
  Require((broken == 0) == jsm::model::QualityRuleNames(broken).empty());
  // Parsing the same bytes again gives the same order (no state carried over).
  jsm::model::NormalizedOrder again;
  Require(parser.Parse(json, &again) == jsm::model::RejectReason::kNone);
  Require(again.unit_price_cents == order.unit_price_cents && again.quantity == order.quantity &&
          again.line_total_cents == order.line_total_cents && again.order_date == order.order_date);
  return 0;
}
