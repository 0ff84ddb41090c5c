#include "pipeline/product_names.h"

namespace jsm::pipeline {

std::string_view ProductNames::Count(std::string_view product_no, std::string_view spelling, int64_t count) {
  auto it = products_.find(product_no);
  if (it == products_.end()) it = products_.emplace(std::string(product_no), Product{}).first;
  Product& product = it->second;
  size_t index = 0;
  while (index < product.spellings.size() && product.spellings[index].name != spelling) ++index;
  if (index == product.spellings.size()) product.spellings.push_back(Spelling{std::string(spelling), 0});
  Spelling& counted = product.spellings[index];
  counted.count += count;
  // Only this spelling's count grew, so only it can take the lead.
  const Spelling& best = product.spellings[product.best];
  if (index != product.best &&
      (counted.count > best.count || (counted.count == best.count && counted.name < best.name))) {
    product.best = index;
  }
  const std::string_view override_name = rules_->Override(product_no);
  return override_name.empty() ? std::string_view(product.spellings[product.best].name) : override_name;
}

std::string_view ProductNames::Canonical(std::string_view product_no) const {
  const std::string_view override_name = rules_->Override(product_no);
  if (!override_name.empty()) return override_name;
  const auto it = products_.find(product_no);
  return it == products_.end() ? std::string_view() : std::string_view(it->second.spellings[it->second.best].name);
}

size_t ProductNames::spellings() const {
  size_t total = 0;
  for (const auto& [product_no, product] : products_) total += product.spellings.size();
  return total;
}

}  // namespace jsm::pipeline
