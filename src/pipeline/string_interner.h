#pragma once
/// Maps strings to small dense ids (0, 1, 2, ...) so aggregation keys and
/// distinct-count sets hold integers instead of strings.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jsm::pipeline {

/// A string <-> id dictionary; ids are assigned in order of first appearance.
class StringInterner {
 public:
  /// The id of `text`, adding it if new.
  uint32_t Intern(std::string_view text);
  /// The string of an id.
  const std::string& Lookup(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }
  void Clear();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> strings_;
};

}  // namespace jsm::pipeline
