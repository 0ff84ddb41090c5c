#include "common/csv_cell.h"

namespace jsm {
namespace {

bool StartsAFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

}  // namespace

void AppendCsvCell(std::string_view text, CsvCellKind kind, std::string* out) {
  const bool neutralize = kind == CsvCellKind::kText && StartsAFormula(text);
  const bool quote = text.find_first_of(",\"\n\r") != std::string_view::npos;
  if (quote) out->push_back('"');
  if (neutralize) out->push_back('\'');
  for (const char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  if (quote) out->push_back('"');
}

}  // namespace jsm
