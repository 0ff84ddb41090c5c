// The country table: every country name of the real order data, the common
// aliases, and a few more countries, each mapped to a canonical English name and
// an ISO 3166-1 alpha-2 code.
//
// Decisions:
// - "EIRE" is Ireland (IE), "RSA" South Africa (ZA), "USA" United States (US),
//   "Czech Republic" Czechia (CZ), "United Kingdom" and its parts GB.
// - "Unspecified" (and "Unknown") mean no country: null name and null code.
// - "European Community" is not a country: it keeps its name, with a null code.
// - "Channel Islands" has no single ISO code (Jersey is JE, Guernsey GG): it keeps
//   its name with a null code, rather than guessing one bailiwick.
// Lookup is case-insensitive on the ASCII letters and ignores surrounding whitespace.

#include <algorithm>
#include <array>
#include <string_view>

#include "model/normalize_text.h"
#include "model/order_parser.h"

namespace jsm::model {
namespace {

struct CountryAlias {
  std::string_view key;   ///< lower-case alias
  std::string_view name;  ///< canonical English name; empty = null
  std::string_view code;  ///< ISO 3166-1 alpha-2; empty = null
};

constexpr CountryAlias kAliases[] = {
    // The 38 names of the real data, and their aliases.
    {"united kingdom", "United Kingdom", "GB"},
    {"uk", "United Kingdom", "GB"},
    {"u.k.", "United Kingdom", "GB"},
    {"gb", "United Kingdom", "GB"},
    {"great britain", "United Kingdom", "GB"},
    {"britain", "United Kingdom", "GB"},
    {"england", "United Kingdom", "GB"},
    {"scotland", "United Kingdom", "GB"},
    {"wales", "United Kingdom", "GB"},
    {"northern ireland", "United Kingdom", "GB"},
    {"united kingdom of great britain and northern ireland", "United Kingdom", "GB"},
    {"germany", "Germany", "DE"},
    {"deutschland", "Germany", "DE"},
    {"france", "France", "FR"},
    {"eire", "Ireland", "IE"},
    {"ireland", "Ireland", "IE"},
    {"republic of ireland", "Ireland", "IE"},
    {"belgium", "Belgium", "BE"},
    {"spain", "Spain", "ES"},
    {"switzerland", "Switzerland", "CH"},
    {"netherlands", "Netherlands", "NL"},
    {"the netherlands", "Netherlands", "NL"},
    {"holland", "Netherlands", "NL"},
    {"portugal", "Portugal", "PT"},
    {"australia", "Australia", "AU"},
    {"norway", "Norway", "NO"},
    {"austria", "Austria", "AT"},
    {"iceland", "Iceland", "IS"},
    {"finland", "Finland", "FI"},
    {"italy", "Italy", "IT"},
    {"channel islands", "Channel Islands", ""},
    {"cyprus", "Cyprus", "CY"},
    {"unspecified", "", ""},
    {"unknown", "", ""},
    {"sweden", "Sweden", "SE"},
    {"denmark", "Denmark", "DK"},
    {"usa", "United States", "US"},
    {"us", "United States", "US"},
    {"u.s.", "United States", "US"},
    {"u.s.a.", "United States", "US"},
    {"united states", "United States", "US"},
    {"united states of america", "United States", "US"},
    {"japan", "Japan", "JP"},
    {"israel", "Israel", "IL"},
    {"singapore", "Singapore", "SG"},
    {"poland", "Poland", "PL"},
    {"hong kong", "Hong Kong", "HK"},
    {"hong kong sar", "Hong Kong", "HK"},
    {"canada", "Canada", "CA"},
    {"malta", "Malta", "MT"},
    {"greece", "Greece", "GR"},
    {"united arab emirates", "United Arab Emirates", "AE"},
    {"uae", "United Arab Emirates", "AE"},
    {"european community", "European Community", ""},
    {"rsa", "South Africa", "ZA"},
    {"south africa", "South Africa", "ZA"},
    {"lebanon", "Lebanon", "LB"},
    {"lithuania", "Lithuania", "LT"},
    {"brazil", "Brazil", "BR"},
    {"czech republic", "Czechia", "CZ"},
    {"czechia", "Czechia", "CZ"},
    {"bahrain", "Bahrain", "BH"},
    {"saudi arabia", "Saudi Arabia", "SA"},
    // Crown dependencies, for producers that name them.
    {"jersey", "Jersey", "JE"},
    {"guernsey", "Guernsey", "GG"},
    {"isle of man", "Isle of Man", "IM"},
    // Other countries a UK shop plausibly sells to.
    {"luxembourg", "Luxembourg", "LU"},
    {"slovakia", "Slovakia", "SK"},
    {"slovenia", "Slovenia", "SI"},
    {"hungary", "Hungary", "HU"},
    {"romania", "Romania", "RO"},
    {"bulgaria", "Bulgaria", "BG"},
    {"croatia", "Croatia", "HR"},
    {"estonia", "Estonia", "EE"},
    {"latvia", "Latvia", "LV"},
    {"russia", "Russia", "RU"},
    {"russian federation", "Russia", "RU"},
    {"ukraine", "Ukraine", "UA"},
    {"turkey", "Turkey", "TR"},
    {"t\xc3\xbcrkiye", "Turkey", "TR"},
    {"china", "China", "CN"},
    {"india", "India", "IN"},
    {"korea", "South Korea", "KR"},
    {"south korea", "South Korea", "KR"},
    {"republic of korea", "South Korea", "KR"},
    {"taiwan", "Taiwan", "TW"},
    {"thailand", "Thailand", "TH"},
    {"malaysia", "Malaysia", "MY"},
    {"indonesia", "Indonesia", "ID"},
    {"philippines", "Philippines", "PH"},
    {"new zealand", "New Zealand", "NZ"},
    {"mexico", "Mexico", "MX"},
    {"argentina", "Argentina", "AR"},
    {"chile", "Chile", "CL"},
    {"egypt", "Egypt", "EG"},
    {"nigeria", "Nigeria", "NG"},
    {"qatar", "Qatar", "QA"},
    {"kuwait", "Kuwait", "KW"},
    {"bermuda", "Bermuda", "BM"},
};

constexpr size_t kMaxKeyLength = 64;

constexpr auto kSortedAliases = [] {
  std::array<CountryAlias, std::size(kAliases)> sorted{};
  std::copy(std::begin(kAliases), std::end(kAliases), sorted.begin());
  std::ranges::sort(sorted, {}, &CountryAlias::key);
  return sorted;
}();

constexpr bool AliasesAreWellFormed() {
  for (size_t i = 0; i < kSortedAliases.size(); ++i) {
    const auto key = kSortedAliases[i].key;
    if (key.size() > kMaxKeyLength) return false;
    if (i > 0 && kSortedAliases[i - 1].key == key) return false;
    for (char c : key) {
      if (c >= 'A' && c <= 'Z') return false;
    }
  }
  return true;
}
static_assert(AliasesAreWellFormed(), "country aliases must be unique, lower-case and short");

}  // namespace

bool CanonicalCountry(std::string_view raw, std::string_view* name, std::string_view* code) {
  raw = TrimAsciiWhitespace(raw);
  if (raw.empty() || raw.size() > kMaxKeyLength) return false;
  char lower[kMaxKeyLength];
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view key(lower, raw.size());
  const auto it = std::ranges::lower_bound(kSortedAliases, key, {}, &CountryAlias::key);
  if (it == kSortedAliases.end() || it->key != key) return false;
  *name = it->name;
  *code = it->code;
  return true;
}

}  // namespace jsm::model
