#pragma once
/// Mapping between our Schema/Field/DataType and Parquet schema elements:
/// physical type, repetition, converted type and logical type per column.

#include <cstdint>
#include <span>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "parquet/format.h"
#include "parquet/metadata.h"

namespace jsm::parquet {

/// Bytes of the FIXED_LEN_BYTE_ARRAY that holds a decimal of `precision` digits: the fewest
/// whose two's complement range holds 10^precision - 1 (Parquet LogicalTypes.md), e.g. 12 for 28.
int DecimalByteWidth(int precision);

/// Physical type a DataType is stored as.
PhysicalType PhysicalTypeFor(DataType type);

/// The schema elements for a flat schema: a root named "schema" with one child
/// per field. Bad decimal precision/scale or an empty or duplicate field name is kInvalidArgument.
Result<std::vector<SchemaElement>> SchemaElementsFor(const Schema& schema);

/// The schema element of one leaf field (name, physical type, OPTIONAL or
/// REQUIRED by `nullable`, annotations). Bad decimal precision/scale is kInvalidArgument.
Result<SchemaElement> LeafElementFor(const Field& field);

/// A leaf column of a file as the reader decodes it.
struct LeafColumn {
  Field field;
  PhysicalType physical_type = PhysicalType::kBoolean;
  int32_t type_length = 0;     ///< FIXED_LEN_BYTE_ARRAY width
  int64_t int_multiplier = 1;  ///< applied to integer values (1000 for TIMESTAMP(MILLIS))
};

/// The column a leaf schema element describes, or kUnsupported (naming the
/// column) for types DataType cannot represent, such as INT96, FLOAT, nanosecond
/// timestamps and decimals wider than 38 digits. A FIXED_LEN_BYTE_ARRAY decimal
/// of 19..38 digits is kDecimal128, of fewer kDecimal. A BYTE_ARRAY without
/// annotation is binary.
Result<LeafColumn> LeafColumnFor(const SchemaElement& element);

/// The leaf elements of a flat schema (everything after the root), or
/// kUnsupported for nested schemas and kCorruption for an inconsistent tree.
Result<std::span<const SchemaElement>> FlatLeaves(const std::vector<SchemaElement>& schema);

}  // namespace jsm::parquet
