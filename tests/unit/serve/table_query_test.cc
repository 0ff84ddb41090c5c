#include "serve/table_query.h"

#include <gtest/gtest.h>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

using Params = std::multimap<std::string, std::string>;

TEST(ParseTableQuery, DefaultsToJsonAndTheDefaultLimit) {
  auto query = ParseTableQuery({}, "");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->limit, kDefaultRowLimit);
  EXPECT_FALSE(query->csv);
  EXPECT_EQ(query->version, -1);
}

TEST(ParseTableQuery, ReadsEveryParameter) {
  auto query = ParseTableQuery(Params{{"limit", "5"}, {"order", "-units,name:asc,day:desc"}, {"filter", "units > 2"},
                                      {"filter", "name != pear"}, {"version", "1"}, {"format", "csv"}},
                               "application/json");
  ASSERT_TRUE(query) << query.error().ToString();
  EXPECT_EQ(query->limit, 5);
  ASSERT_EQ(query->order.size(), 3u);
  EXPECT_EQ(query->order[0].column, "units");
  EXPECT_TRUE(query->order[0].descending);
  EXPECT_EQ(query->order[1].column, "name");
  EXPECT_FALSE(query->order[1].descending);
  EXPECT_TRUE(query->order[2].descending);
  ASSERT_EQ(query->filters.size(), 2u);
  EXPECT_EQ(query->filters[0].column, "units");
  EXPECT_EQ(query->version, 1);
  EXPECT_TRUE(query->csv);
}

TEST(ParseTableQuery, AcceptHeaderSelectsCsvUnlessFormatSaysOtherwise) {
  EXPECT_TRUE(ParseTableQuery({}, "text/csv")->csv);
  EXPECT_FALSE(ParseTableQuery(Params{{"format", "json"}}, "text/csv")->csv);
}

TEST(ParseTableQuery, RejectsMalformedParameters) {
  for (const Params& bad : {Params{{"limit", "-1"}}, Params{{"limit", "abc"}}, Params{{"limit", "100001"}},
                            Params{{"version", "x"}}, Params{{"format", "xml"}}, Params{{"filter", "units"}},
                            Params{{"order", "a,,b"}}, Params{{"color", "red"}}}) {
    auto query = ParseTableQuery(bad, "");
    ASSERT_FALSE(query) << bad.begin()->first << "=" << bad.begin()->second;
    EXPECT_EQ(query.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(query.error().message().find(bad.begin()->first), std::string::npos) << query.error().message();
  }
}

using QueryTableTest = LakehouseTest;

TEST_F(QueryTableTest, OrdersFiltersAndLimits) {
  TableQuery query;
  query.order = {{"units", true}};
  query.limit = 2;
  auto rows = QueryTable(store_.get(), "gold/things", query);
  ASSERT_TRUE(rows) << rows.error().ToString();
  EXPECT_EQ(rows->version, 2);
  EXPECT_TRUE(rows->truncated);
  ASSERT_EQ(rows->batch.num_rows(), 2u);
  EXPECT_EQ(rows->batch.column(0).StringAt(0), "fig \"big\"");
  EXPECT_EQ(rows->batch.column(0).StringAt(1), "apple");

  query = TableQuery{};
  query.filters.push_back(*delta::ParsePredicate("units <= 3"));
  query.order = {{"name", false}};
  rows = QueryTable(store_.get(), "gold/things", query);
  ASSERT_TRUE(rows);
  EXPECT_FALSE(rows->truncated);
  ASSERT_EQ(rows->batch.num_rows(), 2u);
  EXPECT_EQ(rows->batch.column(0).StringAt(1), "pear, green");
}

TEST_F(QueryTableTest, TimeTravelsWithVersion) {
  TableQuery query;
  query.version = 1;
  auto rows = QueryTable(store_.get(), "gold/things", query);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->version, 1);
  EXPECT_EQ(rows->batch.num_rows(), 2u);
  query.version = 9;
  EXPECT_EQ(QueryTable(store_.get(), "gold/things", query).error().code(), ErrorCode::kNotFound);
}

