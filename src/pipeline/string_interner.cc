#include "pipeline/string_interner.h"

namespace jsm::pipeline {

uint32_t StringInterner::Intern(std::string_view text) {
  auto found = ids_.find(text);
  if (found != ids_.end()) return found->second;
  const uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(text);
  ids_.emplace(strings_.back(), id);
  return id;
}

void StringInterner::Clear() {
  ids_.clear();
  strings_.clear();
}

}  // namespace jsm::pipeline
