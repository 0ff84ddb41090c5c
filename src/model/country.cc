// CanonicalCountry over the built-in country table: the aliases, names, ISO codes
// and the decisions behind them (EIRE, RSA, Unspecified, European Community,
// Channel Islands, ...) are data now, in config/normalization/countries.csv
// (documented in its header and in docs/normalization.md). The parser looks up
// the tables it was given; this function serves callers without tables.

#include "model/normalization_tables.h"
#include "model/order_parser.h"

namespace jsm::model {

bool CanonicalCountry(std::string_view raw, std::string_view* name, std::string_view* code) {
  return DefaultNormalizationTables()->countries.Lookup(raw, name, code);
}

}  // namespace jsm::model
