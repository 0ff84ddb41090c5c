#pragma once
/// Product-name canonicalization (docs/normalization.md): one name per
/// product_no — the override table's name if it has one, else the most frequent
/// spelling counted so far (ties: the byte-wise smallest spelling, as gold's
/// product_performance does). Spellings are counted after the typo fixes. The
/// counts cover exactly the rows in silver: rebuilt from silver at start and
/// after a failed commit, like the dedupe index.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/product_name_rules.h"

namespace jsm::pipeline {

/// Spelling counts per product and the canonical name they give.
class ProductNames {
 public:
  /// `rules` gives the overrides; it must outlive this object.
  explicit ProductNames(const model::ProductNameRules* rules) : rules_(rules) {}

  /// Counts `count` rows of `product_no` spelled `spelling` (typo fixes already
  /// applied) and returns the canonical name of `product_no` afterwards. The view
  /// stays valid until the next call. Allocates only for a new product or spelling.
  std::string_view Count(std::string_view product_no, std::string_view spelling, int64_t count = 1);
  /// The canonical name of `product_no` (override, else most frequent spelling); empty if never seen.
  std::string_view Canonical(std::string_view product_no) const;

  void Clear() { products_.clear(); }
  size_t products() const { return products_.size(); }
  /// Distinct spellings over all products.
  size_t spellings() const;

 private:
  struct Spelling {
    std::string name;
    int64_t count = 0;
  };
  struct Product {
    std::vector<Spelling> spellings;
    size_t best = 0;  ///< index of the most frequent spelling
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  const model::ProductNameRules* rules_;
  std::unordered_map<std::string, Product, Hash, std::equal_to<>> products_;
};

}  // namespace jsm::pipeline
