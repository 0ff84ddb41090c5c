#include <re2/re2.h>

#include "common/check.h"
#include "pipeline/rule.h"

namespace jsm::pipeline {
namespace {

/// Three-valued truth, one byte per row.
constexpr uint8_t kFalse = 0, kTrue = 1, kUnknown = 2;

template <class T>
bool Compare(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kNe: return a != b;
    case CompareOp::kLt: return a < b;
    case CompareOp::kLe: return a <= b;
    case CompareOp::kGt: return a > b;
    case CompareOp::kGe: return a >= b;
  }
  return false;
}

class Evaluator {
 public:
  explicit Evaluator(const RecordBatch& batch) : batch_(batch), rows_(batch.num_rows()) {}

  void Evaluate(const RuleNode& node, std::vector<uint8_t>* out) {
    out->assign(rows_, kFalse);
    switch (node.kind) {
      case RuleNode::Kind::kAnd:
      case RuleNode::Kind::kOr: {
        std::vector<uint8_t> right;
        Evaluate(*node.children[0], out);
        Evaluate(*node.children[1], &right);
        const bool is_and = node.kind == RuleNode::Kind::kAnd;
        for (size_t r = 0; r < rows_; ++r) {
          const uint8_t a = (*out)[r], b = right[r];
          const uint8_t dominant = is_and ? kFalse : kTrue;
          (*out)[r] = (a == dominant || b == dominant) ? dominant : (a == kUnknown || b == kUnknown) ? kUnknown
                                                                                                  : !dominant;
        }
        return;
      }
      case RuleNode::Kind::kNot:
        Evaluate(*node.children[0], out);
        for (uint8_t& v : *out) v = v == kUnknown ? kUnknown : !v;
        return;
      case RuleNode::Kind::kIsNull:
      case RuleNode::Kind::kIsNotNull: {
        const Column& column = ColumnOf(node.left);
        const bool want_null = node.kind == RuleNode::Kind::kIsNull;
        for (size_t r = 0; r < rows_; ++r) (*out)[r] = column.IsNull(r) == want_null;
        return;
      }
      case RuleNode::Kind::kColumn: {
        const Column& column = ColumnOf(node.left);
        for (size_t r = 0; r < rows_; ++r) (*out)[r] = column.IsNull(r) ? kUnknown : column.IntAt(r) != 0;
        return;
      }
      case RuleNode::Kind::kMatches: {
        const Column& column = ColumnOf(node.left);
        for (size_t r = 0; r < rows_; ++r) {
          if (column.IsNull(r)) {
            (*out)[r] = kUnknown;
            continue;
          }
          const std::string_view value = column.StringAt(r);
          (*out)[r] = RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *node.regex);
        }
        return;
      }
      case RuleNode::Kind::kIn: {
        const Column& column = ColumnOf(node.left);
        for (size_t r = 0; r < rows_; ++r) {
          if (column.IsNull(r)) {
            (*out)[r] = kUnknown;
            continue;
          }
          bool found = false;
          for (const RuleOperand& candidate : node.set) {
            found = Equal(column, r, candidate);
            if (found) break;
          }
          (*out)[r] = found;
        }
        return;
      }
      case RuleNode::Kind::kCompare:
        EvaluateCompare(node, out);
        return;
    }
  }

 private:
  const Column& ColumnOf(const RuleOperand& operand) const {
    JSM_CHECK_GE(operand.column, 0);
    return batch_.column(static_cast<size_t>(operand.column));
  }

  static bool Equal(const Column& column, size_t row, const RuleOperand& value) {
    switch (column.type()) {
      case DataType::kString: return column.StringAt(row) == value.string_value;
      case DataType::kDouble: return column.DoubleAt(row) == value.double_value;
      case DataType::kDecimal128: return column.WideAt(row) == value.wide_value;
      default: return column.IntAt(row) == value.int_value;
    }
  }

  void EvaluateCompare(const RuleNode& node, std::vector<uint8_t>* out) {
    const Column& left = ColumnOf(node.left);
    const Column* right = node.right.column >= 0 ? &ColumnOf(node.right) : nullptr;
    for (size_t r = 0; r < rows_; ++r) {
      if (left.IsNull(r) || (right != nullptr && right->IsNull(r))) {
        (*out)[r] = kUnknown;
        continue;
      }
      switch (left.type()) {
        case DataType::kString:
          (*out)[r] = Compare(node.op, left.StringAt(r),
                              right ? right->StringAt(r) : std::string_view(node.right.string_value));
          break;
        case DataType::kDouble:
          (*out)[r] = Compare(node.op, left.DoubleAt(r), right ? right->DoubleAt(r) : node.right.double_value);
          break;
        case DataType::kDecimal128:
          (*out)[r] = Compare(node.op, left.WideAt(r), right ? right->WideAt(r) : node.right.wide_value);
          break;
        default:
          (*out)[r] = Compare(node.op, left.IntAt(r), right ? right->IntAt(r) : node.right.int_value);
          break;
      }
    }
  }

  const RecordBatch& batch_;
  size_t rows_;
};

}  // namespace

void EvaluateRule(const Rule& rule, const RecordBatch& batch, std::vector<uint8_t>* pass) {
  JSM_CHECK(batch.schema() == rule.schema);
  Evaluator evaluator(batch);
  evaluator.Evaluate(*rule.root, pass);
  for (uint8_t& v : *pass) v = v == kTrue;
}

}  // namespace jsm::pipeline
