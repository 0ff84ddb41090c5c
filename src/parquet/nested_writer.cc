#include "parquet/nested_writer.h"

#include <fmt/format.h>

#include <set>
#include <span>
#include <utility>

#include "parquet/column_chunk_writer.h"
#include "parquet/little_endian.h"
#include "parquet/schema_conversion.h"

namespace jsm::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int kMaxLevel = 255;

/// One leaf of the schema as written: where it is and its maximum levels.
struct LeafSpec {
  Field field;
  std::vector<std::string> path;
  int max_definition = 0;
  int max_repetition = 0;
};

/// The shredded data of one leaf.
struct LeafData {
  std::vector<uint8_t> definition;
  std::vector<uint8_t> repetition;
  Column values{DataType::kString};
};

/// The schema tree annotated with how many leaves each node holds.
struct WriteNode {
  const NestedType* type = nullptr;
  size_t leaves = 0;
  std::vector<WriteNode> children;
};

Status AppendElements(const NestedType& type, std::string_view name, std::vector<std::string>* path,
                      int definition, int repetition, std::vector<SchemaElement>* elements,
                      std::vector<LeafSpec>* leaves, WriteNode* node) {
  node->type = &type;
  if (name.empty()) return MakeError(ErrorCode::kInvalidArgument, "a nested field has an empty name");
  if (type.nullable) ++definition;
  if (definition > kMaxLevel || repetition > kMaxLevel) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("field '{}' is nested too deeply", name));
  }
  path->emplace_back(name);
  const Repetition repetition_type = type.nullable ? Repetition::kOptional : Repetition::kRequired;
  switch (type.kind) {
    case NestedType::Kind::kLeaf: {
      Field field = type.leaf;
      field.name = std::string(name);
      field.nullable = type.nullable;
      JSM_ASSIGN_OR_RETURN(SchemaElement element, LeafElementFor(field));
      elements->push_back(std::move(element));
      leaves->push_back(LeafSpec{field, *path, definition, repetition});
      node->leaves = 1;
      break;
    }
    case NestedType::Kind::kStruct: {
      if (type.children.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("struct '{}' has no fields", name));
      }
      SchemaElement& group = elements->emplace_back();
      group.name = std::string(name);
      group.repetition_type = repetition_type;
      group.num_children = static_cast<int32_t>(type.children.size());
      std::set<std::string_view> names;
      for (const NestedType& child : type.children) {
        if (!names.insert(child.name).second) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("struct '{}' has two fields named '{}'", name, child.name));
        }
        WriteNode& child_node = node->children.emplace_back();
        JSM_RETURN_IF_ERROR(
            AppendElements(child, child.name, path, definition, repetition, elements, leaves, &child_node));
        node->leaves += child_node.leaves;
      }
      break;
    }
    case NestedType::Kind::kList:
    case NestedType::Kind::kMap: {
      const bool is_map = type.kind == NestedType::Kind::kMap;
      JSM_CHECK_EQ(type.children.size(), is_map ? size_t{2} : size_t{1});
      SchemaElement& group = elements->emplace_back();
      group.name = std::string(name);
      group.repetition_type = repetition_type;
      group.num_children = 1;
      group.converted_type = is_map ? ConvertedType::kMap : ConvertedType::kList;
      LogicalType logical;
      logical.kind = is_map ? LogicalType::Kind::kMap : LogicalType::Kind::kList;
      group.logical_type = logical;
      SchemaElement& repeated = elements->emplace_back();
      repeated.name = is_map ? "key_value" : "list";
      repeated.repetition_type = Repetition::kRepeated;
      repeated.num_children = static_cast<int32_t>(type.children.size());
      path->emplace_back(repeated.name);
      static constexpr std::string_view kMapNames[] = {"key", "value"};
      for (size_t i = 0; i < type.children.size(); ++i) {
        const NestedType& child = type.children[i];
        if (is_map && i == 0 && (child.kind != NestedType::Kind::kLeaf || child.nullable)) {
          return MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("map '{}' needs a non-nullable leaf key", name));
        }
        WriteNode& child_node = node->children.emplace_back();
        JSM_RETURN_IF_ERROR(AppendElements(child, is_map ? kMapNames[i] : std::string_view("element"), path,
                                           definition + 1, repetition + 1, elements, leaves, &child_node));
        node->leaves += child_node.leaves;
      }
      path->pop_back();
      break;
    }
  }
  path->pop_back();
  return Status::Ok();
}

