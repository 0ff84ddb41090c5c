#include "parquet/nested.h"

#include <utility>

namespace jsm::parquet {

NestedType LeafType(std::string name, DataType type, bool nullable) {
  NestedType t;
  t.kind = NestedType::Kind::kLeaf;
  t.name = std::move(name);
  t.nullable = nullable;
  t.leaf = Field{t.name, type, nullable};
  return t;
}

NestedType StructType(std::string name, std::vector<NestedType> fields, bool nullable) {
  NestedType t;
  t.kind = NestedType::Kind::kStruct;
  t.name = std::move(name);
  t.nullable = nullable;
  t.children = std::move(fields);
  return t;
}

NestedType ListType(std::string name, NestedType element, bool nullable) {
  NestedType t;
  t.kind = NestedType::Kind::kList;
  t.name = std::move(name);
  t.nullable = nullable;
  t.children.push_back(std::move(element));
  return t;
}

NestedType MapType(std::string name, NestedType key, NestedType value, bool nullable) {
  NestedType t;
  t.kind = NestedType::Kind::kMap;
  t.name = std::move(name);
  t.nullable = nullable;
  key.nullable = false;
  key.leaf.nullable = false;
  t.children.push_back(std::move(key));
  t.children.push_back(std::move(value));
  return t;
}

NestedColumn MakeNestedColumn(const NestedType& type) {
  NestedColumn column;
  if (type.kind == NestedType::Kind::kLeaf) {
    column.values = Column(type.leaf.type);
    return column;
  }
  column.children.reserve(type.children.size());
  for (const NestedType& child : type.children) column.children.push_back(MakeNestedColumn(child));
  return column;
}

void AppendNestedNull(const NestedType& type, NestedColumn* column) {
  switch (type.kind) {
    case NestedType::Kind::kLeaf:
      column->values.AppendNull();
      return;
    case NestedType::Kind::kStruct:
      column->validity.push_back(0);
      for (size_t i = 0; i < type.children.size(); ++i) AppendNestedNull(type.children[i], &column->children[i]);
      return;
    case NestedType::Kind::kList:
    case NestedType::Kind::kMap:
      column->validity.push_back(0);
      column->offsets.push_back(column->offsets.back());
      return;
  }
}

void AppendStructSlot(NestedColumn* column) { column->validity.push_back(1); }

void CloseListSlot(const NestedType& type, NestedColumn* column) {
  column->validity.push_back(1);
  // The entries are those of the first child (the element, or the map's keys).
  column->offsets.push_back(column->children.front().size(type.children.front()));
}

int NestedBatch::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

NestedBatch MakeNestedBatch(std::vector<NestedType> fields) {
  NestedBatch batch;
  batch.fields = std::move(fields);
  for (const NestedType& field : batch.fields) batch.columns.push_back(MakeNestedColumn(field));
  return batch;
}

}  // namespace jsm::parquet
