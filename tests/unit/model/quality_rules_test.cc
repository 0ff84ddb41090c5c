#include <gtest/gtest.h>

#include "model/order_parser.h"

namespace jsm::model {
namespace {

NormalizedOrder CleanOrder() {
  NormalizedOrder order;
  order.transaction_no = "581482";
  order.product_no = "22485";
  order.product_name = "Set Of 2 Wooden Market Crates";
  order.unit_price_cents = 2147;
  order.quantity = 12;
  order.line_total_cents = 2147 * 12;
  order.customer_no = "17490";
  order.country = "United Kingdom";
  order.country_code = "GB";
  return order;
}

TEST(QualityRules, CleanOrderBreaksNoRule) {
  EXPECT_EQ(CheckQuality(CleanOrder()), 0u);
  NormalizedOrder cancellation = CleanOrder();
  cancellation.transaction_no = "C581484";
  cancellation.is_cancellation = true;
  cancellation.quantity = -80995;
  EXPECT_EQ(CheckQuality(cancellation), 0u);
  NormalizedOrder lettered = CleanOrder();
  lettered.product_no = "85123A";
  EXPECT_EQ(CheckQuality(lettered), 0u);
}

TEST(QualityRules, TransactionNoIsOptionalCThenDigits) {
  for (const char* bad : {"", "C", "c581484", "58148X", "A581484", "581 482", "CC581484"}) {
    NormalizedOrder order = CleanOrder();
    order.transaction_no = bad;
    EXPECT_EQ(CheckQuality(order), kRuleTransactionNoPattern) << bad;
  }
}

TEST(QualityRules, QuantityZeroBreaksOnlyNonZero) {
  NormalizedOrder order = CleanOrder();
  order.quantity = 0;
  EXPECT_EQ(CheckQuality(order), kRuleQuantityNonZero);
}

TEST(QualityRules, QuantitySignMustMatchCancellation) {
  NormalizedOrder negative_sale = CleanOrder();
  negative_sale.quantity = -1;
  EXPECT_EQ(CheckQuality(negative_sale), kRuleQuantitySignMatchesCancellation);
  NormalizedOrder positive_cancellation = CleanOrder();
  positive_cancellation.transaction_no = "C1";
  positive_cancellation.is_cancellation = true;
  EXPECT_EQ(CheckQuality(positive_cancellation), kRuleQuantitySignMatchesCancellation);
}

TEST(QualityRules, PriceMustBePositive) {
  for (int64_t cents : {0, -1, -2147}) {
    NormalizedOrder order = CleanOrder();
    order.unit_price_cents = cents;
    EXPECT_EQ(CheckQuality(order), kRulePricePositive) << cents;
  }
}

TEST(QualityRules, ProductNoIsFiveDigitsAndOptionalCapital) {
  for (const char* bad : {"", "2248", "224855", "22485a", "22485AB", "POST", "D", "A2485", "22485-"}) {
    NormalizedOrder order = CleanOrder();
    order.product_no = bad;
    EXPECT_EQ(CheckQuality(order), kRuleProductNoPattern) << bad;
  }
}

TEST(QualityRules, SeveralRulesCanBreakAtOnce) {
  NormalizedOrder order = CleanOrder();
  order.transaction_no = "X";
  order.quantity = 0;
  order.unit_price_cents = 0;
  order.product_no = "POST";
  EXPECT_EQ(CheckQuality(order),
            kRuleTransactionNoPattern | kRuleQuantityNonZero | kRulePricePositive | kRuleProductNoPattern);
}

TEST(QualityRules, NamesFollowTheRuleOrder) {
  EXPECT_EQ(QualityRuleNames(0), "");
  EXPECT_EQ(QualityRuleNames(kRulePricePositive | kRuleQuantityNonZero), "quantity_non_zero,price_positive");
  const uint32_t all = kRuleTransactionNoPattern | kRuleQuantityNonZero |
                       kRuleQuantitySignMatchesCancellation | kRulePricePositive | kRuleProductNoPattern;
  EXPECT_EQ(QualityRuleNames(all),
            "transaction_no_pattern,quantity_non_zero,quantity_sign_matches_cancellation,price_positive,"
            "product_no_pattern");
  EXPECT_EQ(QualityRuleNames(1u << 31), "");
}

}  // namespace
}  // namespace jsm::model
