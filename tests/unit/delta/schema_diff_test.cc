#include "delta/schema_diff.h"

#include <gtest/gtest.h>

namespace jsm::delta {
namespace {

TEST(SchemaDiff, EqualSchemasHaveNoDifference) {
  const Schema schema{{Field{"a", DataType::kInt64, true}}};
  EXPECT_EQ(DescribeSchemaDifference(schema, schema), "");
}

TEST(SchemaDiff, NamesTypeNullabilityMissingAndExtraColumns) {
  const Schema table{{Field{"qty", DataType::kInt64, true}, Field{"name", DataType::kString, false},
                      Field{"old", DataType::kDate, true}}};
  const Schema expected{{Field{"qty", DataType::kInt32, true}, Field{"name", DataType::kString, true},
                         Field{"price", DataType::kDecimal, true, 18, 2}}};
  EXPECT_EQ(DescribeSchemaDifference(table, expected),
            "column 'qty' is long in the table but integer is expected; "
            "column 'name' is not nullable in the table but expected nullable; "
            "the table lacks column 'price' (decimal(18,2)); "
            "the table has an unexpected column 'old' (date)");
}

TEST(SchemaDiff, SameColumnsInAnotherOrderIsADifference) {
  const Schema table{{Field{"a", DataType::kInt64, true}, Field{"b", DataType::kInt64, true}}};
  const Schema expected{{Field{"b", DataType::kInt64, true}, Field{"a", DataType::kInt64, true}}};
  EXPECT_EQ(DescribeSchemaDifference(table, expected),
            "columns are in a different order: the table has (a, b), expected (b, a)");
}

TEST(SchemaDiff, NamesTheActualSideAsAsked) {
  const Schema batch{{Field{"a", DataType::kInt64, true}}};
  const Schema table{{Field{"a", DataType::kInt64, true}, Field{"b", DataType::kDate, true}}};
  EXPECT_EQ(DescribeSchemaDifference(batch, table, "the batch"), "the batch lacks column 'b' (date)");
}

}  // namespace
}  // namespace jsm::delta
