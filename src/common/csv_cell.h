#pragma once
/// One cell of CSV output (RFC 4180), safe to open in a spreadsheet: a text cell
/// that a spreadsheet would run as a formula is neutralized, as OWASP's advice on
/// CSV injection says. Used by `jsm table show --format csv` and the API's CSV.

#include <string>
#include <string_view>

namespace jsm {

/// Whether a cell holds text from data (string columns and headers) or a value
/// whose form the writer controls (numbers, decimals, dates, timestamps, booleans).
enum class CsvCellKind { kText, kValue };

/// Appends `text` as one CSV cell. A kText cell starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a `'` in front, so a spreadsheet shows it as
/// text instead of evaluating it (a kValue cell, such as the decimal -5.00, is
/// untouched). A cell holding a comma, a double quote, a line feed or a carriage
/// return is quoted, with its double quotes doubled.
void AppendCsvCell(std::string_view text, CsvCellKind kind, std::string* out);

}  // namespace jsm
