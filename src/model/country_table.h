#pragma once
/// Country aliases as data (config/normalization/countries.csv): alias -> canonical
/// English name and ISO 3166-1 alpha-2 code. Loaded once; lookups do not allocate.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jsm::model {

/// A sorted table of country aliases over owned storage.
class CountryTable {
 public:
  /// Longest alias accepted (longer raw names are unknown without a lookup).
  static constexpr size_t kMaxAliasLength = 64;

  CountryTable() = default;
  /// Parses the CSV text `alias,name,code` (see the shipped file's header).
  /// `source` names the file in errors: "SOURCE:LINE: duplicate alias 'uk' (first on line 4)".
  static Result<CountryTable> Parse(std::string_view source, std::string text);

  /// Canonical name and code of `raw` (trimmed, ASCII case-insensitive); false if
  /// unknown. Either may be empty (= null). The views live as long as the table.
  bool Lookup(std::string_view raw, std::string_view* name, std::string_view* code) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string_view alias;  ///< lower-case
    std::string_view name;
    std::string_view code;
    int line;
  };
  /// Owned storage (aliases lower-cased in place); shared by copies, never moves.
  std::shared_ptr<const std::string> text_;
  std::vector<Entry> entries_;         ///< sorted by alias
};

}  // namespace jsm::model
