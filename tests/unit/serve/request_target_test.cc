#include "serve/request_target.h"

#include <gtest/gtest.h>

namespace jsm::serve {
namespace {

TEST(RequestTarget, DecodesThePathAndTheParameters) {
  auto parsed = ParseRequestTarget("/api/tables/gold/x?filter=name%20%3D%20apple&format=csv&limit=5&q=a+b&flag");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->path, "/api/tables/gold/x");
  ASSERT_EQ(parsed->params.size(), 5u);
  EXPECT_EQ(parsed->params.find("filter")->second, "name = apple");
  EXPECT_EQ(parsed->params.find("format")->second, "csv");
  EXPECT_EQ(parsed->params.find("q")->second, "a b");
  EXPECT_EQ(parsed->params.find("flag")->second, "");
}

TEST(RequestTarget, APlusInThePathStaysAndEscapedSlashesDecode) {
  auto parsed = ParseRequestTarget("/a+b/%2e%2e%2Fetc");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->path, "/a+b/../etc");  // decoded: the router, not the parser, refuses such names
  EXPECT_TRUE(parsed->params.empty());
}

TEST(RequestTarget, RepeatedAndEmptyPairsAndAFragment) {
  auto parsed = ParseRequestTarget("/x?a=1&&a=2&=v#ignored&b=3");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->params.count("a"), 2u);
  EXPECT_EQ(parsed->params.count(""), 1u);
  EXPECT_EQ(parsed->params.count("b"), 0u);
}

TEST(RequestTarget, RefusesWhatIsNotATargetOrDecodesToNul) {
  for (const char* bad : {"", "api/tables", "http://host/x", "*", "/a%zz", "/a%4", "/a%", "/x?a=%00", "/%00",
                          "/x?a%=1"}) {
    auto parsed = ParseRequestTarget(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace jsm::serve