TEST_F(QueryTableTest, UnknownColumnsAreInvalidArguments) {
  TableQuery query;
  query.order = {{"nope", false}};
  EXPECT_EQ(QueryTable(store_.get(), "gold/things", query).error().code(), ErrorCode::kInvalidArgument);
  query = TableQuery{};
  query.filters.push_back(*delta::ParsePredicate("nope = 1"));
  EXPECT_EQ(QueryTable(store_.get(), "gold/things", query).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(QueryTableTest, RendersJsonAndCsv) {
  TableQuery query;
  query.order = {{"name", false}};
  auto rows = QueryTable(store_.get(), "gold/things", query);
  ASSERT_TRUE(rows);
  const std::string json = RowsToJson("gold/things", *rows);
  EXPECT_NE(json.find(R"({"table":"gold/things","version":2,"columns":["name","units","price","day","rate"],"rows":[)"),
            std::string::npos) << json;
  EXPECT_NE(json.find(R"({"name":"apple","units":3,"price":"1.50","day":"2011-01-26","rate":0.5})"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("price":null)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name":"fig \"big\"")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("truncated":false})"), std::string::npos) << json;
  const std::string csv = RowsToCsv(*rows);
  EXPECT_EQ(csv,
            "name,units,price,day,rate\r\n"
            "apple,3,1.50,2011-01-26,0.5\r\n"
            "\"fig \"\"big\"\"\",7,12.34,2011-01-28,1\r\n"
            "\"pear, green\",1,,2011-01-27,0.25\r\n");
}

TEST_F(QueryTableTest, CsvNeutralizesFormulaTextButNotNumbers) {
  auto table = delta::DeltaTable::OpenOrCreate(store_.get(), "gold/formulas", "formulas", ThingsSchema());
  ASSERT_TRUE(table) << table.error().ToString();
  Append(table->get(), {{"=HYPERLINK(\"http://evil.example/\",\"x\")", -2, 500, 15000, -0.5},
                        {"@SUM(A1)", 1, 100, 15001, 1.0},
                        {"-1+1", 2, 100, 15002, 1.0}});
  TableQuery query;
  query.order = {{"units", false}};
  auto rows = QueryTable(store_.get(), "gold/formulas", query);
  ASSERT_TRUE(rows) << rows.error().ToString();
  EXPECT_EQ(RowsToCsv(*rows),
            "name,units,price,day,rate\r\n"
            "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",-2,5.00,2011-01-26,-0.5\r\n"
            "'@SUM(A1),1,1.00,2011-01-27,1\r\n"
            "'-1+1,2,1.00,2011-01-28,1\r\n");
}

TEST(RowsToJson, BinaryIsBase64AndControlCharactersAreEscapedSoTheBodyIsJson) {
  TableRows rows;
  rows.batch = RecordBatch(Schema{{Field{"value", DataType::kString, true}, Field{"value_raw", DataType::kBinary, true}}});
  rows.batch.column(0).AppendNull();
  rows.batch.column(1).AppendString(std::string("\xff\xfe\x00garbage\x80", 11));
  rows.batch.column(0).AppendString(std::string("a\0\x1b[31m", 7));
  rows.batch.column(1).AppendNull();
  const std::string json = RowsToJson("bronze/pedidos", rows);
  EXPECT_NE(json.find(R"({"value":null,"value_raw":"//4AZ2FyYmFnZYA="})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"value":"a\u0000\u001b[31m","value_raw":null})"), std::string::npos) << json;
  EXPECT_EQ(RowsToCsv(rows).rfind("value,value_raw\r\n,//4AZ2FyYmFnZYA=\r\n", 0), 0u) << RowsToCsv(rows);
}

}  // namespace
}  // namespace jsm::serve
