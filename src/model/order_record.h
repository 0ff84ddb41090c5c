#pragma once
/// An order line as it arrives from a source (CSV file, synthetic generator), as
/// text fields, and its encoding as the JSON order event produced to Kafka.

#include <string>
#include <string_view>

namespace jsm::model {

/// The eight fields of an order event, as text exactly as the source gave them.
struct OrderRecord {
  std::string transaction_no;
  std::string date;         ///< e.g. "12/9/2019"
  std::string product_no;
  std::string product;      ///< the CSV's ProductName
  std::string price;        ///< decimal text, e.g. "21.47"
  std::string quantity;     ///< integer text, e.g. "-12"
  std::string customer_no;  ///< digits, or "NA"
  std::string country;
  std::string currency;     ///< ISO 4217 code; empty = the event carries no Currency (GBP)
};

/// Appends the JSON order event for `record` to `out` (not cleared):
/// {"TransactionNo":"...","Date":"...","ProductNo":"...","Product":"...",
///  "Price":21.47,"Quantity":12,"CustomerNo":"17490","Country":"..."}, plus
/// ,"Currency":"EUR" before the brace when `record.currency` is not empty.
/// Price and Quantity are JSON numbers when their text is a valid number, else strings.
void AppendOrderEventJson(const OrderRecord& record, std::string* out);

/// Appends `text` to `out` as a JSON string literal (quotes and escapes).
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace jsm::model
