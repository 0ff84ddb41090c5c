#include <re2/re2.h>

#include <cctype>
#include <charconv>
#include <cmath>

#include "common/time_argument.h"
#include "model/order_parser.h"
#include "pipeline/rule.h"

namespace jsm::pipeline {
namespace {

/// A token of the rule language.
struct Token {
  enum class Kind { kEnd, kWord, kNumber, kString, kSymbol };
  Kind kind = Kind::kEnd;
  std::string text;  ///< words lower-cased copy in `lower`
  std::string lower;
  size_t position = 0;  ///< 0-based offset in the rule
};

/// A literal before it meets its column.
struct Literal {
  Token::Kind kind = Token::Kind::kEnd;  ///< kNumber, kString, or kWord for true/false
  std::string text;
  size_t position = 0;
};

class Parser {
 public:
  Parser(const std::string& text, const Schema& schema) : text_(text), schema_(schema) {}

  Result<std::unique_ptr<RuleNode>> Parse() {
    JSM_RETURN_IF_ERROR(Tokenize());
    JSM_ASSIGN_OR_RETURN(auto root, ParseOr());
    if (Peek().kind != Token::Kind::kEnd) return Fail(Peek(), "unexpected '" + Peek().text + "'");
    return root;
  }

 private:
  std::unexpected<Error> Fail(size_t position, const std::string& message) const {
    return MakeError(ErrorCode::kInvalidArgument, "at " + std::to_string(position + 1) + ": " + message);
  }
  std::unexpected<Error> Fail(const Token& token, const std::string& message) const {
    return Fail(token.position, token.kind == Token::Kind::kEnd ? message + " (end of rule)" : message);
  }

  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token token;
      token.position = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t end = i;
        while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) ++end;
        token.kind = Token::Kind::kWord;
        token.text = text_.substr(i, end - i);
        i = end;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        size_t end = i + 1;
        while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '.')) ++end;
        token.kind = Token::Kind::kNumber;
        token.text = text_.substr(i, end - i);
        i = end;
      } else if (c == '\'') {
        token.kind = Token::Kind::kString;
        size_t j = i + 1;
        while (true) {
          if (j >= text_.size()) return Fail(i, "string literal is not closed");
          if (text_[j] == '\'') {
            if (j + 1 < text_.size() && text_[j + 1] == '\'') {
              token.text += '\'';
              j += 2;
              continue;
            }
            break;
          }
          token.text += text_[j++];
        }
        i = j + 1;
      } else {
        static const char* kSymbols[] = {"==", "!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ","};
        bool matched = false;
        for (const char* symbol : kSymbols) {
          if (text_.compare(i, std::char_traits<char>::length(symbol), symbol) == 0) {
            token.kind = Token::Kind::kSymbol;
            token.text = symbol;
            i += token.text.size();
            matched = true;
            break;
          }
        }
        if (!matched) return Fail(i, std::string("unexpected character '") + c + "'");
      }
      token.lower = token.text;
      for (char& ch : token.lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      tokens_.push_back(std::move(token));
    }
    Token end;
    end.position = text_.size();
    tokens_.push_back(end);
    return Status::Ok();
  }

  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(next_ + ahead, tokens_.size() - 1)]; }
  const Token& Take() { return tokens_[std::min(next_++, tokens_.size() - 1)]; }
  bool IsWord(const Token& token, const char* word) const {
    return token.kind == Token::Kind::kWord && token.lower == word;
  }
  bool TakeWord(const char* word) {
    if (!IsWord(Peek(), word)) return false;
    ++next_;
    return true;
  }
  bool IsKeyword(const Token& token) const {
    for (const char* word : {"and", "or", "not", "is", "null", "matches", "in", "between", "true", "false"}) {
      if (IsWord(token, word)) return true;
    }
    return false;
  }

  Result<std::unique_ptr<RuleNode>> Combine(RuleNode::Kind kind, std::unique_ptr<RuleNode> left,
                                            std::unique_ptr<RuleNode> right) {
    auto node = std::make_unique<RuleNode>();
    node->kind = kind;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  Result<std::unique_ptr<RuleNode>> ParseOr() {
    JSM_ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (TakeWord("or")) {
      JSM_ASSIGN_OR_RETURN(auto right, ParseAnd());
      JSM_ASSIGN_OR_RETURN(left, Combine(RuleNode::Kind::kOr, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<std::unique_ptr<RuleNode>> ParseAnd() {
    JSM_ASSIGN_OR_RETURN(auto left, ParseNot());
    while (TakeWord("and")) {
      JSM_ASSIGN_OR_RETURN(auto right, ParseNot());
      JSM_ASSIGN_OR_RETURN(left, Combine(RuleNode::Kind::kAnd, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<std::unique_ptr<RuleNode>> ParseNot() {
    if (TakeWord("not")) {
      JSM_ASSIGN_OR_RETURN(auto inner, ParseNot());
      return Negate(std::move(inner));
    }
    return ParsePrimary();
  }

  static std::unique_ptr<RuleNode> Negate(std::unique_ptr<RuleNode> inner) {
    auto node = std::make_unique<RuleNode>();
    node->kind = RuleNode::Kind::kNot;
    node->children.push_back(std::move(inner));
    return node;
  }

  Result<int> ColumnOf(const Token& token) {
    if (token.kind != Token::Kind::kWord || IsKeyword(token)) return Fail(token, "expected a column name");
    const int index = schema_.FieldIndex(token.text);
    if (index < 0) {
      std::string known;
      for (const Field& field : schema_.fields) known += (known.empty() ? "" : ", ") + field.name;
      return Fail(token, "unknown column '" + token.text + "' (columns: " + known + ")");
    }
    return index;
  }

  bool IsLiteralStart(const Token& token) const {
    return token.kind == Token::Kind::kNumber || token.kind == Token::Kind::kString || IsWord(token, "true") ||
           IsWord(token, "false");
  }

  Result<Literal> TakeLiteral() {
    const Token& token = Take();
    if (!IsLiteralStart(token)) return Fail(token, "expected a literal (number, 'string', true or false)");
    return Literal{token.kind, token.kind == Token::Kind::kWord ? token.lower : token.text, token.position};
  }

  /// Converts a literal to the representation of column `column`.
  Result<RuleOperand> Bind(const Literal& literal, int column) {
    const Field& field = schema_.fields[static_cast<size_t>(column)];
    RuleOperand out;
    auto mismatch = [&](const char* expected) {
      return Fail(literal.position, "'" + literal.text + "' is not " + expected + " (column '" + field.name + "')");
    };
    switch (field.type) {
      case DataType::kString:
        if (literal.kind != Token::Kind::kString) return mismatch("a 'string'");
        out.string_value = literal.text;
        return out;
      case DataType::kBoolean:
        if (literal.kind != Token::Kind::kWord) return mismatch("true or false");
        out.int_value = literal.text == "true";
        return out;
      case DataType::kInt32:
      case DataType::kInt64: {
        if (literal.kind != Token::Kind::kNumber) return mismatch("an integer");
        auto [end, error] = std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), out.int_value);
        if (error != std::errc() || end != literal.text.data() + literal.text.size()) return mismatch("an integer");
        return out;
      }
      case DataType::kDouble: {
        if (literal.kind != Token::Kind::kNumber) return mismatch("a number");
        auto [end, error] =
            std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), out.double_value);
        if (error != std::errc() || end != literal.text.data() + literal.text.size()) return mismatch("a number");
        return out;
      }
      case DataType::kDecimal: {
        if (literal.kind != Token::Kind::kNumber || !ScaleDecimal(literal.text, field.scale, &out.int_value)) {
          return mismatch(("a number with at most " + std::to_string(field.scale) + " decimals").c_str());
        }
        return out;
      }
      case DataType::kDecimal128: {
        if (literal.kind != Token::Kind::kNumber ||
            !ScaleDecimal128(literal.text, field.precision, field.scale, &out.wide_value)) {
          return mismatch(("a number of at most " + std::to_string(field.precision) + " digits with at most " +
                           std::to_string(field.scale) + " decimals")
                              .c_str());
        }
        return out;
      }
      case DataType::kDate: {
        int32_t days = 0;
        if (literal.kind != Token::Kind::kString || !model::ParseOrderDate(literal.text, &days)) {
          return mismatch("a 'YYYY-MM-DD' date");
        }
        out.int_value = days;
        return out;
      }
      case DataType::kTimestamp: {
        if (literal.kind != Token::Kind::kString) return mismatch("a 'YYYY-MM-DDTHH:MM:SSZ' timestamp");
        auto micros = ParseTimeArgument(literal.text, 0);
        if (!micros || literal.text.size() < 10) return mismatch("a 'YYYY-MM-DDTHH:MM:SSZ' timestamp");
        out.int_value = *micros;
        return out;
      }
      case DataType::kBinary:
        return Fail(literal.position, "column '" + field.name + "' is binary, which rules cannot compare");
    }
    return mismatch("a supported literal");
  }

  static bool ScaleDecimal(const std::string& text, int scale, int64_t* out) {
    size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) ++i;
    int64_t value = 0;
    int decimals = -1;
    bool digits = false;
    for (; i < text.size(); ++i) {
      if (text[i] == '.') {
        if (decimals >= 0) return false;
        decimals = 0;
        continue;
      }
      if (decimals >= 0 && ++decimals > scale) return false;
      if (value > (INT64_MAX - 9) / 10) return false;
      value = value * 10 + (text[i] - '0');
      digits = true;
    }
    if (!digits) return false;
    for (int d = decimals < 0 ? 0 : decimals; d < scale; ++d) {
      if (value > INT64_MAX / 10) return false;
      value *= 10;
    }
    *out = negative ? -value : value;
    return true;
  }

  /// `text` scaled exactly to `scale` decimals, within `precision` digits.
  static bool ScaleDecimal128(const std::string& text, int precision, int scale, Int128* out) {
    size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) ++i;
    const Int128 limit = PowerOfTen128(precision);
    Int128 value = 0;
    int decimals = -1;
    bool digits = false;
    for (; i < text.size(); ++i) {
      if (text[i] == '.') {
        if (decimals >= 0) return false;
        decimals = 0;
        continue;
      }
      if (text[i] < '0' || text[i] > '9') return false;
      if (decimals >= 0 && ++decimals > scale) return false;
      value = value * 10 + (text[i] - '0');
      if (value >= limit) return false;
      digits = true;
    }
    if (!digits) return false;
    for (int d = decimals < 0 ? 0 : decimals; d < scale; ++d) {
      value *= 10;
      if (value >= limit) return false;
    }
    *out = negative ? -value : value;
    return true;
  }

  Result<std::unique_ptr<RuleNode>> ParsePrimary() {
    if (Peek().kind == Token::Kind::kSymbol && Peek().text == "(") {
      Take();
      JSM_ASSIGN_OR_RETURN(auto inner, ParseOr());
      if (Peek().text != ")" || Peek().kind != Token::Kind::kSymbol) return Fail(Peek(), "expected ')'");
      Take();
      return inner;
    }
    // literal <op> column: swap so the column is on the left.
    if (IsLiteralStart(Peek())) {
      JSM_ASSIGN_OR_RETURN(Literal literal, TakeLiteral());
      const Token& op = Take();
      JSM_ASSIGN_OR_RETURN(CompareOp compare, ComparisonOf(op));
      JSM_ASSIGN_OR_RETURN(int column, ColumnOf(Take()));
      auto node = std::make_unique<RuleNode>();
      node->kind = RuleNode::Kind::kCompare;
      node->op = Mirror(compare);
      node->left.column = column;
      JSM_ASSIGN_OR_RETURN(node->right, Bind(literal, column));
      return node;
    }
    const Token& name = Take();
    JSM_ASSIGN_OR_RETURN(int column, ColumnOf(name));
    const Field& field = schema_.fields[static_cast<size_t>(column)];
    auto node = std::make_unique<RuleNode>();
    node->left.column = column;
    const Token& next = Peek();
    if (TakeWord("is")) {
      const bool negated = TakeWord("not");
      if (!TakeWord("null")) return Fail(Peek(), "expected 'null' after 'is'");
      node->kind = negated ? RuleNode::Kind::kIsNotNull : RuleNode::Kind::kIsNull;
      return node;
    }
    if (TakeWord("matches")) {
      if (field.type != DataType::kString) return Fail(next, "'matches' needs a string column, '" + field.name + "' is not");
      const Token& pattern = Take();
      if (pattern.kind != Token::Kind::kString) return Fail(pattern, "expected a 'regex' after 'matches'");
      RE2::Options options;
      options.set_log_errors(false);
      node->regex = std::make_shared<RE2>(pattern.text, options);
      if (!node->regex->ok()) return Fail(pattern, "bad regex: " + node->regex->error());
      node->kind = RuleNode::Kind::kMatches;
      return node;
    }
    bool negated = false;
    if (IsWord(next, "not") && (IsWord(Peek(1), "in") || IsWord(Peek(1), "between"))) {
      Take();
      negated = true;
    }
    if (TakeWord("in")) {
      if (Take().text != "(") return Fail(Peek(), "expected '(' after 'in'");
      while (true) {
        JSM_ASSIGN_OR_RETURN(Literal literal, TakeLiteral());
        JSM_ASSIGN_OR_RETURN(RuleOperand value, Bind(literal, column));
        node->set.push_back(std::move(value));
        const Token& separator = Take();
        if (separator.text == ")") break;
        if (separator.text != ",") return Fail(separator, "expected ',' or ')' in the list");
      }
      node->kind = RuleNode::Kind::kIn;
      return negated ? Negate(std::move(node)) : std::move(node);
    }
    if (TakeWord("between")) {
      JSM_ASSIGN_OR_RETURN(Literal low, TakeLiteral());
      if (!TakeWord("and")) return Fail(Peek(), "expected 'and' in 'between ... and ...'");
      JSM_ASSIGN_OR_RETURN(Literal high, TakeLiteral());
      auto lower = std::make_unique<RuleNode>();
      lower->kind = RuleNode::Kind::kCompare;
      lower->op = CompareOp::kGe;
      lower->left.column = column;
      JSM_ASSIGN_OR_RETURN(lower->right, Bind(low, column));
      auto upper = std::make_unique<RuleNode>();
      upper->kind = RuleNode::Kind::kCompare;
      upper->op = CompareOp::kLe;
      upper->left.column = column;
      JSM_ASSIGN_OR_RETURN(upper->right, Bind(high, column));
      JSM_ASSIGN_OR_RETURN(auto both, Combine(RuleNode::Kind::kAnd, std::move(lower), std::move(upper)));
      return negated ? Negate(std::move(both)) : std::move(both);
    }
    if (next.kind == Token::Kind::kSymbol && next.text != "(" && next.text != ")" && next.text != ",") {
      JSM_ASSIGN_OR_RETURN(CompareOp compare, ComparisonOf(Take()));
      node->kind = RuleNode::Kind::kCompare;
      node->op = compare;
      if (IsLiteralStart(Peek())) {
        JSM_ASSIGN_OR_RETURN(Literal literal, TakeLiteral());
        JSM_ASSIGN_OR_RETURN(node->right, Bind(literal, column));
      } else {
        const Token& other_name = Take();
        JSM_ASSIGN_OR_RETURN(int other, ColumnOf(other_name));
        const Field& other_field = schema_.fields[static_cast<size_t>(other)];
        if (other_field.type != field.type || other_field.scale != field.scale) {
          return Fail(other_name, "cannot compare '" + field.name + "' with '" + other_field.name + "' (different types)");
        }
        node->right.column = other;
      }
      return node;
    }
    if (field.type == DataType::kBoolean) {
      node->kind = RuleNode::Kind::kColumn;
      return node;
    }
    return Fail(next, "expected a comparison, 'is', 'matches', 'in' or 'between' after '" + field.name + "'");
  }

  Result<CompareOp> ComparisonOf(const Token& token) {
    if (token.kind == Token::Kind::kSymbol) {
      if (token.text == "=" || token.text == "==") return CompareOp::kEq;
      if (token.text == "!=" || token.text == "<>") return CompareOp::kNe;
      if (token.text == "<") return CompareOp::kLt;
      if (token.text == "<=") return CompareOp::kLe;
      if (token.text == ">") return CompareOp::kGt;
      if (token.text == ">=") return CompareOp::kGe;
    }
    return Fail(token, "expected a comparison operator (=, !=, <, <=, >, >=)");
  }

  static CompareOp Mirror(CompareOp op) {
    switch (op) {
      case CompareOp::kLt: return CompareOp::kGt;
      case CompareOp::kLe: return CompareOp::kGe;
      case CompareOp::kGt: return CompareOp::kLt;
      case CompareOp::kGe: return CompareOp::kLe;
      default: return op;
    }
  }

  const std::string& text_;
  const Schema& schema_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

Result<Rule> ParseRule(const std::string& text, const Schema& schema) {
  Parser parser(text, schema);
  JSM_ASSIGN_OR_RETURN(auto root, parser.Parse());
  Rule rule;
  rule.text = text;
  rule.schema = schema;
  rule.root = std::move(root);
  return rule;
}

}  // namespace jsm::pipeline
