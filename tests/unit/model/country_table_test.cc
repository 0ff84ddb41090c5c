#include "model/country_table.h"

#include <gtest/gtest.h>

namespace jsm::model {
namespace {

TEST(CountryTable, LooksUpAliasesCaseInsensitively) {
  auto table = CountryTable::Parse("c.csv", "alias,name,code\nEIRE,Ireland,IE\nUnspecified,,\nEuropean Community,European Community,\n");
  ASSERT_TRUE(table) << table.error().message();
  EXPECT_EQ(table->size(), 3u);
  std::string_view name, code;
  ASSERT_TRUE(table->Lookup("  eire ", &name, &code));
  EXPECT_EQ(name, "Ireland");
  EXPECT_EQ(code, "IE");
  ASSERT_TRUE(table->Lookup("UNSPECIFIED", &name, &code));
  EXPECT_TRUE(name.empty());
  EXPECT_TRUE(code.empty());
  ASSERT_TRUE(table->Lookup("european community", &name, &code));
  EXPECT_EQ(name, "European Community");
  EXPECT_TRUE(code.empty());
  EXPECT_FALSE(table->Lookup("Atlantis", &name, &code));
  EXPECT_FALSE(table->Lookup("", &name, &code));
  EXPECT_FALSE(table->Lookup(std::string(100, 'a'), &name, &code));
}

TEST(CountryTable, ViewsSurviveMovingTheTable) {
  auto table = CountryTable::Parse("c.csv", "alias,name,code\nuk,United Kingdom,GB\n");
  ASSERT_TRUE(table);
  CountryTable moved = std::move(*table);
  std::string_view name, code;
  ASSERT_TRUE(moved.Lookup("UK", &name, &code));
  EXPECT_EQ(name, "United Kingdom");
}

TEST(CountryTable, DuplicateAliasNamesBothLines) {
  auto table = CountryTable::Parse("c.csv", "alias,name,code\nUK,United Kingdom,GB\n# x\nuk,Ukraine,UA\n");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().message(), "c.csv:4: duplicate alias 'uk' (first on line 2)");
}

TEST(CountryTable, BadCodeNamesItsLine) {
  for (const char* row : {"France,France,fr", "France,France,FRA", "France,France,F1", "France,France,FR,x"}) {
    auto table = CountryTable::Parse("c.csv", std::string("alias,name,code\n") + row + "\n");
    ASSERT_FALSE(table) << row;
    EXPECT_EQ(table.error().message().substr(0, 8), "c.csv:2:") << row;
  }
}

TEST(CountryTable, CodeWithoutNameAndEmptyAliasAreErrors) {
  EXPECT_FALSE(CountryTable::Parse("c.csv", "alias,name,code\nxx,,GB\n"));
  EXPECT_FALSE(CountryTable::Parse("c.csv", "alias,name,code\n,France,FR\n"));
}

}  // namespace
}  // namespace jsm::model
