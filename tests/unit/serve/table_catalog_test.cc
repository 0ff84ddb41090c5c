#include "serve/table_catalog.h"

#include <gtest/gtest.h>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

TEST(IsSafeName, AcceptsTableNamesAndRejectsPathTricks) {
  EXPECT_TRUE(IsSafeName("gold"));
  EXPECT_TRUE(IsSafeName("_system"));
  EXPECT_TRUE(IsSafeName("customer_rfm"));
  for (const char* bad : {"", ".", "..", "../etc", "a/b", "Gold", "a b", "a%2f", "a\\b", "\xc3\xa9"}) {
    EXPECT_FALSE(IsSafeName(bad)) << bad;
  }
  EXPECT_FALSE(IsSafeName(std::string(65, 'a')));
}

using TableCatalogTest = LakehouseTest;

TEST_F(TableCatalogTest, ListsTheTablesOfEachLayer) {
  auto tables = ListTables(store_.get());
  ASSERT_TRUE(tables) << tables.error().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].path(), "gold/things");
  EXPECT_EQ((*tables)[1].path(), "_system/event_log");
}

TEST_F(TableCatalogTest, FindsOnlyExistingTablesWithSafeNames) {
  auto found = FindTable(store_.get(), "gold", "things");
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->path(), "gold/things");
  EXPECT_EQ(FindTable(store_.get(), "gold", "nothing").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(FindTable(store_.get(), "..", "things").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(FindTable(store_.get(), "gold", "../../etc").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(FindTable(store_.get(), "other", "things").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jsm::serve
