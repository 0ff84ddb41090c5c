#include <gtest/gtest.h>

#include "model/order_parser.h"

namespace jsm::model {
namespace {

// The 38 distinct Country values of sales_transactions_v4a.csv (parsed as CSV).
constexpr const char* kRealDataCountries[] = {
    "United Kingdom", "Germany",     "France",        "EIRE",      "Belgium",
    "Spain",          "Switzerland", "Netherlands",   "Portugal",  "Australia",
    "Norway",         "Austria",     "Iceland",       "Finland",   "Italy",
    "Channel Islands", "Cyprus",     "Unspecified",   "Sweden",    "Denmark",
    "USA",            "Japan",       "Israel",        "Singapore", "Poland",
    "Hong Kong",      "Canada",      "Malta",         "Greece",    "United Arab Emirates",
    "European Community", "RSA",     "Lebanon",       "Lithuania", "Brazil",
    "Czech Republic", "Bahrain",     "Saudi Arabia",
};

TEST(Country, EveryCountryOfTheRealDataIsKnown) {
  static_assert(std::size(kRealDataCountries) == 38);
  for (const char* raw : kRealDataCountries) {
    std::string_view name = "unset", code = "unset";
    ASSERT_TRUE(CanonicalCountry(raw, &name, &code)) << raw;
    if (std::string_view(raw) == "Unspecified") continue;
    EXPECT_FALSE(name.empty()) << raw;
    EXPECT_TRUE(code.empty() || code.size() == 2) << raw;
  }
}

TEST(Country, RealDataAbbreviationsMapToIsoCountries) {
  struct Case {
    const char* raw;
    const char* name;
    const char* code;
  };
  for (const Case& c : {Case{"EIRE", "Ireland", "IE"}, Case{"RSA", "South Africa", "ZA"},
                        Case{"USA", "United States", "US"}, Case{"United Kingdom", "United Kingdom", "GB"},
                        Case{"Czech Republic", "Czechia", "CZ"}, Case{"Hong Kong", "Hong Kong", "HK"},
                        Case{"United Arab Emirates", "United Arab Emirates", "AE"},
                        Case{"Germany", "Germany", "DE"}, Case{"Switzerland", "Switzerland", "CH"}}) {
    std::string_view name, code;
    ASSERT_TRUE(CanonicalCountry(c.raw, &name, &code)) << c.raw;
    EXPECT_EQ(name, c.name);
    EXPECT_EQ(code, c.code);
  }
}

TEST(Country, UnspecifiedIsNullNameAndCode) {
  std::string_view name = "x", code = "x";
  ASSERT_TRUE(CanonicalCountry("Unspecified", &name, &code));
  EXPECT_TRUE(name.empty());
  EXPECT_TRUE(code.empty());
}

TEST(Country, RegionsWithoutOneIsoCodeKeepTheirNameWithNullCode) {
  for (const char* raw : {"European Community", "Channel Islands"}) {
    std::string_view name, code = "x";
    ASSERT_TRUE(CanonicalCountry(raw, &name, &code));
    EXPECT_EQ(name, raw);
    EXPECT_TRUE(code.empty());
  }
}

TEST(Country, LookupIgnoresCaseAndSurroundingWhitespace) {
  std::string_view name, code;
  ASSERT_TRUE(CanonicalCountry("  eire\t", &name, &code));
  EXPECT_EQ(code, "IE");
  ASSERT_TRUE(CanonicalCountry("UNITED KINGDOM", &name, &code));
  EXPECT_EQ(code, "GB");
  ASSERT_TRUE(CanonicalCountry("uk", &name, &code));
  EXPECT_EQ(name, "United Kingdom");
  ASSERT_TRUE(CanonicalCountry("Ireland", &name, &code));
  EXPECT_EQ(code, "IE");
  ASSERT_TRUE(CanonicalCountry("The Netherlands", &name, &code));
  EXPECT_EQ(code, "NL");
}

TEST(Country, CanonicalNamesMapToThemselves) {
  for (const char* raw : kRealDataCountries) {
    std::string_view name, code;
    ASSERT_TRUE(CanonicalCountry(raw, &name, &code));
    if (name.empty()) continue;
    std::string_view again_name, again_code;
    ASSERT_TRUE(CanonicalCountry(name, &again_name, &again_code)) << name;
    EXPECT_EQ(again_name, name);
    EXPECT_EQ(again_code, code);
  }
}

TEST(Country, UnknownNamesAreNotFound) {
  std::string_view name = "keep", code = "keep";
  for (const char* raw : {"Atlantis", "", "   ", "United", "West Indies", "EIREX"}) {
    EXPECT_FALSE(CanonicalCountry(raw, &name, &code)) << raw;
  }
  EXPECT_EQ(name, "keep");
  EXPECT_FALSE(CanonicalCountry(std::string(200, 'a'), &name, &code));
}

}  // namespace
}  // namespace jsm::model
