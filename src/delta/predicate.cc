// Predicates on columns, file skipping by partition values and stats, row filtering.

#include "delta/predicate.h"

#include <algorithm>
#include <optional>
#include <simdjson.h>

#include "delta/value_text.h"

namespace jsm::delta {
namespace {

/// Longest string prefix, in characters, that writers keep in stats.
constexpr size_t kStatsStringPrefix = 32;

bool Matches(int cmp, CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return cmp == 0;
    case CompareOp::kNe: return cmp != 0;
    case CompareOp::kLt: return cmp < 0;
    case CompareOp::kLe: return cmp <= 0;
    case CompareOp::kGt: return cmp > 0;
    case CompareOp::kGe: return cmp >= 0;
  }
  return true;
}

Result<const Field*> FieldOf(const Schema& schema, const std::string& column) {
  const int index = schema.FieldIndex(column);
  if (index < 0) return MakeError(ErrorCode::kInvalidArgument, "predicate on unknown column '" + column + "'");
  return &schema.fields[static_cast<size_t>(index)];
}

Result<Value> LiteralOf(const Predicate& predicate, const Field& field) {
  auto value = ParseValueText(predicate.literal, field);
  if (!value) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "literal of predicate on column '" + predicate.column + "': " + value.error().message());
  }
  return value;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// A bound of `field` from a stats object (minValues or maxValues), if present and readable.
std::optional<Value> StatsBound(simdjson::dom::element stats, std::string_view which, const Field& field) {
  simdjson::dom::element bound;
  if (stats[which][field.name].get(bound) != simdjson::SUCCESS || bound.is_null()) return std::nullopt;
  std::string text;
  std::string_view s;
  if (bound.get(s) == simdjson::SUCCESS) {
    text = std::string(s);
  } else {
    text = simdjson::minify(bound);
  }
  auto value = ParseValueText(text, field);
  if (!value) return std::nullopt;
  return *value;
}

}  // namespace

Result<Predicate> ParsePredicate(std::string_view text) {
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
      {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<>", CompareOp::kNe}, {"<=", CompareOp::kLe},
      {">=", CompareOp::kGe}, {"=", CompareOp::kEq},  {"<", CompareOp::kLt},  {">", CompareOp::kGt}};
  size_t best = std::string_view::npos;
  std::string_view best_op;
  CompareOp op = CompareOp::kEq;
  for (const auto& [symbol, code] : kOps) {
    const size_t at = text.find(symbol);
    if (at != std::string_view::npos && (at < best || (at == best && symbol.size() > best_op.size()))) {
      best = at;
      best_op = symbol;
      op = code;
    }
  }
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
    return std::string(s);
  };
  if (best == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "predicate '" + std::string(text) + "' is not `column op literal` (op: = != < <= > >=)");
  }
  Predicate predicate{trim(text.substr(0, best)), op, trim(text.substr(best + best_op.size()))};
  if (predicate.column.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "predicate '" + std::string(text) + "' names no column");
  }
  return predicate;
}

Result<bool> FileMayMatch(const std::vector<Predicate>& predicates, const AddFile& add, const Metadata& metadata) {
  simdjson::dom::parser parser;
  simdjson::dom::element stats;
  const bool has_stats = !add.stats.empty() && parser.parse(add.stats).get(stats) == simdjson::SUCCESS;
  for (const Predicate& predicate : predicates) {
    JSM_ASSIGN_OR_RETURN(const Field* field, FieldOf(metadata.schema, predicate.column));
    JSM_ASSIGN_OR_RETURN(const Value literal, LiteralOf(predicate, *field));
    const bool is_partition = std::find(metadata.partition_columns.begin(), metadata.partition_columns.end(),
                                        predicate.column) != metadata.partition_columns.end();
    if (is_partition) {
      const auto it = add.partition_values.find(predicate.column);
      if (it == add.partition_values.end() || it->second.empty()) return false;  // null matches nothing
      auto value = ParseValueText(it->second, *field);
      if (!value) continue;
      if (!Matches(CompareValues(*value, literal), predicate.op)) return false;
      continue;
    }
    if (!has_stats) continue;
    int64_t num_records = -1, null_count = -1;
    if (stats["numRecords"].get(num_records) != simdjson::SUCCESS) num_records = -1;
    if (stats["nullCount"][predicate.column].get(null_count) != simdjson::SUCCESS) null_count = -1;
    if (num_records >= 0 && null_count == num_records) return false;  // every value is null
    std::optional<Value> min = StatsBound(stats, "minValues", *field);
    std::optional<Value> max = StatsBound(stats, "maxValues", *field);
    if (field->type == DataType::kTimestamp && max) {
      std::get<int64_t>(*max) += 999;  // bounds are truncated to milliseconds
    }
    if (field->type == DataType::kString && max && Utf8Length(std::get<std::string>(*max)) >= kStatsStringPrefix) {
      max.reset();  // possibly a truncated prefix: not an upper bound
    }
    switch (predicate.op) {
      case CompareOp::kEq:
        if (min && CompareValues(*min, literal) > 0) return false;
        if (max && CompareValues(*max, literal) < 0) return false;
        break;
      case CompareOp::kNe:
        if (min && max && CompareValues(*min, literal) == 0 && CompareValues(*max, literal) == 0) return false;
        break;
      case CompareOp::kLt:
        if (min && CompareValues(*min, literal) >= 0) return false;
        break;
      case CompareOp::kLe:
        if (min && CompareValues(*min, literal) > 0) return false;
        break;
      case CompareOp::kGt:
        if (max && CompareValues(*max, literal) <= 0) return false;
        break;
      case CompareOp::kGe:
        if (max && CompareValues(*max, literal) < 0) return false;
        break;
    }
  }
  return true;
}

Status FilterRows(const std::vector<Predicate>& predicates, RecordBatch* batch) {
  if (predicates.empty()) return Status::Ok();
  std::vector<uint8_t> keep(batch->num_rows(), 1);
  for (const Predicate& predicate : predicates) {
    JSM_ASSIGN_OR_RETURN(const Field* field, FieldOf(batch->schema(), predicate.column));
    JSM_ASSIGN_OR_RETURN(const Value literal, LiteralOf(predicate, *field));
    const Column& column = batch->column(static_cast<size_t>(batch->schema().FieldIndex(predicate.column)));
    for (size_t row = 0; row < keep.size(); ++row) {
      if (!keep[row]) continue;
      keep[row] = column.IsValid(row) && Matches(CompareValues(ValueAt(column, row), literal), predicate.op);
    }
  }
  RecordBatch filtered(batch->schema());
  for (size_t c = 0; c < batch->num_columns(); ++c) {
    for (size_t row = 0; row < keep.size(); ++row) {
      if (keep[row]) filtered.column(c).AppendFrom(batch->column(c), row);
    }
  }
  *batch = std::move(filtered);
  return Status::Ok();
}

}  // namespace jsm::delta
