#include "model/normalization_tables.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/clock.h"
#include "model/normalization_file.h"

namespace jsm::model {
namespace {

const std::string kShipped = std::string(JSM_SOURCE_DIR) + "/config/normalization/";

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(NormalizationTables, BuiltInCopiesAreTheShippedFiles) {
  for (const char* name : {"countries.csv", "date_formats.txt", "currencies.csv", "product_name_overrides.csv",
                           "typo_fixes.csv"}) {
    std::string text;
    ASSERT_TRUE(ReadDataFile(kShipped + name, &text)) << name;
    EXPECT_EQ(BuiltinNormalizationFile(name), text) << name;
  }
  EXPECT_TRUE(BuiltinNormalizationFile("nothing.csv").empty());
}

TEST(NormalizationTables, DefaultsLoadAndKeepTheDocumentedDecisions) {
  const NormalizationTables& tables = *DefaultNormalizationTables();
  EXPECT_GE(tables.countries.size(), 38u);
  EXPECT_EQ(tables.date_formats.size(), 4u);
  EXPECT_GT(tables.currencies.size(), 0u);
  std::string_view name, code;
  ASSERT_TRUE(tables.countries.Lookup("EIRE", &name, &code));
  EXPECT_EQ(code, "IE");
  ASSERT_TRUE(tables.countries.Lookup("RSA", &name, &code));
  EXPECT_EQ(name, "South Africa");
  ASSERT_TRUE(tables.countries.Lookup("Channel Islands", &name, &code));
  EXPECT_TRUE(code.empty());
  ASSERT_TRUE(tables.countries.Lookup("T\xc3\xbcrkiye", &name, &code));
  EXPECT_EQ(code, "TR");
  int64_t rate = 0;
  EXPECT_EQ(tables.currencies.RateOn("EUR", DaysFromCivil(2019, 12, 9), &rate), CurrencyStatus::kOk);
}

TEST(NormalizationTables, LoadsTheShippedFilesFromDisk) {
  NormalizationPaths paths{kShipped + "countries.csv", kShipped + "date_formats.txt", kShipped + "currencies.csv",
                           kShipped + "product_name_overrides.csv", kShipped + "typo_fixes.csv"};
  auto tables = LoadNormalizationTables(paths);
  ASSERT_TRUE(tables) << tables.error().message();
  EXPECT_EQ((*tables)->countries.size(), DefaultNormalizationTables()->countries.size());
}

TEST(NormalizationTables, AUserFileReplacesOneTableAndErrorsNameItsPathAndLine) {
  NormalizationPaths paths;
  paths.product_name_overrides = WriteFile("overrides.csv", "product_no,product_name\n22485,Two Crates\n");
  auto tables = LoadNormalizationTables(paths);
  ASSERT_TRUE(tables) << tables.error().message();
  EXPECT_EQ((*tables)->product_names.Override("22485"), "Two Crates");
  EXPECT_GE((*tables)->countries.size(), 38u);  // the others stay built in

  paths.currencies = WriteFile("bad_rates.csv", "currency,valid_from,rate_to_gbp\nEUR,2019-01-01,0.0\n");
  auto bad = LoadNormalizationTables(paths);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().substr(0, paths.currencies.size() + 3), paths.currencies + ":2:");

  paths.currencies = "/nonexistent/rates.csv";
  auto missing = LoadNormalizationTables(paths);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jsm::model