/// Shreds slots of nested columns into the levels and values of their leaves.
class Shredder {
 public:
  explicit Shredder(std::vector<LeafData>* leaves) : leaves_(leaves) {}

  /// Shreds slot `i` of `column`, whose leaves start at leaf index `first_leaf`.
  Status Shred(const WriteNode& node, const NestedColumn& column, size_t i, uint8_t repetition,
               uint8_t definition, uint8_t depth, size_t first_leaf) {
    const NestedType& type = *node.type;
    const bool present = type.kind == NestedType::Kind::kLeaf ? column.values.IsValid(i) : column.validity[i] != 0;
    if (!present) {
      if (!type.nullable) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("field '{}' is not nullable but holds a null",
                                                                  type.name));
      }
      Empty(node, repetition, definition, first_leaf);
      return Status::Ok();
    }
    if (type.nullable) ++definition;
    switch (type.kind) {
      case NestedType::Kind::kLeaf: {
        LeafData& leaf = (*leaves_)[first_leaf];
        leaf.definition.push_back(definition);
        leaf.repetition.push_back(repetition);
        leaf.values.AppendFrom(column.values, i);
        return Status::Ok();
      }
      case NestedType::Kind::kStruct: {
        size_t leaf = first_leaf;
        for (size_t k = 0; k < node.children.size(); ++k) {
          JSM_RETURN_IF_ERROR(
              Shred(node.children[k], column.children[k], i, repetition, definition, depth, leaf));
          leaf += node.children[k].leaves;
        }
        return Status::Ok();
      }
      case NestedType::Kind::kList:
      case NestedType::Kind::kMap: {
        const uint64_t begin = column.offsets[i], end = column.offsets[i + 1];
        if (begin == end) {
          Empty(node, repetition, definition, first_leaf);
          return Status::Ok();
        }
        for (uint64_t j = begin; j < end; ++j) {
          const uint8_t r = j == begin ? repetition : static_cast<uint8_t>(depth + 1);
          size_t leaf = first_leaf;
          for (size_t k = 0; k < node.children.size(); ++k) {
            JSM_RETURN_IF_ERROR(Shred(node.children[k], column.children[k], j, r,
                                      static_cast<uint8_t>(definition + 1), static_cast<uint8_t>(depth + 1), leaf));
            leaf += node.children[k].leaves;
          }
        }
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

 private:
  /// A null or empty slot: one level entry, no value, for every leaf below.
  void Empty(const WriteNode& node, uint8_t repetition, uint8_t definition, size_t first_leaf) {
    for (size_t k = 0; k < node.leaves; ++k) {
      LeafData& leaf = (*leaves_)[first_leaf + k];
      leaf.definition.push_back(definition);
      leaf.repetition.push_back(repetition);
    }
  }

  std::vector<LeafData>* leaves_;
};

/// kInvalidArgument unless every slot range of `column` lies inside its children.
Status CheckShape(const NestedType& type, const NestedColumn& column, size_t slots) {
  if (column.size(type) != slots) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("field '{}' has {} slots where {} are expected",
                                                              type.name, column.size(type), slots));
  }
  switch (type.kind) {
    case NestedType::Kind::kLeaf:
      if (column.values.type() != type.leaf.type) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("field '{}' has a column of another type",
                                                                  type.name));
      }
      return Status::Ok();
    case NestedType::Kind::kStruct:
      if (column.children.size() != type.children.size()) break;
      for (size_t k = 0; k < type.children.size(); ++k) {
        JSM_RETURN_IF_ERROR(CheckShape(type.children[k], column.children[k], slots));
      }
      return Status::Ok();
    case NestedType::Kind::kList:
    case NestedType::Kind::kMap: {
      if (column.children.size() != type.children.size() || column.offsets.size() != slots + 1) break;
      bool ascending = true;
      for (size_t i = 0; i < slots; ++i) ascending = ascending && column.offsets[i] <= column.offsets[i + 1];
      if (!ascending) break;
      for (size_t k = 0; k < type.children.size(); ++k) {
        JSM_RETURN_IF_ERROR(CheckShape(type.children[k], column.children[k], column.offsets.back()));
      }
      return Status::Ok();
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("field '{}' has malformed children or offsets",
                                                            type.name));
}

}  // namespace

