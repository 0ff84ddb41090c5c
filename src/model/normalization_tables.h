#pragma once
/// The normalization tables of the refine stage, all data (docs/normalization.md):
/// country aliases, accepted date formats, exchange rates to GBP, product-name
/// overrides and typo fixes. The files shipped in config/normalization/ are also
/// built into the binary as the defaults; a config file's [normalization] section
/// can point any of them at a file of its own.

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/country_table.h"
#include "model/currency_rates.h"
#include "model/date_formats.h"
#include "model/product_name_rules.h"

namespace jsm::model {

/// Where each table comes from: a file path, or empty for the built-in copy of the shipped file.
struct NormalizationPaths {
  std::string countries;               ///< alias,name,code
  std::string date_formats;            ///< one format per line
  std::string currencies;              ///< currency,valid_from,rate_to_gbp
  std::string product_name_overrides;  ///< product_no,product_name
  std::string typo_fixes;              ///< wrong,right
};

/// All the tables, loaded once and shared read-only by every parser and stage.
struct NormalizationTables {
  CountryTable countries;
  DateFormats date_formats;
  CurrencyRates currencies;
  ProductNameRules product_names;
};

/// Loads the tables named by `paths` (built-in copies for empty paths). A bad
/// row is kInvalidArgument "FILE:LINE: what is wrong"; a missing file kNotFound.
Result<std::shared_ptr<const NormalizationTables>> LoadNormalizationTables(const NormalizationPaths& paths);

/// The built-in tables (the shipped config/normalization/ files, compiled in).
const std::shared_ptr<const NormalizationTables>& DefaultNormalizationTables();

/// Text of the built-in copy of a shipped file, by its file name (e.g.
/// "countries.csv"); empty if there is none. Defined in a file generated at build time.
std::string_view BuiltinNormalizationFile(std::string_view file_name);

}  // namespace jsm::model
