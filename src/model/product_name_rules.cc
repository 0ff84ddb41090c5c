// Overrides and typo fixes: views into one owned buffer holding the normalized
// keys and values (product numbers upper-cased, names whitespace-collapsed),
// sorted for binary search.

#include "model/product_name_rules.h"

#include <algorithm>

#include "model/normalization_file.h"
#include "model/normalize_text.h"

namespace jsm::model {
namespace {

/// Sorts `pairs` by key and reports the second of two equal keys.
Status SortUnique(std::string_view source, std::string_view what, auto* pairs) {
  std::ranges::stable_sort(*pairs, {}, [](const auto& pair) { return pair.key; });
  for (size_t i = 1; i < pairs->size(); ++i) {
    const auto& a = (*pairs)[i - 1];
    const auto& b = (*pairs)[i];
    if (a.key == b.key) {
      return std::unexpected(DataLineError(source, std::max(a.line, b.line),
                                           "duplicate " + std::string(what) + " '" + std::string(a.key) +
                                               "' (first on line " + std::to_string(std::min(a.line, b.line)) +
                                               ")"));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ProductNameRules> ProductNameRules::Parse(std::string_view overrides_source, std::string overrides_text,
                                                 std::string_view typos_source, std::string typos_text) {
  ProductNameRules rules;
  JSM_ASSIGN_OR_RETURN(std::vector<DataLine> override_lines,
                       SplitDataLines(overrides_source, overrides_text, "product_no,product_name", 2));
  JSM_ASSIGN_OR_RETURN(std::vector<DataLine> typo_lines, SplitDataLines(typos_source, typos_text, "wrong,right", 2));
  // Normalized keys and values are appended to one buffer, reserved up front so views stay put.
  auto owned = std::make_shared<std::string>();
  rules.storage_ = owned;
  std::string& storage = *owned;
  storage.reserve(overrides_text.size() + typos_text.size());
  auto keep = [&](std::string_view text) {
    const size_t offset = storage.size();
    storage.append(text);
    return std::string_view(storage.data() + offset, text.size());
  };
  std::string scratch;
  std::string scratch2;
  for (const DataLine& line : override_lines) {
    const std::string_view product_no = line.fields[0];
    const std::string_view name = CollapseWhitespace(line.fields[1], &scratch2);
    if (product_no.empty()) return std::unexpected(DataLineError(overrides_source, line.line, "empty product_no"));
    if (name.empty()) return std::unexpected(DataLineError(overrides_source, line.line, "empty product_name"));
    const std::string_view key = keep(UpperAscii(product_no, &scratch));
    rules.overrides_.push_back(Pair{key, keep(name), line.line});
  }
  for (const DataLine& line : typo_lines) {
    const std::string_view wrong = line.fields[0];
    const std::string_view right = CollapseWhitespace(line.fields[1], &scratch2);
    if (wrong.empty()) return std::unexpected(DataLineError(typos_source, line.line, "empty word"));
    for (char c : wrong) {
      if (IsAsciiWhitespace(c)) {
        return std::unexpected(DataLineError(typos_source, line.line, "'" + std::string(wrong) +
                                                                          "' is not one word: typo fixes replace "
                                                                          "whole words"));
      }
    }
    if (right.empty()) return std::unexpected(DataLineError(typos_source, line.line, "empty replacement"));
    const std::string_view key = keep(wrong);
    rules.typos_.push_back(Pair{key, keep(right), line.line});
  }
  JSM_RETURN_IF_ERROR(SortUnique(overrides_source, "product_no", &rules.overrides_));
  JSM_RETURN_IF_ERROR(SortUnique(typos_source, "word", &rules.typos_));
  return rules;
}

std::string_view ProductNameRules::Override(std::string_view product_no) const {
  if (overrides_.empty()) return {};
  const auto it = std::ranges::lower_bound(overrides_, product_no, {}, &Pair::key);
  return it != overrides_.end() && it->key == product_no ? it->value : std::string_view();
}

std::string_view ProductNameRules::FixTypos(std::string_view name, std::string* scratch) const {
  if (typos_.empty()) return name;
  bool changed = false;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t end = name.find(' ', pos);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view word = name.substr(pos, end - pos);
    const auto it = std::ranges::lower_bound(typos_, word, {}, &Pair::key);
    const bool fix = it != typos_.end() && it->key == word;
    if (fix && !changed) {
      scratch->assign(name.substr(0, pos));
      changed = true;
    }
    if (changed) {
      scratch->append(fix ? it->value : word);
      if (end < name.size()) scratch->push_back(' ');
    }
    pos = end + 1;
  }
  return changed ? std::string_view(*scratch) : name;
}

}  // namespace jsm::model
