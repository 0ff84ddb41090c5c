#include "parquet/nested_reader.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <utility>

#include "parquet/column_chunk_reader.h"
#include "parquet/footer.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {
namespace {

constexpr int kMaxDepth = 64;
constexpr int kMaxLevel = 255;

std::unexpected<Error> Corrupt(std::string_view what) { return MakeError(ErrorCode::kCorruption, std::string(what)); }

/// A node of the file's schema tree.
struct SchemaNode {
  const SchemaElement* element = nullptr;
  std::vector<SchemaNode> children;
};

Status BuildTree(std::span<const SchemaElement> elements, size_t* pos, int depth, SchemaNode* node) {
  if (depth > kMaxDepth) return Corrupt(fmt::format("schema nested more than {} levels deep", kMaxDepth));
  if (*pos >= elements.size()) return Corrupt("schema tree ends early");
  node->element = &elements[(*pos)++];
  int64_t children = node->element->num_children.value_or(0);
  if (children < 0 || static_cast<uint64_t>(children) > elements.size() - *pos) {
    return Corrupt(fmt::format("schema element '{}' claims {} children", node->element->name, children));
  }
  if (children == 0 && depth > 0 && !node->element->type) {
    return Corrupt(fmt::format("schema element '{}' is neither a group nor a typed leaf", node->element->name));
  }
  node->children.resize(static_cast<size_t>(children));
  for (SchemaNode& child : node->children) JSM_RETURN_IF_ERROR(BuildTree(elements, pos, depth + 1, &child));
  return Status::Ok();
}

/// A leaf of the file: its chunk index, levels and how to decode it.
struct LeafInfo {
  std::string path;  ///< dotted path of NestedType names
  int max_definition = 0;
  int max_repetition = 0;
  Result<LeafColumn> column = MakeError(ErrorCode::kInternal, "unset");
  bool selected = false;
};

/// A node of the nested schema as the reader assembles it.
struct ReadNode {
  NestedType type;
  size_t first_leaf = 0;  ///< chunk index of its first leaf
  size_t end_leaf = 0;
  std::vector<ReadNode> children;
};

bool IsRepeated(const SchemaElement& e) { return e.repetition_type == Repetition::kRepeated; }

bool IsAnnotated(const SchemaElement& e, LogicalType::Kind logical, ConvertedType converted) {
  if (e.logical_type && e.logical_type->kind == logical) return true;
  return e.converted_type && *e.converted_type == converted;
}

class SchemaConverter {
 public:
  explicit SchemaConverter(std::vector<LeafInfo>* leaves) : leaves_(leaves) {}

