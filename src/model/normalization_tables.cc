#include "model/normalization_tables.h"

#include "common/check.h"
#include "model/normalization_file.h"

namespace jsm::model {
namespace {

/// The text of `path`, or of the built-in `file_name` when `path` is empty; `source` names it in errors.
Status ReadTableText(const std::string& path, std::string_view file_name, std::string* source, std::string* text) {
  if (path.empty()) {
    *source = "built-in " + std::string(file_name);
    *text = std::string(BuiltinNormalizationFile(file_name));
    return Status::Ok();
  }
  *source = path;
  return ReadDataFile(path, text);
}

}  // namespace

Result<std::shared_ptr<const NormalizationTables>> LoadNormalizationTables(const NormalizationPaths& paths) {
  auto tables = std::make_shared<NormalizationTables>();
  std::string source, text, source2, text2;
  JSM_RETURN_IF_ERROR(ReadTableText(paths.countries, "countries.csv", &source, &text));
  JSM_ASSIGN_OR_RETURN(tables->countries, CountryTable::Parse(source, std::move(text)));
  JSM_RETURN_IF_ERROR(ReadTableText(paths.date_formats, "date_formats.txt", &source, &text));
  JSM_ASSIGN_OR_RETURN(tables->date_formats, DateFormats::Parse(source, text));
  JSM_RETURN_IF_ERROR(ReadTableText(paths.currencies, "currencies.csv", &source, &text));
  JSM_ASSIGN_OR_RETURN(tables->currencies, CurrencyRates::Parse(source, text));
  JSM_RETURN_IF_ERROR(ReadTableText(paths.product_name_overrides, "product_name_overrides.csv", &source, &text));
  JSM_RETURN_IF_ERROR(ReadTableText(paths.typo_fixes, "typo_fixes.csv", &source2, &text2));
  JSM_ASSIGN_OR_RETURN(tables->product_names,
                       ProductNameRules::Parse(source, std::move(text), source2, std::move(text2)));
  return std::shared_ptr<const NormalizationTables>(std::move(tables));
}

const std::shared_ptr<const NormalizationTables>& DefaultNormalizationTables() {
  static const std::shared_ptr<const NormalizationTables> tables = [] {
    auto loaded = LoadNormalizationTables({});
    // The built-in files are checked by the unit tests; a bad one is a build defect.
    JSM_CHECK(loaded.has_value());
    return *loaded;
  }();
  return tables;
}

}  // namespace jsm::model
