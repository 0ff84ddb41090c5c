#pragma once
/// Typed values from their text forms in the Delta log: partition values
/// (PROTOCOL.md, "Partition Value Serialization"), stats bounds and the literals
/// of read predicates.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/record_batch.h"
#include "common/status.h"

namespace jsm::delta {

/// One non-null value: integer-like types (boolean, integers, date days,
/// timestamp micros, unscaled decimal) as int64, doubles, strings, and unscaled
/// 128-bit decimals as Int128.
using Value = std::variant<int64_t, double, std::string, Int128>;

/// Parses `text` as a value of `field`'s type. Dates "YYYY-MM-DD"; timestamps
/// "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+00:00]"; decimals "123.45" (scaled to the
/// field's scale); booleans "true"/"false"; binary as base64 (our choice: the
/// protocol leaves binary stats out and we never partition by binary).
/// kInvalidArgument when it does not parse.
Result<Value> ParseValueText(std::string_view text, const Field& field);

/// The protocol's text form of row `row` of `column` (non-null), e.g. "2024-01-31"
/// for a date, "2024-01-31 10:00:00.000000" for a timestamp, "12.34" for a decimal,
/// base64 for binary bytes (so the text is always valid UTF-8).
std::string FormatValueText(const Column& column, size_t row, const Field& field);

/// An unscaled decimal as text with `scale` fraction digits, e.g. (1234, 2) -> "12.34",
/// (-5, 2) -> "-0.05"; INT64_MIN included.
std::string FormatUnscaled(int64_t unscaled, int scale);

/// Orders two values of the same type: <0, 0, >0.
int CompareValues(const Value& a, const Value& b);

/// Appends `value` (of `field`'s type) to `column`.
void AppendValue(const Value& value, Column* column);

/// Value of row `row` (non-null) of `column`.
Value ValueAt(const Column& column, size_t row);

}  // namespace jsm::delta
