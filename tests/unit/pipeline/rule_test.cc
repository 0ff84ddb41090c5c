#include "pipeline/rule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

Schema TestSchema() {
  return Schema{{{"transaction_no", DataType::kString, false},
                 {"is_cancellation", DataType::kBoolean, false},
                 {"order_date", DataType::kDate, false},
                 {"unit_price", DataType::kDecimal, false, 18, 2},
                 {"quantity", DataType::kInt32, false},
                 {"customer_no", DataType::kString, true},
                 {"weight", DataType::kDouble, true}}};
}

struct Row {
  const char* transaction;
  bool cancelled;
  int32_t day;
  int64_t cents;
  int32_t quantity;
  const char* customer;
  double weight;  // NaN = null
};

RecordBatch Batch(const std::vector<Row>& rows) {
  RecordBatch batch(TestSchema());
  for (const Row& row : rows) {
    batch.column(0).AppendString(row.transaction);
    batch.column(1).AppendInt(row.cancelled);
    batch.column(2).AppendInt(row.day);
    batch.column(3).AppendInt(row.cents);
    batch.column(4).AppendInt(row.quantity);
    if (row.customer) batch.column(5).AppendString(row.customer); else batch.column(5).AppendNull();
    if (row.weight == row.weight) batch.column(6).AppendDouble(row.weight); else batch.column(6).AppendNull();
  }
  return batch;
}

const std::vector<Row> kRows = {
    {"581001", false, 18239, 210, 3, "17490", 1.5},   // 2019-12-09
    {"C581002", true, 17866, 999, -2, nullptr, 0.0},  // 2018-12-01
    {"X1", false, 18000, 0, 0, "NA", NAN},            // 2019-04-14
};

std::vector<uint8_t> Eval(const std::string& text) {
  auto rule = ParseRule(text, TestSchema());
  EXPECT_TRUE(rule) << text << ": " << rule.error().message();
  if (!rule) return {};
  std::vector<uint8_t> pass;
  EvaluateRule(*rule, Batch(kRows), &pass);
  return pass;
}

using Pass = std::vector<uint8_t>;

TEST(Rule, ComparisonsOnEveryTypeUseTheColumnsRepresentation) {
  EXPECT_EQ(Eval("quantity > 0"), (Pass{1, 0, 0}));
  EXPECT_EQ(Eval("quantity != 0"), (Pass{1, 1, 0}));
  EXPECT_EQ(Eval("unit_price >= 2.1"), (Pass{1, 1, 0}));
  EXPECT_EQ(Eval("unit_price < 9.99"), (Pass{1, 0, 1}));
  EXPECT_EQ(Eval("order_date >= '2019-01-01'"), (Pass{1, 0, 1}));
  EXPECT_EQ(Eval("transaction_no = 'X1'"), (Pass{0, 0, 1}));
  EXPECT_EQ(Eval("is_cancellation = true"), (Pass{0, 1, 0}));
  EXPECT_EQ(Eval("weight <= 1"), (Pass{0, 1, 0}));
  EXPECT_EQ(Eval("0 < quantity"), (Pass{1, 0, 0}));
}

TEST(Rule, WideDecimalColumnsCompareExactlyBeyondTheInt64Range) {
  const Schema schema{{{"total", DataType::kDecimal128, true, 28, 2}}};
  RecordBatch batch(schema);
  const Int128 big = Int128{INT64_MAX} * 100 + 1;  // 922337203685477580701 cents
  batch.column(0).AppendWide(big);
  batch.column(0).AppendWide(-5);
  batch.column(0).AppendNull();
  auto eval = [&](const std::string& text) {
    auto rule = ParseRule(text, schema);
    EXPECT_TRUE(rule) << text << ": " << rule.error().message();
    std::vector<uint8_t> pass;
    if (rule) EvaluateRule(*rule, batch, &pass);
    return pass;
  };
  EXPECT_EQ(eval("total > 9223372036854775807.00"), (Pass{1, 0, 0}));
  EXPECT_EQ(eval("total = 9223372036854775807.01"), (Pass{1, 0, 0}));
  EXPECT_EQ(eval("total < 0"), (Pass{0, 1, 0}));
  EXPECT_EQ(eval("total in (-0.05, 1)"), (Pass{0, 1, 0}));
  EXPECT_EQ(eval("total between -99999999999999999999999999.99 and 99999999999999999999999999.99"), (Pass{1, 1, 0}));
  // More digits than the precision, or decimals than the scale, is a mistake in the rule.
  EXPECT_FALSE(ParseRule("total < 100000000000000000000000000", schema));
  EXPECT_FALSE(ParseRule("total < 1.001", schema));
}

