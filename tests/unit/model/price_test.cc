#include <gtest/gtest.h>

#include "model/order_parser.h"

namespace jsm::model {
namespace {

int64_t Cents(std::string_view text) {
  int64_t cents = -999;
  EXPECT_TRUE(ParsePriceCents(text, &cents)) << text;
  return cents;
}

bool Rejects(std::string_view text) {
  int64_t cents = -999;
  return !ParsePriceCents(text, &cents) && cents == -999;
}

TEST(Price, TwoDecimalsAreExact) {
  EXPECT_EQ(Cents("21.47"), 2147);
  EXPECT_EQ(Cents("5.13"), 513);
  EXPECT_EQ(Cents("660.62"), 66062);
  EXPECT_EQ(Cents("0.29"), 29);  // 0.29 * 100 in double is 28.999999999999996
  EXPECT_EQ(Cents("1.15"), 115);
  EXPECT_EQ(Cents("12"), 1200);
  EXPECT_EQ(Cents("12.5"), 1250);
  EXPECT_EQ(Cents("-6.19"), -619);
  EXPECT_EQ(Cents("+6.19"), 619);
}

TEST(Price, MoreDecimalsRoundHalfAwayFromZero) {
  EXPECT_EQ(Cents("1.005"), 101);
  EXPECT_EQ(Cents("1.0050"), 101);
  EXPECT_EQ(Cents("1.00499999999999999999"), 100);
  EXPECT_EQ(Cents("2.675"), 268);  // 2.675 is 2.67499999... as a double
  EXPECT_EQ(Cents("-1.005"), -101);
  EXPECT_EQ(Cents("-1.004"), -100);
  EXPECT_EQ(Cents("0.005"), 1);
  EXPECT_EQ(Cents("0.00499"), 0);
  EXPECT_EQ(Cents("-0.001"), 0);
  EXPECT_EQ(Cents("9.999"), 1000);
}

TEST(Price, ExponentsShiftTheDecimalPoint) {
  EXPECT_EQ(Cents("2.147e1"), 2147);
  EXPECT_EQ(Cents("2147E-2"), 2147);
  EXPECT_EQ(Cents("1e2"), 10000);
  EXPECT_EQ(Cents("1.2345e+2"), 12345);
  EXPECT_EQ(Cents("5e-3"), 1);
  EXPECT_EQ(Cents("4e-3"), 0);
  EXPECT_EQ(Cents("1e-999999999999"), 0);
  EXPECT_EQ(Cents("0e999999999"), 0);
}

TEST(Price, LeadingAndTrailingZerosAndBareSides) {
  EXPECT_EQ(Cents("007.50"), 750);
  EXPECT_EQ(Cents("5."), 500);
  EXPECT_EQ(Cents(".5"), 50);
  EXPECT_EQ(Cents("0.000000000000000000000000000001"), 0);
  EXPECT_EQ(Cents("21.470000000000000000000000000001"), 2147);
}

TEST(Price, LimitsOfInt64Cents) {
  EXPECT_EQ(Cents("92233720368547758.07"), INT64_MAX);
  EXPECT_TRUE(Rejects("92233720368547758.08"));
  EXPECT_TRUE(Rejects("92233720368547758.075"));
  EXPECT_TRUE(Rejects("1e30"));
  EXPECT_TRUE(Rejects("1e999999999999"));
}

TEST(Price, RejectsNonNumbers) {
  for (const char* text : {"", "-", "+", ".", "abc", "12,50", "1.2.3", "1e", "1e+", "£5", " 5", "5 ", "0x10",
                           "NaN", "inf", "--5", "5-"}) {
    EXPECT_TRUE(Rejects(text)) << text;
  }
}

}  // namespace
}  // namespace jsm::model