Status WriteNestedParquet(const NestedBatch& batch, const WriterOptions& options, std::string* out) {
  out->clear();
  if (batch.columns.size() != batch.fields.size()) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("nested batch has {} columns for {} fields",
                                                              batch.columns.size(), batch.fields.size()));
  }
  FileMetaData metadata;
  std::vector<LeafSpec> specs;
  std::vector<WriteNode> nodes(batch.fields.size());
  {
    SchemaElement& root = metadata.schema.emplace_back();
    root.name = "schema";
    root.num_children = static_cast<int32_t>(batch.fields.size());
    std::vector<std::string> path;
    std::set<std::string_view> names;
    for (size_t i = 0; i < batch.fields.size(); ++i) {
      const NestedType& field = batch.fields[i];
      if (!names.insert(field.name).second) {
        return MakeError(ErrorCode::kInvalidArgument, fmt::format("field name '{}' appears twice", field.name));
      }
      JSM_RETURN_IF_ERROR(AppendElements(field, field.name, &path, 0, 0, &metadata.schema, &specs, &nodes[i]));
      JSM_RETURN_IF_ERROR(CheckShape(field, batch.columns[i], batch.num_rows));
    }
  }
  metadata.version = 1;
  metadata.num_rows = static_cast<int64_t>(batch.num_rows);
  metadata.created_by = options.created_by;
  metadata.type_defined_column_orders = static_cast<int32_t>(specs.size());
  out->append(kMagic);

  if (batch.num_rows > 0) {
    std::vector<LeafData> leaves(specs.size());
    for (size_t k = 0; k < specs.size(); ++k) {
      leaves[k].values = Column(specs[k].field.type);
      leaves[k].definition.reserve(batch.num_rows);
      if (specs[k].max_repetition > 0) leaves[k].repetition.reserve(batch.num_rows);
    }
    Shredder shredder(&leaves);
    size_t first_leaf = 0;
    for (size_t i = 0; i < batch.fields.size(); ++i) {
      for (size_t row = 0; row < batch.num_rows; ++row) {
        JSM_RETURN_IF_ERROR(shredder.Shred(nodes[i], batch.columns[i], row, 0, 0, 0, first_leaf));
      }
      first_leaf += nodes[i].leaves;
    }
    RowGroup& group = metadata.row_groups.emplace_back();
    group.num_rows = static_cast<int64_t>(batch.num_rows);
    group.file_offset = static_cast<int64_t>(out->size());
    group.ordinal = 0;
    ColumnChunkWriter writer(options);
    int64_t compressed = 0;
    for (size_t k = 0; k < specs.size(); ++k) {
      const LeafSpec& spec = specs[k];
      LeafData& leaf = leaves[k];
      JSM_ASSIGN_OR_RETURN(
          ColumnChunk chunk,
          writer.WriteLeveled(spec.field, spec.path, leaf.values, leaf.definition, spec.max_definition,
                              leaf.repetition, spec.max_repetition, out));
      group.total_byte_size += chunk.meta_data->total_uncompressed_size;
      compressed += chunk.meta_data->total_compressed_size;
      group.columns.push_back(std::move(chunk));
      leaf.values = Column(spec.field.type);  // release its memory early
    }
    group.total_compressed_size = compressed;
  }

  size_t footer_start = out->size();
  SerializeFileMetaData(metadata, out);
  AppendLe(out, static_cast<uint32_t>(out->size() - footer_start));
  out->append(kMagic);
  return Status::Ok();
}

}  // namespace jsm::parquet