TEST(Rule, NullsAreUnknownAndFailUnlessTestedExplicitly) {
  EXPECT_EQ(Eval("customer_no = '17490'"), (Pass{1, 0, 0}));
  EXPECT_EQ(Eval("not customer_no = '17490'"), (Pass{0, 0, 1}));
  EXPECT_EQ(Eval("customer_no is null"), (Pass{0, 1, 0}));
  EXPECT_EQ(Eval("customer_no is not null"), (Pass{1, 0, 1}));
  EXPECT_EQ(Eval("customer_no is null or customer_no != 'NA'"), (Pass{1, 1, 0}));
  EXPECT_EQ(Eval("weight > 0 or quantity > 0"), (Pass{1, 0, 0}));
}

TEST(Rule, MatchesInAndBetween) {
  EXPECT_EQ(Eval("transaction_no matches '^C?[0-9]+$'"), (Pass{1, 1, 0}));
  EXPECT_EQ(Eval("customer_no in ('17490', 'NA')"), (Pass{1, 0, 1}));
  EXPECT_EQ(Eval("customer_no not in ('17490')"), (Pass{0, 0, 1}));
  EXPECT_EQ(Eval("order_date between '2018-12-01' and '2019-04-14'"), (Pass{0, 1, 1}));
  EXPECT_EQ(Eval("order_date between '2018-12-01' and '2019-04-13'"), (Pass{0, 1, 0}));
  EXPECT_EQ(Eval("quantity not between -5 and 0"), (Pass{1, 0, 0}));
}

TEST(Rule, BooleanLogicWithPrecedenceAndParentheses) {
  const std::string sign = "(quantity >= 0 or is_cancellation) and (quantity <= 0 or not is_cancellation)";
  EXPECT_EQ(Eval(sign), (Pass{1, 1, 1}));
  EXPECT_EQ(Eval("quantity > 0 or quantity < 0 and is_cancellation"), (Pass{1, 1, 0}));
  EXPECT_EQ(Eval("(quantity > 0 or quantity < 0) and not is_cancellation"), (Pass{1, 0, 0}));
  EXPECT_EQ(Eval("is_cancellation"), (Pass{0, 1, 0}));
  EXPECT_EQ(Eval("NOT is_cancellation AND quantity > 0"), (Pass{1, 0, 0}));
}

TEST(Rule, ColumnToColumnComparison) {
  EXPECT_EQ(Eval("unit_price = unit_price"), (Pass{1, 1, 1}));
  auto mixed = ParseRule("quantity < unit_price", TestSchema());
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message().find("different types"), std::string::npos);
}

TEST(Rule, MistakesNameThePositionAndWhat) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"prise > 0", "at 1: unknown column 'prise'"},
      {"quantity > 'a'", "at 12: 'a' is not an integer"},
      {"unit_price > 1.234", "at 14: '1.234' is not a number with at most 2 decimals"},
      {"order_date > '2019-13-01'", "is not a 'YYYY-MM-DD' date"},
      {"transaction_no matches '('", "at 24: bad regex"},
      {"quantity > 0 and", "expected a column name (end of rule)"},
      {"(quantity > 0", "expected ')'"},
      {"quantity ~ 3", "at 10: unexpected character '~'"},
      {"customer_no is nul", "expected 'null' after 'is'"},
      {"transaction_no = 'open", "at 18: string literal is not closed"},
      {"quantity", "expected a comparison"},
      {"quantity > 0 quantity", "unexpected 'quantity'"},
  };
  for (const Case& c : cases) {
    auto rule = ParseRule(c.text, TestSchema());
    ASSERT_FALSE(rule) << c.text;
    EXPECT_NE(rule.error().message().find(c.message), std::string::npos)
        << c.text << " gave: " << rule.error().message();
  }
}

TEST(Rule, DefaultSilverRulesParseAgainstTheSilverSchema) {
  for (const char* text : {"transaction_no matches '^C?[0-9]+$'", "product_no matches '^[0-9]{5}[A-Z]?$'",
                           "unit_price > 0 and unit_price < 100000", "order_date between '2010-01-01' and '2035-12-31'",
                           "country_code is not null", "customer_no is not null"}) {
    EXPECT_TRUE(ParseRule(text, SilverSchema())) << text;
  }
}

}  // namespace
}  // namespace jsm::pipeline
