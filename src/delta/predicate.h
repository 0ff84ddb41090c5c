#pragma once
/// Read predicates (column op literal) and the file skipping they allow:
/// partition pruning on partition values, and stats-based skipping on the
/// minValues / maxValues / nullCount of each add action.

#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "delta/actions.h"

namespace jsm::delta {

/// A comparison operator of a predicate.
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

/// `column op literal`; the literal is text, parsed as the column's type. A null
/// value never matches (SQL semantics).
struct Predicate {
  std::string column;
  CompareOp op = CompareOp::kEq;
  std::string literal;
};

/// Parses "column op literal" with op one of = == != <> < <= > >=, e.g. "day >= 2024-01-01".
Result<Predicate> ParsePredicate(std::string_view text);

/// Whether the file of `add` may hold a row matching all of `predicates`, judged
/// from its partition values and stats (true when they cannot tell). A predicate
/// on a column not in `metadata`'s schema, or whose literal does not parse, is kInvalidArgument.
Result<bool> FileMayMatch(const std::vector<Predicate>& predicates, const AddFile& add, const Metadata& metadata);

/// Keeps the rows of `batch` matching all of `predicates` (on columns of the batch).
Status FilterRows(const std::vector<Predicate>& predicates, RecordBatch* batch);

}  // namespace jsm::delta
