#pragma once
/// Helpers of the nested Parquet tests: building nested columns row by row and
/// comparing them.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parquet/nested.h"

namespace jsm::parquet::testing {

/// Appends a list<string> slot: nullopt = null list, otherwise its elements (nullopt elements are null).
inline void AppendStringList(const NestedType& type, NestedColumn* column,
                             const std::optional<std::vector<std::optional<std::string>>>& value) {
  if (!value) {
    AppendNestedNull(type, column);
    return;
  }
  for (const auto& element : *value) {
    if (element) {
      column->children[0].values.AppendString(*element);
    } else {
      column->children[0].values.AppendNull();
    }
  }
  CloseListSlot(type, column);
}

/// Appends a map<string,string> slot: nullopt = null map.
inline void AppendStringMap(const NestedType& type, NestedColumn* column,
                            const std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>>& value) {
  if (!value) {
    AppendNestedNull(type, column);
    return;
  }
  for (const auto& [key, v] : *value) {
    column->children[0].values.AppendString(key);
    if (v) {
      column->children[1].values.AppendString(*v);
    } else {
      column->children[1].values.AppendNull();
    }
  }
  CloseListSlot(type, column);
}

/// Expects two columns of `type` to hold the same slots, `where` naming them in messages.
inline void ExpectNestedEqual(const NestedType& type, const NestedColumn& expected, const NestedColumn& actual,
                              const std::string& where) {
  if (type.kind == NestedType::Kind::kLeaf) {
    const Column& e = expected.values;
    const Column& a = actual.values;
    ASSERT_EQ(e.size(), a.size()) << where;
    for (size_t r = 0; r < e.size(); ++r) {
      ASSERT_EQ(e.IsNull(r), a.IsNull(r)) << where << " slot " << r;
      if (e.IsNull(r)) continue;
      if (e.type() == DataType::kString) {
        ASSERT_EQ(e.StringAt(r), a.StringAt(r)) << where << " slot " << r;
      } else if (e.type() == DataType::kDouble) {
        ASSERT_EQ(e.DoubleAt(r), a.DoubleAt(r)) << where << " slot " << r;
      } else {
        ASSERT_EQ(e.IntAt(r), a.IntAt(r)) << where << " slot " << r;
      }
    }
    return;
  }
  ASSERT_EQ(expected.validity, actual.validity) << where;
  if (type.kind != NestedType::Kind::kStruct) ASSERT_EQ(expected.offsets, actual.offsets) << where;
  ASSERT_EQ(expected.children.size(), actual.children.size()) << where;
  for (size_t k = 0; k < type.children.size(); ++k) {
    ExpectNestedEqual(type.children[k], expected.children[k], actual.children[k], where + "." + type.children[k].name);
  }
}

}  // namespace jsm::parquet::testing
