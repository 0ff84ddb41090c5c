#include "model/currency_rates.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace jsm::model {
namespace {

constexpr char kRates[] =
    "# rates\ncurrency,valid_from,rate_to_gbp\nEUR,2019-07-01,0.9\nEUR,2019-01-01,0.875\nUSD,2019-01-01,0.775\n";

TEST(CurrencyRates, RateIsTheLatestValidFromOnOrBeforeTheDate) {
  auto rates = CurrencyRates::Parse("r.csv", kRates);
  ASSERT_TRUE(rates) << rates.error().message();
  int64_t rate = 0;
  EXPECT_EQ(rates->RateOn("EUR", DaysFromCivil(2019, 1, 1), &rate), CurrencyStatus::kOk);
  EXPECT_EQ(rate, 875000000);
  EXPECT_EQ(rates->RateOn("EUR", DaysFromCivil(2019, 6, 30), &rate), CurrencyStatus::kOk);
  EXPECT_EQ(rate, 875000000);
  EXPECT_EQ(rates->RateOn("EUR", DaysFromCivil(2019, 7, 1), &rate), CurrencyStatus::kOk);
  EXPECT_EQ(rate, 900000000);
  EXPECT_EQ(rates->RateOn("EUR", DaysFromCivil(2030, 1, 1), &rate), CurrencyStatus::kOk);
  EXPECT_EQ(rate, 900000000);
  EXPECT_EQ(rates->RateOn("EUR", DaysFromCivil(2018, 12, 31), &rate), CurrencyStatus::kNoRate);
  EXPECT_EQ(rates->RateOn("USD", DaysFromCivil(2019, 12, 31), &rate), CurrencyStatus::kOk);
  EXPECT_EQ(rate, 775000000);
  EXPECT_EQ(rates->RateOn("USD", DaysFromCivil(2018, 12, 31), &rate), CurrencyStatus::kNoRate);
  EXPECT_EQ(rates->RateOn("CHF", DaysFromCivil(2019, 6, 1), &rate), CurrencyStatus::kUnknownCurrency);
  EXPECT_EQ(rates->RateOn("AAA", DaysFromCivil(2019, 6, 1), &rate), CurrencyStatus::kUnknownCurrency);
  EXPECT_EQ(rates->RateOn("ZZZ", DaysFromCivil(2019, 6, 1), &rate), CurrencyStatus::kUnknownCurrency);
  EXPECT_EQ(rates->RateOn("eur", DaysFromCivil(2019, 6, 1), &rate), CurrencyStatus::kUnknownCurrency);
  EXPECT_EQ(rates->RateOn("EURO", DaysFromCivil(2019, 6, 1), &rate), CurrencyStatus::kUnknownCurrency);
}

TEST(CurrencyRates, BadRowsNameTheirLine) {
  struct Case {
    const char* row;
    const char* message;
  };
  for (const Case& c : {Case{"EUR,2019-01-01,0", "not a positive decimal"},
                        Case{"EUR,2019-01-01,-1.5", "not a positive decimal"},
                        Case{"EUR,2019-01-01,abc", "not a positive decimal"},
                        Case{"EUR,2019-01-01,0.1234567891", "not a positive decimal"},
                        Case{"EUR,2019-01-01,1.", "not a positive decimal"},
                        Case{"EUR,2019-02-30,1", "not a date"},
                        Case{"EUR,1/1/2019,1", "not a date"},
                        Case{"eur,2019-01-01,1", "not an ISO 4217 code"},
                        Case{"EU,2019-01-01,1", "not an ISO 4217 code"},
                        Case{"GBP,2019-01-01,1", "base currency"}}) {
    auto rates = CurrencyRates::Parse("r.csv", std::string("currency,valid_from,rate_to_gbp\n# c\n") + c.row + "\n");
    ASSERT_FALSE(rates) << c.row;
    EXPECT_EQ(rates.error().message().substr(0, 8), "r.csv:3:") << rates.error().message();
    EXPECT_NE(rates.error().message().find(c.message), std::string::npos) << rates.error().message();
  }
}

TEST(CurrencyRates, DuplicateCurrencyAndDateIsAnError) {
  auto rates = CurrencyRates::Parse("r.csv", "currency,valid_from,rate_to_gbp\nEUR,2019-01-01,1\nUSD,2019-01-01,1\n"
                                             "EUR,2019-01-01,2\n");
  ASSERT_FALSE(rates);
  EXPECT_EQ(rates.error().message(), "r.csv:4: duplicate rate for the same currency and valid_from (first on line 2)");
}

TEST(CurrencyRates, ParseRateIsExact) {
  int64_t rate = 0;
  ASSERT_TRUE(ParseRateE9("0.8563", &rate));
  EXPECT_EQ(rate, 856300000);
  ASSERT_TRUE(ParseRateE9("12", &rate));
  EXPECT_EQ(rate, 12000000000);
  ASSERT_TRUE(ParseRateE9("0.000000001", &rate));
  EXPECT_EQ(rate, 1);
  EXPECT_FALSE(ParseRateE9("0.000", &rate));
  EXPECT_FALSE(ParseRateE9(".5", &rate));
  EXPECT_FALSE(ParseRateE9("1e3", &rate));
  EXPECT_FALSE(ParseRateE9("1234567890", &rate));
}

TEST(CurrencyRates, ConversionRoundsHalfAwayFromZeroToPennies) {
  int64_t gbp = 0;
  ASSERT_TRUE(ConvertCents(1000, 875000000, &gbp));  // 10.00 x 0.875 = 8.75
  EXPECT_EQ(gbp, 875);
  ASSERT_TRUE(ConvertCents(1, 500000000, &gbp));  // 0.01 x 0.5 = 0.005 -> 0.01
  EXPECT_EQ(gbp, 1);
  ASSERT_TRUE(ConvertCents(-1, 500000000, &gbp));  // -0.005 -> -0.01
  EXPECT_EQ(gbp, -1);
  ASSERT_TRUE(ConvertCents(1, 499999999, &gbp));  // just below half -> 0
  EXPECT_EQ(gbp, 0);
  ASSERT_TRUE(ConvertCents(2147, 856300000, &gbp));  // 21.47 x 0.8563 = 18.384761 -> 18.38
  EXPECT_EQ(gbp, 1838);
  EXPECT_FALSE(ConvertCents(INT64_MAX, 2000000000, &gbp));  // x 2 overflows
}

}  // namespace
}  // namespace jsm::model
