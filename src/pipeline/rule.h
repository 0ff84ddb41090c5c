#pragma once
/// The expectation rule language: a small, safe boolean language over the
/// columns of a batch. Grammar (keywords case-insensitive):
///
///   rule    := or
///   or      := and ("or" and)*
///   and     := not ("and" not)*
///   not     := "not" not | primary
///   primary := "(" rule ")"
///            | operand ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") operand
///            | column "is" ["not"] "null"
///            | column "matches" 'regex'            (RE2 syntax, partial match)
///            | column ["not"] "in" "(" literal ("," literal)* ")"
///            | column ["not"] "between" literal "and" literal
///            | column                                (a boolean column)
///   operand := column | literal
///   literal := number | 'string' ('' escapes a quote) | true | false
///
/// Literals take the type of the column they meet: a string against a date
/// column is a date ('2019-12-09'), a number against a decimal column is scaled
/// exactly. Comparisons with null are unknown (SQL three-valued logic); a row
/// passes only when the whole rule is true.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"

namespace re2 {
class RE2;
}

namespace jsm::pipeline {

/// Comparison operators.
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

/// A bound operand: a column index, or a constant already in the column's representation.
struct RuleOperand {
  int column = -1;          ///< >= 0: a column of the schema
  int64_t int_value = 0;    ///< int-like constants (ints, booleans, dates, timestamps, scaled decimals)
  Int128 wide_value = 0;    ///< 128-bit decimal constants, scaled
  double double_value = 0;  ///< double constants
  std::string string_value; ///< string constants
};

/// One node of a parsed, bound rule.
struct RuleNode {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIsNull, kIsNotNull, kMatches, kIn, kColumn };
  Kind kind = Kind::kColumn;
  std::vector<std::unique_ptr<RuleNode>> children;  ///< kAnd, kOr, kNot
  CompareOp op = CompareOp::kEq;                    ///< kCompare
  RuleOperand left, right;                          ///< kCompare; `left` alone for the others
  std::vector<RuleOperand> set;                     ///< kIn
  std::shared_ptr<re2::RE2> regex;                  ///< kMatches
};

/// A rule parsed against a schema, ready to evaluate.
struct Rule {
  std::string text;
  Schema schema;
  std::unique_ptr<RuleNode> root;
};

/// Parses `text` and binds it to `schema`. Errors say what is wrong and at which
/// character (1-based) of the rule, e.g. "at 14: unknown column 'prise'".
Result<Rule> ParseRule(const std::string& text, const Schema& schema);

/// Evaluates `rule` over every row of `batch` (which must have the rule's schema):
/// `pass` gets one byte per row, 1 where the rule is true.
void EvaluateRule(const Rule& rule, const RecordBatch& batch, std::vector<uint8_t>* pass);

}  // namespace jsm::pipeline