  /// Converts `node`; `repeated_as_required` treats a REPEATED node as the element of its list.
  Status Convert(const SchemaNode& node, std::string name, const std::string& prefix, int definition,
                 int repetition, bool repeated_as_required, ReadNode* out) {
    const SchemaElement& e = *node.element;
    const std::string path = prefix.empty() ? name : prefix + "." + name;
    if (IsRepeated(e) && !repeated_as_required) {
      // A bare repeated field: a list of required elements.
      out->type.kind = NestedType::Kind::kList;
      out->type.name = name;
      out->type.nullable = false;
      out->first_leaf = leaves_->size();
      ReadNode& element = out->children.emplace_back();
      JSM_RETURN_IF_ERROR(Convert(node, "element", path, definition + 1, repetition + 1, true, &element));
      out->type.children.push_back(element.type);
      out->end_leaf = leaves_->size();
      return Status::Ok();
    }
    const bool nullable = !repeated_as_required && e.repetition_type.value_or(Repetition::kOptional) ==
                                                       Repetition::kOptional;
    if (nullable) ++definition;
    if (definition > kMaxLevel || repetition > kMaxLevel) return Corrupt("schema nested too deeply");
    out->type.name = name;
    out->type.nullable = nullable;
    out->first_leaf = leaves_->size();
    if (node.children.empty()) {
      out->type.kind = NestedType::Kind::kLeaf;
      LeafInfo& leaf = leaves_->emplace_back();
      leaf.path = path;
      leaf.max_definition = definition;
      leaf.max_repetition = repetition;
      SchemaElement flat = e;
      flat.repetition_type = nullable ? Repetition::kOptional : Repetition::kRequired;
      leaf.column = LeafColumnFor(flat);
      out->type.leaf = leaf.column ? leaf.column->field : Field{};
      out->type.leaf.name = name;
      out->type.leaf.nullable = nullable;
      out->end_leaf = leaves_->size();
      return Status::Ok();
    }
    const bool list = IsAnnotated(e, LogicalType::Kind::kList, ConvertedType::kList);
    const bool map = IsAnnotated(e, LogicalType::Kind::kMap, ConvertedType::kMap) ||
                     (e.converted_type && *e.converted_type == ConvertedType::kMapKeyValue);
    if ((list || map) && node.children.size() == 1 && IsRepeated(*node.children[0].element)) {
      const SchemaNode& repeated = node.children[0];
      if (map && repeated.children.size() == 2) {
        out->type.kind = NestedType::Kind::kMap;
        static constexpr std::string_view kNames[] = {"key", "value"};
        for (size_t i = 0; i < 2; ++i) {
          ReadNode& child = out->children.emplace_back();
          JSM_RETURN_IF_ERROR(Convert(repeated.children[i], std::string(kNames[i]), path, definition + 1,
                                      repetition + 1, false, &child));
          out->type.children.push_back(child.type);
        }
        if (out->children[0].type.kind != NestedType::Kind::kLeaf) {
          return MakeError(ErrorCode::kUnsupported, fmt::format("map '{}' has a nested key", path));
        }
        out->end_leaf = leaves_->size();
        return Status::Ok();
      }
      if (list) {
        out->type.kind = NestedType::Kind::kList;
        ReadNode& element = out->children.emplace_back();
        const std::string& repeated_name = repeated.element->name;
        const bool three_level = repeated.children.size() == 1 && repeated_name != "array" &&
                                 repeated_name != e.name + "_tuple";
        if (three_level) {
          JSM_RETURN_IF_ERROR(
              Convert(repeated.children[0], "element", path, definition + 1, repetition + 1, false, &element));
        } else {
          JSM_RETURN_IF_ERROR(Convert(repeated, "element", path, definition + 1, repetition + 1, true, &element));
        }
        out->type.children.push_back(element.type);
        out->end_leaf = leaves_->size();
        return Status::Ok();
      }
    }
    out->type.kind = NestedType::Kind::kStruct;
    for (const SchemaNode& child_node : node.children) {
      ReadNode& child = out->children.emplace_back();
      JSM_RETURN_IF_ERROR(
          Convert(child_node, child_node.element->name, path, definition, repetition, false, &child));
      out->type.children.push_back(child.type);
    }
    out->end_leaf = leaves_->size();
    return Status::Ok();
  }

 private:
  std::vector<LeafInfo>* leaves_;
};

/// The file's schema as ReadNodes and leaves.
Status ConvertSchema(const std::vector<SchemaElement>& elements, std::vector<ReadNode>* fields,
                     std::vector<LeafInfo>* leaves) {
  SchemaNode root;
  size_t pos = 0;
  JSM_RETURN_IF_ERROR(BuildTree(elements, &pos, 0, &root));
  if (pos != elements.size()) {
    return Corrupt(fmt::format("schema root has {} elements below it but the footer lists {}", pos - 1,
                               elements.size() - 1));
  }
  SchemaConverter converter(leaves);
  fields->resize(root.children.size());
  for (size_t i = 0; i < root.children.size(); ++i) {
    const SchemaNode& child = root.children[i];
    JSM_RETURN_IF_ERROR(converter.Convert(child, child.element->name, "", 0, 0, false, &(*fields)[i]));
  }
  return Status::Ok();
}

bool PathSelects(std::string_view selector, std::string_view leaf_path) {
  return leaf_path == selector ||
         (leaf_path.size() > selector.size() && leaf_path.starts_with(selector) && leaf_path[selector.size()] == '.');
}

/// Keeps the selected part of `node`; false when nothing below it is selected.
bool Prune(ReadNode* node, const std::vector<LeafInfo>& leaves) {
  bool any = false;
  for (size_t k = node->first_leaf; k < node->end_leaf; ++k) any = any || leaves[k].selected;
  if (!any) return false;
  if (node->type.kind == NestedType::Kind::kStruct) {
    std::vector<ReadNode> kept;
    std::vector<NestedType> types;
    for (ReadNode& child : node->children) {
      if (Prune(&child, leaves)) {
        types.push_back(child.type);
        kept.push_back(std::move(child));
      }
    }
    node->children = std::move(kept);
    node->type.children = std::move(types);
    node->first_leaf = node->children.front().first_leaf;
  }
  return true;
}

/// Marks every leaf of a list or map selected once one of them is.
void SelectWholeLists(const ReadNode& node, std::vector<LeafInfo>* leaves) {
  if (node.type.kind == NestedType::Kind::kList || node.type.kind == NestedType::Kind::kMap) {
    bool any = false;
    for (size_t k = node.first_leaf; k < node.end_leaf; ++k) any = any || (*leaves)[k].selected;
    if (any) {
      for (size_t k = node.first_leaf; k < node.end_leaf; ++k) (*leaves)[k].selected = true;
    }
    return;
  }
  for (const ReadNode& child : node.children) SelectWholeLists(child, leaves);
}

/// The decoded levels of one leaf and how far assembly has consumed them.
struct LeafCursor {
  LeveledValues data;
  size_t entries = 0;
  size_t level = 0;
  size_t value = 0;
  int max_definition = 0;
  int max_repetition = 0;
};

/// Rebuilds nested slots from the leaves' levels (the inverse of shredding).
class Assembler {
 public:
  explicit Assembler(std::vector<LeafCursor>* cursors) : cursors_(cursors) {}

