// Per-file statistics of an add action (PROTOCOL.md, "Per-file Statistics"):
// numRecords, and per column minValues, maxValues and nullCount.

#include <cmath>
#include <string>

#include <simdjson.h>

#include "common/clock.h"
#include "delta/actions.h"
#include "delta/json_writer.h"
#include "delta/value_text.h"

namespace jsm::delta {
namespace {

/// Longest string prefix, in characters, kept in minValues/maxValues.
constexpr size_t kStringPrefixChars = 32;
/// U+10FFFF in UTF-8: the tie-breaker appended to a cut maximum.
constexpr std::string_view kMaxCodePoint = "\xF4\x8F\xBF\xBF";

/// Byte length of the first `chars` UTF-8 characters of `s` (all of it if shorter).
size_t Utf8PrefixBytes(std::string_view s, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if ((byte & 0xC0) != 0x80) {  // not a continuation byte: a character starts here
      if (seen == chars) return i;
      ++seen;
    }
  }
  return s.size();
}

/// "YYYY-MM-DDTHH:MM:SS.mmmZ", truncated down to milliseconds as the protocol says.
std::string FormatStatsTimestamp(int64_t micros) {
  const int64_t floored = micros >= 0 ? micros / 1000 * 1000 : -((-micros + 999) / 1000) * 1000;
  std::string text = FormatTimestampMicros(floored);  // "....SS.ffffffZ"
  text.erase(text.size() - 4, 3);                     // drop the three zero microsecond digits
  return text;
}

/// Min and max of the valid integer-like values of a column; false if none.
bool IntRange(const Column& column, int64_t* min, int64_t* max) {
  bool any = false;
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.IsNull(row)) continue;
    const int64_t v = column.IntAt(row);
    if (!any || v < *min) *min = v;
    if (!any || v > *max) *max = v;
    any = true;
  }
  return any;
}

/// Writes the min and max members of one column, if it has any.
void WriteRange(const Field& field, const Column& column, JsonWriter* min_json, JsonWriter* max_json) {
  switch (field.type) {
    case DataType::kBoolean: {
      // Written although Spark skips them: deltalake's pyarrow reader treats a
      // missing bound as "no row matches" and would drop the file under a filter.
      int64_t min = 0, max = 0;
      if (!IntRange(column, &min, &max)) return;
      min_json->Member(field.name, min != 0);
      max_json->Member(field.name, max != 0);
      return;
    }
    case DataType::kInt32:
    case DataType::kInt64: {
      int64_t min = 0, max = 0;
      if (!IntRange(column, &min, &max)) return;
      min_json->Member(field.name, min);
      max_json->Member(field.name, max);
      return;
    }
    case DataType::kDate: {
      int64_t min = 0, max = 0;
      if (!IntRange(column, &min, &max)) return;
      min_json->Member(field.name, std::string_view(FormatDate(static_cast<int32_t>(min))));
      max_json->Member(field.name, std::string_view(FormatDate(static_cast<int32_t>(max))));
      return;
    }
    case DataType::kTimestamp: {
      int64_t min = 0, max = 0;
      if (!IntRange(column, &min, &max)) return;
      min_json->Member(field.name, std::string_view(FormatStatsTimestamp(min)));
      max_json->Member(field.name, std::string_view(FormatStatsTimestamp(max)));
      return;
    }
    case DataType::kDecimal: {
      int64_t min = 0, max = 0;
      if (!IntRange(column, &min, &max)) return;
      min_json->Key(field.name);
      min_json->RawValue(FormatUnscaled(min, field.scale));
      max_json->Key(field.name);
      max_json->RawValue(FormatUnscaled(max, field.scale));
      return;
    }
    case DataType::kDecimal128: {
      bool any = false;
      Int128 min = 0, max = 0;
      for (size_t row = 0; row < column.size(); ++row) {
        if (column.IsNull(row)) continue;
        const Int128 v = column.WideAt(row);
        if (!any || v < min) min = v;
        if (!any || v > max) max = v;
        any = true;
      }
      if (!any) return;
      min_json->Key(field.name);
      min_json->RawValue(FormatUnscaled128(min, field.scale));
      max_json->Key(field.name);
      max_json->RawValue(FormatUnscaled128(max, field.scale));
      return;
    }
    case DataType::kDouble: {
      // NaN is left out of both bounds (JSON has no NaN), as are infinite bounds.
      bool any = false;
      double min = 0, max = 0;
      for (size_t row = 0; row < column.size(); ++row) {
        if (column.IsNull(row)) continue;
        const double v = column.DoubleAt(row);
        if (std::isnan(v)) continue;
        if (!any || v < min) min = v;
        if (!any || v > max) max = v;
        any = true;
      }
      if (!any) return;
      if (std::isfinite(min)) {
        min_json->Key(field.name);
        min_json->Double(min);
      }
      if (std::isfinite(max)) {
        max_json->Key(field.name);
        max_json->Double(max);
      }
      return;
    }
    case DataType::kBinary:
      return;  // no bounds for bytes, as Spark: only nullCount
    case DataType::kString: {
      bool any = false;
      std::string_view min, max;
      for (size_t row = 0; row < column.size(); ++row) {
        if (column.IsNull(row)) continue;
        const std::string_view v = column.StringAt(row);
        // Defensive: a string column should hold UTF-8 only, but bounds that are not
        // would make the log line invalid JSON; then the column gets no bounds at all.
        if (!simdjson::validate_utf8(v.data(), v.size())) return;
        if (!any || v < min) min = v;
        if (!any || v > max) max = v;
        any = true;
      }
      if (!any) return;
      // A prefix of the minimum is still a lower bound. A cut maximum is not an
      // upper bound until it gets a tie-breaker: U+10FFFF, the greatest code
      // point, sorts after anything that could have followed the prefix.
      min_json->Member(field.name, min.substr(0, Utf8PrefixBytes(min, kStringPrefixChars)));
      const size_t max_prefix = Utf8PrefixBytes(max, kStringPrefixChars);
      if (max_prefix == max.size()) {
        max_json->Member(field.name, max);
      } else if (max.substr(max_prefix, kMaxCodePoint.size()) != kMaxCodePoint) {
        max_json->Member(field.name, std::string(max.substr(0, max_prefix)) + std::string(kMaxCodePoint));
      }
      return;
    }
  }
}

}  // namespace

std::string ComputeStatsJson(const RecordBatch& batch) {
  JsonWriter min_json, max_json, null_json;
  min_json.BeginObject();
  max_json.BeginObject();
  null_json.BeginObject();
  const Schema& schema = batch.schema();
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& field = schema.fields[i];
    const Column& column = batch.column(i);
    const size_t nulls = column.null_count();
    null_json.Member(field.name, static_cast<int64_t>(nulls));
    if (nulls < column.size()) WriteRange(field, column, &min_json, &max_json);
  }
  min_json.EndObject();
  max_json.EndObject();
  null_json.EndObject();

  JsonWriter json;
  json.BeginObject();
  json.Member("numRecords", static_cast<int64_t>(batch.num_rows()));
  json.Key("minValues");
  json.RawValue(min_json.str());
  json.Key("maxValues");
  json.RawValue(max_json.str());
  json.Key("nullCount");
  json.RawValue(null_json.str());
  json.EndObject();
  return json.Take();
}

}  // namespace jsm::delta
