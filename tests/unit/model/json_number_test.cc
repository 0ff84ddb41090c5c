#include "model/json_number.h"

#include <gtest/gtest.h>

namespace jsm::model {
namespace {

TEST(JsonNumber, AcceptsTheRfc8259Grammar) {
  for (const char* text : {"0", "-0", "12", "-12", "21.47", "0.5", "1e5", "1E+5", "-2.5e-3", "660.62"}) {
    EXPECT_TRUE(IsJsonNumber(text)) << text;
  }
}

TEST(JsonNumber, RejectsEverythingElse) {
  for (const char* text : {"", "-", "+1", "01", ".5", "5.", "1e", "1e+", " 1", "1 ", "1,5", "NaN", "0x10",
                           "Infinity", "12a", "--1"}) {
    EXPECT_FALSE(IsJsonNumber(text)) << text;
  }
}

}  // namespace
}  // namespace jsm::model
