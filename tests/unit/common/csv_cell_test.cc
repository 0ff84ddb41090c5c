#include "common/csv_cell.h"

#include <gtest/gtest.h>

#include <string>

namespace jsm {
namespace {

std::string Cell(std::string_view text, CsvCellKind kind = CsvCellKind::kText) {
  std::string out;
  AppendCsvCell(text, kind, &out);
  return out;
}

TEST(CsvCell, PlainTextIsWrittenAsIs) {
  EXPECT_EQ(Cell("WHITE HANGING HEART"), "WHITE HANGING HEART");
  EXPECT_EQ(Cell(""), "");
  EXPECT_EQ(Cell("a=b"), "a=b");  // only a leading character starts a formula
}

TEST(CsvCell, TextStartingAFormulaGetsAQuoteInFront) {
  EXPECT_EQ(Cell("=HYPERLINK(\"http://x.example/\";\"click\")"), "\"'=HYPERLINK(\"\"http://x.example/\"\";\"\"click\"\")\"");
  EXPECT_EQ(Cell("=1+2"), "'=1+2");
  EXPECT_EQ(Cell("+1"), "'+1");
  EXPECT_EQ(Cell("-5"), "'-5");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tx"), "'\tx");
  EXPECT_EQ(Cell("\rx"), "\"'\rx\"");  // a CR is also quoted
}

TEST(CsvCell, ValuesAreNeverNeutralized) {
  EXPECT_EQ(Cell("-5.00", CsvCellKind::kValue), "-5.00");
  EXPECT_EQ(Cell("-12", CsvCellKind::kValue), "-12");
  EXPECT_EQ(Cell("+1", CsvCellKind::kValue), "+1");
}

TEST(CsvCell, SeparatorsQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
}

}  // namespace
}  // namespace jsm
