#pragma once
/// `GET /api/tables/<layer>/<name>?limit=&order=&filter=&version=&format=`:
/// parsing the query parameters, reading the rows (time travel with version),
/// ordering, limiting, and rendering them as JSON or CSV.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "delta/predicate.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// Rows a response holds when the request gives no limit, and at most.
inline constexpr int64_t kDefaultRowLimit = 1000;
inline constexpr int64_t kMaxRowLimit = 100000;

/// One key of `order=`: a column, ascending unless prefixed with '-' or suffixed ":desc".
struct OrderKey {
  std::string column;
  bool descending = false;
};

/// The parsed parameters of a table request.
struct TableQuery {
  int64_t limit = kDefaultRowLimit;
  std::vector<OrderKey> order;
  std::vector<delta::Predicate> filters;  ///< all must hold
  int64_t version = -1;                   ///< -1 = latest
  bool csv = false;                       ///< else JSON
};

/// Parses the query parameters (`params` as decoded by the HTTP layer; `filter`
/// may repeat) and the Accept header (text/csv selects CSV unless format= says
/// otherwise). kInvalidArgument, naming the parameter, on anything malformed.
Result<TableQuery> ParseTableQuery(const std::multimap<std::string, std::string>& params, std::string_view accept);

/// The rows of `table_path` for `query`, ordered and limited, plus the version read.
struct TableRows {
  RecordBatch batch;
  int64_t version = 0;
  bool truncated = false;  ///< more rows matched than the limit
};

/// Reads the table (at query.version if set); an order or filter column not in
/// the table is kInvalidArgument, an unknown version kNotFound.
Result<TableRows> QueryTable(storage::ObjectStore* store, const std::string& table_path, const TableQuery& query);

/// {"table":..., "version":..., "rows":[{col: value, ...}], "truncated":...}.
/// Integers and doubles are JSON numbers; decimals, dates and timestamps strings
/// in the Delta text form ("12.34", "2011-12-09"); nulls null.
std::string RowsToJson(const std::string& table_path, const TableRows& rows);

/// A header line and one line per row (RFC 4180 quoting; null = empty field). A string
/// cell that a spreadsheet would take for a formula gets a `'` in front (csv_cell.h).
std::string RowsToCsv(const TableRows& rows);

}  // namespace jsm::serve
