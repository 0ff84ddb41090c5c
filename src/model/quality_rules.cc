// Data-quality rules of a normalized order. A broken rule does not reject the
// event: the order goes to quarantine with the names of the rules it broke.

#include <string>

#include "model/order_parser.h"

namespace jsm::model {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr struct {
  QualityRule rule;
  std::string_view name;
} kRuleNames[] = {
    {kRuleTransactionNoPattern, "transaction_no_pattern"},
    {kRuleQuantityNonZero, "quantity_non_zero"},
    {kRuleQuantitySignMatchesCancellation, "quantity_sign_matches_cancellation"},
    {kRulePricePositive, "price_positive"},
    {kRuleProductNoPattern, "product_no_pattern"},
};

/// Optional 'C', then one or more digits.
bool MatchesTransactionNoPattern(std::string_view text) {
  size_t i = !text.empty() && text[0] == 'C' ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return true;
}

/// Five digits, then optionally one capital letter.
bool MatchesProductNoPattern(std::string_view text) {
  if (text.size() != 5 && text.size() != 6) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return text.size() == 5 || (text[5] >= 'A' && text[5] <= 'Z');
}

}  // namespace

// quantity_sign_matches_cancellation: a cancellation has a negative quantity and
// any other line a positive one. A zero quantity breaks only quantity_non_zero.
uint32_t CheckQuality(const NormalizedOrder& order) {
  uint32_t broken = 0;
  if (!MatchesTransactionNoPattern(order.transaction_no)) broken |= kRuleTransactionNoPattern;
  if (order.quantity == 0) {
    broken |= kRuleQuantityNonZero;
  } else if ((order.quantity < 0) != order.is_cancellation) {
    broken |= kRuleQuantitySignMatchesCancellation;
  }
  if (order.unit_price_cents <= 0) broken |= kRulePricePositive;
  if (!MatchesProductNoPattern(order.product_no)) broken |= kRuleProductNoPattern;
  return broken;
}

std::string QualityRuleNames(uint32_t mask) {
  std::string names;
  for (const auto& entry : kRuleNames) {
    if ((mask & entry.rule) == 0) continue;
    if (!names.empty()) names.push_back(',');
    names.append(entry.name);
  }
  return names;
}

}  // namespace jsm::model
