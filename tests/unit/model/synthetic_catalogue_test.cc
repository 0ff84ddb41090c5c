#include "model/synthetic_catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

namespace jsm::model {
namespace {

TEST(SyntheticCatalogue, PricesSpanTheRealRangeMostlyLow) {
  const auto catalogue = ProductCatalogue();
  EXPECT_GE(catalogue.size(), 2000u);
  int64_t low = 0, min = INT64_MAX, max = 0;
  std::set<std::string> codes;
  for (const auto& product : catalogue) {
    min = std::min(min, product.price_cents);
    max = std::max(max, product.price_cents);
    low += product.price_cents < 2000;
    codes.insert(product.product_no);
  }
  EXPECT_EQ(min, 513);
  EXPECT_EQ(max, 66062);
  EXPECT_GT(low, static_cast<int64_t>(catalogue.size()) / 2);
  EXPECT_EQ(codes.size(), catalogue.size());
}

TEST(SyntheticCatalogue, SomeNamesNeedCsvAndJsonQuoting) {
  bool quote = false, comma = false;
  for (const auto& product : ProductCatalogue()) {
    quote |= product.name.find('"') != std::string::npos;
    comma |= product.name.find(',') != std::string::npos;
  }
  EXPECT_TRUE(quote);
  EXPECT_TRUE(comma);
}

TEST(SyntheticCatalogue, CustomersKeepTheirCountry) {
  EXPECT_EQ(CountryOfCustomer(17490), CountryOfCustomer(17490));
  EXPECT_EQ(RealDataCountries().size(), 38u);
}

}  // namespace
}  // namespace jsm::model
