#pragma once
/// In-memory form of nested Parquet data (struct, list and map columns), kept
/// apart from the flat RecordBatch so that the flat path stays as it is. A
/// NestedColumn is laid out like Arrow's: per slot a validity byte; a list or
/// map slot points at a range of its child entries through `offsets`; a struct
/// slot is the same slot of each child (a null struct has null children).
/// See docs/parquet.md.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"

namespace jsm::parquet {

/// Shape of one field of a nested schema.
struct NestedType {
  enum class Kind { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  std::string name;
  bool nullable = true;
  Field leaf;  ///< kLeaf: type, precision and scale (its name and nullable mirror the above)
  /// kStruct: the fields; kList: the element; kMap: key (never null) and value.
  std::vector<NestedType> children;

  bool operator==(const NestedType&) const = default;
};

/// A leaf field of a nested schema.
NestedType LeafType(std::string name, DataType type, bool nullable = true);
/// A struct of `fields`.
NestedType StructType(std::string name, std::vector<NestedType> fields, bool nullable = true);
/// A list of `element`.
NestedType ListType(std::string name, NestedType element, bool nullable = true);
/// A map from `key` (a non-null leaf) to `value`.
NestedType MapType(std::string name, NestedType key, NestedType value, bool nullable = true);

/// The values of a nested field (see the file comment for the layout).
struct NestedColumn {
  std::vector<uint8_t> validity;      ///< struct/list/map: one byte per slot, 1 = present
  std::vector<uint64_t> offsets{0};   ///< list/map: slot i holds child entries [offsets[i], offsets[i+1])
  std::vector<NestedColumn> children;  ///< in the order of NestedType::children
  Column values;                      ///< kLeaf

  /// Number of slots.
  size_t size(const NestedType& type) const {
    return type.kind == NestedType::Kind::kLeaf ? values.size() : validity.size();
  }
};

/// An empty column of `type`, with children and leaf columns of the right types.
NestedColumn MakeNestedColumn(const NestedType& type);

/// Appends a null slot to `column` of `type` (a struct's children get a null too).
void AppendNestedNull(const NestedType& type, NestedColumn* column);
/// Appends a present struct slot; the caller then appends one slot to each child.
void AppendStructSlot(NestedColumn* column);
/// Closes a present list or map slot holding the child entries appended since the previous slot.
void CloseListSlot(const NestedType& type, NestedColumn* column);

/// Rows of nested columns, one NestedColumn per top-level field.
struct NestedBatch {
  std::vector<NestedType> fields;
  std::vector<NestedColumn> columns;
  size_t num_rows = 0;

  /// Index of the top-level field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
};

/// An empty batch of `fields`.
NestedBatch MakeNestedBatch(std::vector<NestedType> fields);

}  // namespace jsm::parquet
