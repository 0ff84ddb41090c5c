// Country aliases: the file's lines become views into one owned copy of its
// text, the aliases lower-cased in place, sorted for a binary search.

#include "model/country_table.h"

#include <algorithm>

#include "model/normalization_file.h"
#include "model/normalize_text.h"

namespace jsm::model {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsIsoAlpha2(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

}  // namespace

Result<CountryTable> CountryTable::Parse(std::string_view source, std::string text) {
  CountryTable table;
  auto storage = std::make_shared<std::string>(std::move(text));
  table.text_ = storage;
  std::string& owned = *storage;
  JSM_ASSIGN_OR_RETURN(std::vector<DataLine> lines, SplitDataLines(source, owned, "alias,name,code", 3));
  for (const DataLine& line : lines) {
    const std::string_view alias = line.fields[0];
    if (alias.empty()) return std::unexpected(DataLineError(source, line.line, "empty alias"));
    if (alias.size() > kMaxAliasLength) {
      return std::unexpected(DataLineError(source, line.line, "alias longer than " +
                                                                  std::to_string(kMaxAliasLength) + " bytes"));
    }
    if (line.fields[2].find(',') != std::string_view::npos) {
      return std::unexpected(DataLineError(source, line.line, "expected 3 fields (alias,name,code), got more"));
    }
    if (!line.fields[2].empty() && !IsIsoAlpha2(line.fields[2])) {
      return std::unexpected(DataLineError(source, line.line, "code '" + std::string(line.fields[2]) +
                                                                  "' is not ISO 3166-1 alpha-2 (two capital "
                                                                  "letters) nor empty"));
    }
    if (line.fields[1].empty() && !line.fields[2].empty()) {
      return std::unexpected(DataLineError(source, line.line, "a code without a name"));
    }
    char* bytes = owned.data() + (alias.data() - owned.data());
    for (size_t i = 0; i < alias.size(); ++i) bytes[i] = LowerAscii(bytes[i]);
    table.entries_.push_back(Entry{alias, line.fields[1], line.fields[2], line.line});
  }
  std::ranges::stable_sort(table.entries_, {}, &Entry::alias);
  for (size_t i = 1; i < table.entries_.size(); ++i) {
    const Entry& previous = table.entries_[i - 1];
    const Entry& entry = table.entries_[i];
    if (previous.alias == entry.alias) {
      const Entry& later = previous.line < entry.line ? entry : previous;
      const Entry& first = previous.line < entry.line ? previous : entry;
      return std::unexpected(DataLineError(source, later.line, "duplicate alias '" + std::string(entry.alias) +
                                                                   "' (first on line " +
                                                                   std::to_string(first.line) + ")"));
    }
  }
  return table;
}

bool CountryTable::Lookup(std::string_view raw, std::string_view* name, std::string_view* code) const {
  raw = TrimAsciiWhitespace(raw);
  if (raw.empty() || raw.size() > kMaxAliasLength) return false;
  char lower[kMaxAliasLength];
  for (size_t i = 0; i < raw.size(); ++i) lower[i] = LowerAscii(raw[i]);
  const std::string_view key(lower, raw.size());
  const auto it = std::ranges::lower_bound(entries_, key, {}, &Entry::alias);
  if (it == entries_.end() || it->alias != key) return false;
  *name = it->name;
  *code = it->code;
  return true;
}

}  // namespace jsm::model
