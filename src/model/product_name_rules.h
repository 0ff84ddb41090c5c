#pragma once
/// Product-name rules as data: an override table (config/normalization/
/// product_name_overrides.csv: product_no -> the name to use) and a typo-fix table
/// (config/normalization/typo_fixes.csv: whole-word replacements applied before
/// spellings are counted). Loaded once; lookups do not allocate.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::model {

/// Product-name overrides and typo fixes over owned storage.
class ProductNameRules {
 public:
  ProductNameRules() = default;
  /// Parses the two CSV texts (`product_no,product_name` and `wrong,right`);
  /// errors are "SOURCE:LINE: ..." (kInvalidArgument): duplicate product_no or
  /// word, empty name, a `wrong` with a space in it, an empty `right`.
  static Result<ProductNameRules> Parse(std::string_view overrides_source, std::string overrides_text,
                                        std::string_view typos_source, std::string typos_text);

  /// The override name of `product_no` (trimmed, upper-case), or empty if none.
  std::string_view Override(std::string_view product_no) const;
  /// `name` (whitespace already collapsed) with every whole word found in the
  /// typo table replaced. Returns a view of `name` when nothing changes, else of `*scratch`.
  std::string_view FixTypos(std::string_view name, std::string* scratch) const;

  size_t overrides() const { return overrides_.size(); }
  size_t typo_fixes() const { return typos_.size(); }

 private:
  struct Pair {
    std::string_view key;
    std::string_view value;
    int line;
  };
  /// Normalized keys and values of both files; shared by copies, never moves.
  std::shared_ptr<const std::string> storage_;
  std::vector<Pair> overrides_;           ///< sorted by product_no
  std::vector<Pair> typos_;               ///< sorted by wrong word
};

}  // namespace jsm::model
