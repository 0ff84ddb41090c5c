#pragma once
/// `jsm dlq replay --set FIELD=VALUE`: fixing fields of a dead letter's JSON
/// value before it is replayed. VALUE is taken as JSON when it is valid JSON
/// (3, 2.5, true, null, "text", {...}) and as a string otherwise (Hello ->
/// "Hello"); write '"85123"' to force a string that looks like a number. A
/// value that is not a JSON object is refused, never guessed at.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::pipeline {

/// One --set: a top-level field name and the JSON text it gets.
struct FieldAssignment {
  std::string field;
  std::string json;  ///< valid JSON text, e.g. 3 or "Hello"
};

/// Parses "FIELD=VALUE" (split at the first '='); kInvalidArgument when there
/// is no '=' or the field name is empty.
Result<FieldAssignment> ParseFieldAssignment(std::string_view text);

/// `value` (a JSON object) with each assignment applied: an existing top-level
/// field (every occurrence) gets the new value in place, a missing one is
/// appended. The other bytes are kept as they were. kInvalidArgument, saying
/// why, when `value` is not a JSON object.
Result<std::string> ApplyFieldAssignments(std::string_view value,
                                          const std::vector<FieldAssignment>& assignments);

/// The text a JSON value stands for as a Kafka key: a string's contents, or the
/// JSON text itself for other values (used when TransactionNo, the key, is set).
std::string KeyTextOfJson(std::string_view json);

}  // namespace jsm::pipeline