  Status Assemble(const ReadNode& node, NestedColumn* column, int definition, int depth) {
    LeafCursor& first = (*cursors_)[node.first_leaf];
    if (first.level >= first.entries) return Corrupt("levels end before the rows do");
    const int level = first.max_definition > 0 ? first.data.definition[first.level] : 0;
    const NestedType& type = node.type;
    if (type.nullable) {
      if (level <= definition) {
        JSM_RETURN_IF_ERROR(Skip(node));
        AppendNestedNull(type, column);
        return Status::Ok();
      }
      ++definition;
    }
    switch (type.kind) {
      case NestedType::Kind::kLeaf: {
        if (level < definition || first.value >= first.data.values.size()) {
          return Corrupt(fmt::format("leaf '{}': a value is missing for its definition level", type.name));
        }
        column->values.AppendFrom(first.data.values, first.value++);
        ++first.level;
        return Status::Ok();
      }
      case NestedType::Kind::kStruct:
        AppendStructSlot(column);
        for (size_t k = 0; k < node.children.size(); ++k) {
          JSM_RETURN_IF_ERROR(Assemble(node.children[k], &column->children[k], definition, depth));
        }
        return Status::Ok();
      case NestedType::Kind::kList:
      case NestedType::Kind::kMap: {
        if (level <= definition) {  // present but empty
          JSM_RETURN_IF_ERROR(Skip(node));
          CloseListSlot(type, column);
          return Status::Ok();
        }
        const int list_depth = depth + 1;
        while (true) {
          for (size_t k = 0; k < node.children.size(); ++k) {
            JSM_RETURN_IF_ERROR(Assemble(node.children[k], &column->children[k], definition + 1, list_depth));
          }
          if (first.level >= first.entries || first.max_repetition == 0) break;
          const int next = first.data.repetition[first.level];
          if (next > list_depth) return Corrupt("repetition level deeper than the list being read");
          if (next < list_depth) break;
        }
        CloseListSlot(type, column);
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

 private:
  /// Consumes the one level entry that a null or empty slot leaves in each leaf below `node`.
  Status Skip(const ReadNode& node) {
    for (size_t k = node.first_leaf; k < node.end_leaf; ++k) {
      LeafCursor& cursor = (*cursors_)[k];
      if (cursor.max_definition < 0) continue;  // not selected
      if (cursor.level >= cursor.entries) return Corrupt("levels end before the rows do");
      ++cursor.level;
    }
    return Status::Ok();
  }

  std::vector<LeafCursor>* cursors_;
};

}  // namespace

Result<std::vector<NestedType>> ReadNestedParquetSchema(std::string_view file_bytes, std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  std::vector<ReadNode> fields;
  std::vector<LeafInfo> leaves;
  Status converted = ConvertSchema(footer.metadata.schema, &fields, &leaves);
  if (!converted) {
    return std::unexpected(
        converted.error().WithContext(fmt::format("{}: footer at byte offset {}", file_name, footer.start)));
  }
  std::vector<NestedType> types;
  for (ReadNode& field : fields) types.push_back(std::move(field.type));
  return types;
}

Result<NestedBatch> ReadNestedParquet(std::string_view file_bytes, const std::vector<std::string>& paths,
                                      std::string_view file_name) {
  JSM_ASSIGN_OR_RETURN(Footer footer, ReadFooter(file_bytes, file_name));
  auto in_footer = [&](const Error& error) {
    return std::unexpected(error.WithContext(fmt::format("{}: footer at byte offset {}", file_name, footer.start)));
  };
  std::vector<ReadNode> fields;
  std::vector<LeafInfo> leaves;
  Status converted = ConvertSchema(footer.metadata.schema, &fields, &leaves);
  if (!converted) return in_footer(converted.error());
  for (LeafInfo& leaf : leaves) {
    leaf.selected = paths.empty();
    for (const std::string& path : paths) leaf.selected = leaf.selected || PathSelects(path, leaf.path);
  }
  for (const ReadNode& field : fields) SelectWholeLists(field, &leaves);
  for (const LeafInfo& leaf : leaves) {
    if (leaf.selected && !leaf.column) return in_footer(leaf.column.error());
  }
  std::vector<ReadNode> kept;
  for (ReadNode& field : fields) {
    if (Prune(&field, leaves)) kept.push_back(std::move(field));
  }

  std::vector<NestedType> types;
  for (const ReadNode& field : kept) types.push_back(field.type);
  NestedBatch batch = MakeNestedBatch(std::move(types));

  std::vector<LeafCursor> cursors(leaves.size());
  for (size_t k = 0; k < leaves.size(); ++k) {
    cursors[k].max_definition = leaves[k].selected ? leaves[k].max_definition : -1;
    cursors[k].max_repetition = leaves[k].max_repetition;
  }
  ColumnChunkReader reader(file_bytes, file_name, footer.start);
  Assembler assembler(&cursors);
  const FileMetaData& metadata = footer.metadata;
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& group = metadata.row_groups[g];
    if (group.columns.size() != leaves.size()) {
      return in_footer(Error(ErrorCode::kCorruption, fmt::format("row group {} has {} column chunks for {} leaves",
                                                                 g, group.columns.size(), leaves.size())));
    }
    for (size_t k = 0; k < leaves.size(); ++k) {
      if (!leaves[k].selected) continue;
      LeafCursor& cursor = cursors[k];
      cursor.data.definition.clear();
      cursor.data.repetition.clear();
      cursor.data.values = Column(leaves[k].column->field.type);
      JSM_RETURN_IF_ERROR(reader.ReadLeveled(group.columns[k], *leaves[k].column, leaves[k].max_definition,
                                             leaves[k].max_repetition, &cursor.data, g));
      cursor.entries = leaves[k].max_definition > 0    ? cursor.data.definition.size()
                       : leaves[k].max_repetition > 0 ? cursor.data.repetition.size()
                                                      : cursor.data.values.size();
      cursor.level = 0;
      cursor.value = 0;
    }
    for (int64_t row = 0; !kept.empty() && row < group.num_rows; ++row) {
      for (size_t i = 0; i < kept.size(); ++i) {
        const LeafCursor& first = cursors[kept[i].first_leaf];
        if (first.max_repetition > 0 && first.level < first.entries && first.data.repetition[first.level] != 0) {
          return MakeError(ErrorCode::kCorruption,
                           fmt::format("{}: row group {}: column '{}' does not start row {} at repetition level 0",
                                       file_name, g, kept[i].type.name, row));
        }
        Status status = assembler.Assemble(kept[i], &batch.columns[i], 0, 0);
        if (!status) {
          return std::unexpected(status.error().WithContext(
              fmt::format("{}: row group {}, column '{}', row {}", file_name, g, kept[i].type.name, row)));
        }
      }
    }
    for (size_t k = 0; k < leaves.size(); ++k) {
      if (leaves[k].selected && cursors[k].level != cursors[k].entries) {
        return MakeError(ErrorCode::kCorruption,
                         fmt::format("{}: row group {}: leaf '{}' holds {} level entries beyond its {} rows",
                                     file_name, g, leaves[k].path, cursors[k].entries - cursors[k].level,
                                     group.num_rows));
      }
    }
    batch.num_rows += static_cast<size_t>(group.num_rows);
  }
  return batch;
}

}  // namespace jsm::parquet
