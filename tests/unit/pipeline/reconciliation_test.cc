#include "pipeline/reconciliation.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

TEST(Reconciliation, FormatCentsWritesTwoDecimals) {
  EXPECT_EQ(FormatCents(0), "0.00");
  EXPECT_EQ(FormatCents(5), "0.05");
  EXPECT_EQ(FormatCents(123456), "1234.56");
  EXPECT_EQ(FormatCents(-1999), "-19.99");
  EXPECT_EQ(FormatCents(INT64_MIN), "-92233720368547758.08");
}

}  // namespace
}  // namespace jsm::pipeline
