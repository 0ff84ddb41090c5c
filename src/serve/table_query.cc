#include "serve/table_query.h"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "common/csv_cell.h"
#include "delta/json_writer.h"
#include "delta/scan.h"
#include "delta/table.h"
#include "delta/value_text.h"

namespace jsm::serve {
namespace {

Result<int64_t> ParseCount(std::string_view name, std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(name) + "=" + std::string(text) +
                                                      " is not a whole number in " + std::to_string(min) + ".." +
                                                      std::to_string(max));
  }
  return value;
}

/// <0, 0, >0 comparing row a and row b of a column; nulls first.
int CompareRows(const Column& column, size_t a, size_t b) {
  const bool null_a = column.IsNull(a), null_b = column.IsNull(b);
  if (null_a || null_b) return static_cast<int>(null_b) - static_cast<int>(null_a);
  return delta::CompareValues(delta::ValueAt(column, a), delta::ValueAt(column, b));
}

}  // namespace

Result<TableQuery> ParseTableQuery(const std::multimap<std::string, std::string>& params, std::string_view accept) {
  TableQuery query;
  query.csv = accept.find("text/csv") != std::string_view::npos;
  for (const auto& [key, value] : params) {
    if (key == "limit") {
      JSM_ASSIGN_OR_RETURN(query.limit, ParseCount("limit", value, 0, kMaxRowLimit));
    } else if (key == "version") {
      JSM_ASSIGN_OR_RETURN(query.version, ParseCount("version", value, 0, INT64_MAX));
    } else if (key == "format") {
      if (value != "json" && value != "csv") {
        return MakeError(ErrorCode::kInvalidArgument, "format=" + value + ": use json or csv");
      }
      query.csv = value == "csv";
    } else if (key == "filter") {
      auto predicate = delta::ParsePredicate(value);
      if (!predicate) return MakeError(ErrorCode::kInvalidArgument, "filter=" + value + ": " + predicate.error().message());
      query.filters.push_back(std::move(*predicate));
    } else if (key == "order") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        OrderKey order;
        if (item.starts_with('-')) {
          order.descending = true;
          item.remove_prefix(1);
        } else if (item.ends_with(":desc")) {
          order.descending = true;
          item.remove_suffix(5);
        } else if (item.ends_with(":asc")) {
          item.remove_suffix(4);
        }
        if (item.empty()) return MakeError(ErrorCode::kInvalidArgument, "order=" + value + ": an empty column name");
        order.column = std::string(item);
        query.order.push_back(std::move(order));
      }
    } else if (key != "token") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown parameter '" + key + "' (use limit, order, filter, version, format)");
    }
  }
  return query;
}

Result<TableRows> QueryTable(storage::ObjectStore* store, const std::string& table_path, const TableQuery& query) {
  std::unique_ptr<delta::DeltaTable> table;
  if (query.version >= 0) {
    JSM_ASSIGN_OR_RETURN(table, delta::DeltaTable::OpenAtVersion(store, table_path, query.version));
  } else {
    JSM_ASSIGN_OR_RETURN(table, delta::DeltaTable::Open(store, table_path));
  }
  const Schema& schema = table->schema();
  for (const OrderKey& key : query.order) {
    if (schema.FieldIndex(key.column) < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "order: no column '" + key.column + "' in " + table_path);
    }
  }
  delta::ScanOptions scan;
  scan.filters = query.filters;
  // Without an order the first `limit` rows (one more, to tell truncation) are enough.
  if (query.order.empty()) scan.limit = query.limit + 1;
  auto scanned = delta::ScanTable(*table, scan);
  if (!scanned) {
    if (scanned.error().code() == ErrorCode::kInvalidArgument) return std::unexpected(scanned.error());
    return std::unexpected(scanned.error().WithContext("reading " + table_path));
  }
  TableRows rows;
  rows.version = table->version();
  RecordBatch& all = scanned->batch;
  std::vector<size_t> order(all.num_rows());
  std::iota(order.begin(), order.end(), 0);
  if (!query.order.empty()) {
    std::vector<int> columns;
    for (const OrderKey& key : query.order) columns.push_back(all.schema().FieldIndex(key.column));
    // Only the first limit + 1 rows are wanted (the one more tells truncation): a partial sort,
    // n log k rather than n log n. Ties keep table order (the row index decides), as a stable sort would.
    const size_t wanted = std::min(order.size(), static_cast<size_t>(query.limit) + 1);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted), order.end(),
                      [&](size_t a, size_t b) {
                        for (size_t k = 0; k < columns.size(); ++k) {
                          const int c = CompareRows(all.column(columns[k]), a, b);
                          if (c != 0) return query.order[k].descending ? c > 0 : c < 0;
                        }
                        return a < b;
                      });
    order.resize(wanted);
  }
  rows.truncated = static_cast<int64_t>(order.size()) > query.limit;
  if (rows.truncated) order.resize(query.limit);
  rows.batch = RecordBatch(all.schema());
  for (size_t c = 0; c < all.num_columns(); ++c) {
    for (size_t row : order) rows.batch.column(c).AppendFrom(all.column(c), row);
  }
  return rows;
}

std::string RowsToJson(const std::string& table_path, const TableRows& rows) {
  const RecordBatch& batch = rows.batch;
  const Schema& schema = batch.schema();
  delta::JsonWriter json;
  json.BeginObject();
  json.Member("table", std::string_view(table_path));
  json.Member("version", rows.version);
  json.Key("columns");
  json.BeginArray();
  for (const Field& field : schema.fields) json.String(field.name);
  json.EndArray();
  json.Key("rows");
  json.BeginArray();
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    json.BeginObject();
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      const Field& field = schema.fields[c];
      const Column& column = batch.column(c);
      json.Key(field.name);
      if (column.IsNull(row)) json.Null();
      else if (field.type == DataType::kInt32 || field.type == DataType::kInt64) json.Int(column.IntAt(row));
      else if (field.type == DataType::kBoolean) json.Bool(column.IntAt(row) != 0);
      else if (field.type == DataType::kDouble) json.Double(column.DoubleAt(row));
      else json.String(delta::FormatValueText(column, row, field));
    }
    json.EndObject();
  }
  json.EndArray();
  json.Member("truncated", rows.truncated);
  json.EndObject();
  return json.Take();
}

std::string RowsToCsv(const TableRows& rows) {
  const RecordBatch& batch = rows.batch;
  const Schema& schema = batch.schema();
  std::string out;
  for (size_t c = 0; c < schema.fields.size(); ++c) {
    if (c) out += ',';
    AppendCsvCell(schema.fields[c].name, CsvCellKind::kText, &out);
  }
  out += "\r\n";
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      if (c) out += ',';
      const Column& column = batch.column(c);
      const Field& field = schema.fields[c];
      if (!column.IsNull(row)) {
        AppendCsvCell(delta::FormatValueText(column, row, field),
                      field.type == DataType::kString ? CsvCellKind::kText : CsvCellKind::kValue, &out);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace jsm::serve
