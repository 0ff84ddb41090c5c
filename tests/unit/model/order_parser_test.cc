#include "model/order_parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "common/clock.h"
#include "model/normalization_tables.h"
#include "model/order_record.h"
#include "model/order_source.h"

// Counts heap allocations of the whole test binary, so a test can check that a
// code path allocates nothing. (libstdc++'s array forms call these; the nothrow form
// is replaced too, because a sanitizer runtime brings its own, whose memory our
// operator delete would then free with std::free: alloc-dealloc-mismatch.)
namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

[[gnu::noinline]] void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace jsm::model {
namespace {

constexpr char kEvent[] =
    R"({"TransactionNo":"581482","Date":"12/9/2019","ProductNo":"22485",)"
    R"("Product":"Set Of 2 Wooden Market Crates","Price":21.47,"Quantity":12,)"
    R"("CustomerNo":"17490","Country":"United Kingdom"})";

/// An event with the eight fields given as raw JSON values.
std::string Event(std::string_view transaction_no, std::string_view date, std::string_view product_no,
                  std::string_view product, std::string_view price, std::string_view quantity,
                  std::string_view customer_no, std::string_view country) {
  std::string out = "{\"TransactionNo\":";
  out.append(transaction_no).append(",\"Date\":").append(date);
  out.append(",\"ProductNo\":").append(product_no).append(",\"Product\":").append(product);
  out.append(",\"Price\":").append(price).append(",\"Quantity\":").append(quantity);
  out.append(",\"CustomerNo\":").append(customer_no).append(",\"Country\":").append(country);
  out.push_back('}');
  return out;
}

/// kEvent with one field's raw JSON value replaced.
std::string With(std::string_view field, std::string_view value) {
  std::string values[8] = {R"("581482")", R"("12/9/2019")", R"("22485")",
                           R"("Set Of 2 Wooden Market Crates")", "21.47", "12",
                           R"("17490")", R"("United Kingdom")"};
  constexpr std::string_view kNames[8] = {"TransactionNo", "Date",     "ProductNo",  "Product",
                                          "Price",         "Quantity", "CustomerNo", "Country"};
  for (int i = 0; i < 8; ++i) {
    if (kNames[i] == field) values[i] = value;
  }
  return Event(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
}

/// kEvent without one field.
std::string Without(std::string_view field) {
  std::string event = With(field, "null");
  const std::string key = "\"" + std::string(field) + "\":null";
  const size_t at = event.find(key);
  size_t begin = at, end = at + key.size();
  if (event[end] == ',') {
    ++end;
  } else {
    --begin;  // the preceding comma
  }
  event.erase(begin, end - begin);
  return event;
}

class OrderParserTest : public testing::Test {
 protected:
  RejectReason Parse(std::string_view json) { return parser_.Parse(json, &order_); }
  OrderParser parser_;
  NormalizedOrder order_;
};

TEST_F(OrderParserTest, ParsesTheDocumentedEvent) {
  ASSERT_EQ(Parse(kEvent), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.transaction_no, "581482");
  EXPECT_FALSE(order_.is_cancellation);
  EXPECT_EQ(order_.order_date, DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(order_.product_no, "22485");
  EXPECT_EQ(order_.product_name, "Set Of 2 Wooden Market Crates");
  EXPECT_EQ(order_.unit_price_cents, 2147);
  EXPECT_EQ(order_.quantity, 12);
  EXPECT_EQ(order_.line_total_cents, 2147 * 12);
  EXPECT_EQ(order_.customer_no, "17490");
  EXPECT_EQ(order_.country, "United Kingdom");
  EXPECT_EQ(order_.country_code, "GB");
  EXPECT_TRUE(parser_.error().empty());
}

TEST_F(OrderParserTest, ParsesWhatTheEncoderProduces) {
  OrderRecord record{"C536379", "12/1/2018", "d", "Discount", "27.50", "-1", "14527", "EIRE"};
  std::string json;
  AppendOrderEventJson(record, &json);
  ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
  EXPECT_TRUE(order_.is_cancellation);
  EXPECT_EQ(order_.product_no, "D");
  EXPECT_EQ(order_.unit_price_cents, 2750);
  EXPECT_EQ(order_.quantity, -1);
  EXPECT_EQ(order_.line_total_cents, -2750);
  EXPECT_EQ(order_.country, "Ireland");
  EXPECT_EQ(order_.country_code, "IE");
}

TEST_F(OrderParserTest, FieldOrderDoesNotMatterAndWhitespaceIsAllowed) {
  const char* json =
      " {\n \"Country\" : \"France\", \"CustomerNo\": 12345 , \"Quantity\" : 3 ,\"Price\" : 1.5 ,"
      "\"Product\":\"x\",\"ProductNo\":\"10002\",\"Date\":\"2019-01-02\",\"TransactionNo\":\"1\" } \n";
  ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.country_code, "FR");
  EXPECT_EQ(order_.customer_no, "12345");
  EXPECT_EQ(order_.quantity, 3);
  EXPECT_EQ(order_.unit_price_cents, 150);
  EXPECT_EQ(order_.order_date, DaysFromCivil(2019, 1, 2));
}

// Reject reasons.

TEST_F(OrderParserTest, LargerThanTheLimitIsOversize) {
  OrderParser small(100);
  NormalizedOrder order;
  EXPECT_EQ(small.Parse(kEvent, &order), RejectReason::kOversize);
  EXPECT_NE(small.error().find("100"), std::string::npos) << small.error();
  OrderParser exact(sizeof(kEvent) - 1);
  EXPECT_EQ(exact.Parse(kEvent, &order), RejectReason::kNone);
}

TEST_F(OrderParserTest, InvalidUtf8IsRejectedBeforeJson) {
  EXPECT_EQ(Parse(With("Product", "\"Caf\xC3\"")), RejectReason::kInvalidUtf8);
  EXPECT_EQ(Parse("\xFF not json either"), RejectReason::kInvalidUtf8);
  EXPECT_EQ(Parse(With("Product", "\"\xED\xA0\x80\"")), RejectReason::kInvalidUtf8);  // surrogate
}

TEST_F(OrderParserTest, AnythingButAJsonObjectIsNotJson) {
  for (std::string_view json : {"", "   ", "hello", "[1,2]", "\"text\"", "42", "null", "{", "{\"a\":",
                                "{\"TransactionNo\":\"1\"", "{\"a\":1} {\"b\":2}", "{\"a\":1} x",
                                "{\"a\":1}}", "{'a':1}", "{\"a\" 1}"}) {
    EXPECT_EQ(Parse(json), RejectReason::kNotJson) << json;
    EXPECT_FALSE(parser_.error().empty()) << json;
  }
}

TEST_F(OrderParserTest, MalformedValueOfAnOrderFieldIsNotJson) {
  EXPECT_EQ(Parse(With("Quantity", "tru")), RejectReason::kNotJson) << parser_.error();
  EXPECT_EQ(Parse(With("CustomerNo", "nul")), RejectReason::kNotJson) << parser_.error();
  EXPECT_EQ(Parse(With("Price", "01.5")), RejectReason::kNotJson) << parser_.error();
  EXPECT_EQ(Parse(With("Product", R"("bad \q escape")")), RejectReason::kNotJson) << parser_.error();
}

TEST_F(OrderParserTest, EachMissingFieldIsNamed) {
  for (const char* field :
       {"TransactionNo", "Date", "ProductNo", "Product", "Price", "Quantity", "CustomerNo", "Country"}) {
    const std::string json = Without(field);
    ASSERT_EQ(Parse(json), RejectReason::kMissingField) << json;
    EXPECT_EQ(parser_.error(), "missing field '" + std::string(field) + "'");
  }
  EXPECT_EQ(Parse("{}"), RejectReason::kMissingField);
  EXPECT_EQ(parser_.error(), "missing field 'TransactionNo'");
}

TEST_F(OrderParserTest, StringFieldsOfAnotherTypeAreWrongType) {
  for (const char* field : {"TransactionNo", "Date", "ProductNo", "Product", "Country"}) {
    for (const char* value : {"123", "true", "null", "[]", "{}"}) {
      ASSERT_EQ(Parse(With(field, value)), RejectReason::kWrongType) << field << "=" << value;
      EXPECT_EQ(parser_.error().rfind(field, 0), 0u) << parser_.error();
    }
  }
}

TEST_F(OrderParserTest, PriceMustBeANumberOrNumericString) {
  for (const char* value : {"true", "null", "[21.47]", "{}", R"("abc")", R"("12,50")", R"("")", R"("£5")",
                            "1e400"}) {
    ASSERT_EQ(Parse(With("Price", value)), RejectReason::kWrongType) << value;
    EXPECT_EQ(parser_.error().rfind("Price", 0), 0u) << parser_.error();
  }
}

TEST_F(OrderParserTest, QuantityMustBeAnInt32Integer) {
  for (const char* value : {"1.5", "12.0", "1e2", "2147483648", "-2147483649", R"("1.5")", R"("twelve")",
                            R"("")", "true", "null", "[]"}) {
    ASSERT_EQ(Parse(With("Quantity", value)), RejectReason::kWrongType) << value;
    EXPECT_EQ(parser_.error().rfind("Quantity", 0), 0u) << parser_.error();
  }
  ASSERT_EQ(Parse(With("Quantity", "2147483647")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.quantity, 2147483647);
  ASSERT_EQ(Parse(With("Quantity", "-2147483648")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.quantity, -2147483647 - 1);
  ASSERT_EQ(Parse(With("Quantity", R"(" -12 ")")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.quantity, -12);
}

TEST_F(OrderParserTest, CustomerNoMustBeStringIntegerOrNull) {
  for (const char* value : {"true", "[]", "{}", "12.5", "-5", "1e3"}) {
    ASSERT_EQ(Parse(With("CustomerNo", value)), RejectReason::kWrongType) << value;
    EXPECT_EQ(parser_.error().rfind("CustomerNo", 0), 0u) << parser_.error();
  }
}

TEST_F(OrderParserTest, UnparseableDateNamesTheText) {
  ASSERT_EQ(Parse(With("Date", R"("13/45/2019")")), RejectReason::kWrongType);
  EXPECT_EQ(parser_.error(), "Date '13/45/2019' is not M/D/YYYY or ISO 8601");
  EXPECT_EQ(Parse(With("Date", R"("2/29/2019")")), RejectReason::kWrongType);
  EXPECT_EQ(Parse(With("Date", R"("")")), RejectReason::kWrongType);
}

TEST_F(OrderParserTest, AmountsBeyondSilversDecimalAreMarkedForQuarantineNotDeadLettered) {
  const auto event = [](std::string_view price, std::string_view quantity) {
    return Event(R"("1")", R"("12/9/2019")", R"("22485")", R"("x")", price, quantity, R"("1")", R"("UK")");
  };
  // The issue's line: 99999.99 x 2147483647 fits DECIMAL(18,2).
  ASSERT_EQ(Parse(event("99999.99", "2147483647")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kOk);
  EXPECT_EQ(order_.line_total_cents, int64_t{9999999} * 2147483647);
  // The largest line total silver holds, and one cent more.
  ASSERT_EQ(Parse(event("9999999999999999.99", "1")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kOk);
  EXPECT_EQ(order_.line_total_cents, kMaxSilverCents);
  ASSERT_EQ(Parse(event("5000000000000000.00", "2")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kLineTotalOutOfRange);
  EXPECT_EQ(AmountStatusCode(order_.amount_status), "line_total_in_range");
  EXPECT_EQ(order_.line_total_cents, 0);
  ASSERT_EQ(Parse(event("-5000000000000000.00", "-2")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kLineTotalOutOfRange);
  // Beyond int64 as a product: still exact, still quarantined.
  ASSERT_EQ(Parse(event("90000000000000000", "2")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kUnitPriceOutOfRange);
  EXPECT_EQ(AmountStatusCode(order_.amount_status), "unit_price_in_range");
  ASSERT_EQ(Parse(event("10000000000000000.00", "1")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kUnitPriceOutOfRange);
  ASSERT_EQ(Parse(event("21.47", "-2147483648")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.amount_status, AmountStatus::kOk);
  // A price beyond int64 is no number we can read at all: still a dead letter.
  EXPECT_EQ(Parse(event("100000000000000000000", "1")), RejectReason::kWrongType);
}

TEST_F(OrderParserTest, MissingFieldIsReportedBeforeWrongType) {
  std::string json = Without("Country");
  json.replace(json.find("21.47"), 5, "true");
  EXPECT_EQ(Parse(json), RejectReason::kMissingField);
}

TEST_F(OrderParserTest, ErrorTextIsCutForLongValues) {
  const std::string long_date = "\"" + std::string(1000, '9') + "\"";
  ASSERT_EQ(Parse(With("Date", long_date)), RejectReason::kWrongType);
  EXPECT_LT(parser_.error().size(), 200u);
}

TEST_F(OrderParserTest, ParserRecoversAfterAReject) {
  EXPECT_EQ(Parse("{oops"), RejectReason::kNotJson);
  EXPECT_EQ(Parse(kEvent), RejectReason::kNone);
  EXPECT_TRUE(parser_.error().empty());
}

TEST(RejectReason, CodesAreTheDeadLetterReasons) {
  EXPECT_EQ(RejectReasonCode(RejectReason::kNone), "none");
  EXPECT_EQ(RejectReasonCode(RejectReason::kNotJson), "not_json");
  EXPECT_EQ(RejectReasonCode(RejectReason::kMissingField), "missing_field");
  EXPECT_EQ(RejectReasonCode(RejectReason::kWrongType), "wrong_type");
  EXPECT_EQ(RejectReasonCode(RejectReason::kOversize), "oversize");
  EXPECT_EQ(RejectReasonCode(RejectReason::kInvalidUtf8), "invalid_utf8");
  EXPECT_EQ(RejectReasonCode(RejectReason::kDuplicateField), "duplicate_field");
}

// Keys.

TEST_F(OrderParserTest, UnknownFieldsAreIgnored) {
  std::string json = kEvent;
  json.insert(1, R"("Currency":"GBP","Nested":{"a":[1,2,{"b":null}]},)");
  ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.unit_price_cents, 2147);
}

TEST_F(OrderParserTest, RepeatedKnownKeyIsADuplicateFieldReject) {
  std::string json = kEvent;
  json.insert(json.size() - 1, R"(,"Quantity":2)");
  ASSERT_EQ(Parse(json), RejectReason::kDuplicateField);
  EXPECT_EQ(parser_.error(), "duplicate field 'Quantity' (a key may appear once in an event)");
}

TEST_F(OrderParserTest, RepeatedKeyIsRejectedEvenWithTheSameValue) {
  std::string json = kEvent;
  json.insert(json.size() - 1, R"(,"Country":"United Kingdom")");
  EXPECT_EQ(Parse(json), RejectReason::kDuplicateField);
  EXPECT_NE(parser_.error().find("'Country'"), std::string::npos) << parser_.error();
}

TEST_F(OrderParserTest, RepeatedOptionalCurrencyIsADuplicateFieldReject) {
  std::string json = kEvent;
  json.insert(1, R"("Currency":"GBP","Currency":null,)");
  ASSERT_EQ(Parse(json), RejectReason::kDuplicateField);
  EXPECT_NE(parser_.error().find("'Currency'"), std::string::npos) << parser_.error();
}

TEST_F(OrderParserTest, RepeatedUnknownKeyIsADuplicateFieldReject) {
  std::string json = kEvent;
  json.insert(1, R"("note":"a","z":1,"Nested":{"note":1,"note":2},"note":"b",)");
  ASSERT_EQ(Parse(json), RejectReason::kDuplicateField);
  EXPECT_EQ(parser_.error(), "duplicate field 'note' (a key may appear once in an event)");
}

TEST_F(OrderParserTest, DistinctUnknownKeysAndRepeatsInsideNestedValuesAreAccepted) {
  std::string json = kEvent;
  json.insert(1, R"("a":1,"b":{"x":1,"x":2},"ab":[{"y":1},{"y":2}],"A":2,"":3,)");
  ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.quantity, 12);
}

TEST_F(OrderParserTest, KeysThatAreTheSameOnceUnescapedAreDuplicates) {
  std::string known = kEvent;
  known.insert(known.size() - 1, R"(,"Quantity":2)");
  ASSERT_EQ(Parse(known), RejectReason::kDuplicateField);
  EXPECT_NE(parser_.error().find("'Quantity'"), std::string::npos) << parser_.error();
  std::string unknown = kEvent;
  unknown.insert(1, R"("note":1,"note":2,)");
  ASSERT_EQ(Parse(unknown), RejectReason::kDuplicateField);
  EXPECT_NE(parser_.error().find("'note'"), std::string::npos) << parser_.error();
  std::string escaped_twice = kEvent;
  escaped_twice.insert(1, R"("\/":1,"\/":2,)");
  EXPECT_EQ(Parse(escaped_twice), RejectReason::kDuplicateField);
}

TEST_F(OrderParserTest, DuplicateFieldIsReportedAfterNotJsonAndBeforeMissingField) {
  std::string bad_json = kEvent;
  bad_json.insert(1, R"("x":1,"x":2,)");
  bad_json += "trailing";
  EXPECT_EQ(Parse(bad_json), RejectReason::kNotJson);
  std::string missing = Without("Country");
  missing.insert(1, R"("Price":"1","Date":true,)");
  EXPECT_EQ(Parse(missing), RejectReason::kDuplicateField);
}

TEST_F(OrderParserTest, ManyUnknownKeysAreCheckedForRepeats) {
  std::string distinct = kEvent;
  std::string repeated = kEvent;
  std::string keys;
  for (int i = 0; i < 2000; ++i) keys += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  distinct.insert(1, keys);
  ASSERT_EQ(Parse(distinct), RejectReason::kNone) << parser_.error();
  repeated.insert(1, keys + "\"k1234\":0,");
  ASSERT_EQ(Parse(repeated), RejectReason::kDuplicateField);
  EXPECT_NE(parser_.error().find("'k1234'"), std::string::npos) << parser_.error();
}

TEST_F(OrderParserTest, EscapedKeysAreMatchedAfterUnescaping) {
  std::string json = kEvent;
  json.replace(json.find("\"Price\""), 7, R"("Pr\u0069ce")");
  ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.unit_price_cents, 2147);
}

TEST_F(OrderParserTest, KeysAreCaseSensitive) {
  std::string json = kEvent;
  json.replace(json.find("\"Price\""), 7, "\"price\"");
  EXPECT_EQ(Parse(json), RejectReason::kMissingField);
}

// Normalization.

TEST_F(OrderParserTest, TransactionNoIsTrimmedAndCancellationDetected) {
  ASSERT_EQ(Parse(With("TransactionNo", R"("  C581484 ")")), RejectReason::kNone);
  EXPECT_EQ(order_.transaction_no, "C581484");
  EXPECT_TRUE(order_.is_cancellation);
  ASSERT_EQ(Parse(With("TransactionNo", R"(" 581484")")), RejectReason::kNone);
  EXPECT_FALSE(order_.is_cancellation);
}

TEST_F(OrderParserTest, ProductNoIsTrimmedAndUpperCased) {
  ASSERT_EQ(Parse(With("ProductNo", R"(" 85123a\t")")), RejectReason::kNone);
  EXPECT_EQ(order_.product_no, "85123A");
}

TEST_F(OrderParserTest, ProductNameIsTrimmedAndInnerWhitespaceCollapsed) {
  ASSERT_EQ(Parse(With("Product", R"("  Jumbo  Bag\tRed \n Retrospot  ")")), RejectReason::kNone);
  EXPECT_EQ(order_.product_name, "Jumbo Bag Red Retrospot");
  ASSERT_EQ(Parse(With("Product", R"("Record Frame 7\" Single Size")")), RejectReason::kNone);
  EXPECT_EQ(order_.product_name, "Record Frame 7\" Single Size");
  ASSERT_EQ(Parse(With("Product", "\"Caf\\u00e9 \xE2\x82\xAC\"")), RejectReason::kNone);
  EXPECT_EQ(order_.product_name, "Caf\xC3\xA9 \xE2\x82\xAC");
}

TEST_F(OrderParserTest, CustomerNoNaEmptyAndNullBecomeNull) {
  for (const char* value : {R"("NA")", R"(" NA ")", R"("na")", R"("")", R"("  ")", "null"}) {
    ASSERT_EQ(Parse(With("CustomerNo", value)), RejectReason::kNone) << value;
    EXPECT_TRUE(order_.customer_no.empty()) << value;
  }
  ASSERT_EQ(Parse(With("CustomerNo", R"(" 17490 ")")), RejectReason::kNone);
  EXPECT_EQ(order_.customer_no, "17490");
  ASSERT_EQ(Parse(With("CustomerNo", "17490")), RejectReason::kNone);
  EXPECT_EQ(order_.customer_no, "17490");
}

TEST_F(OrderParserTest, CountryIsCanonicalized) {
  struct Case {
    const char* raw;
    const char* name;
    const char* code;
  };
  for (const Case& c : {Case{R"("EIRE")", "Ireland", "IE"}, Case{R"("RSA")", "South Africa", "ZA"},
                        Case{R"("USA")", "United States", "US"}, Case{R"("Unspecified")", "", ""},
                        Case{R"("European Community")", "European Community", ""},
                        Case{R"("Channel Islands")", "Channel Islands", ""},
                        Case{R"(" united kingdom ")", "United Kingdom", "GB"},
                        Case{R"("Czech Republic")", "Czechia", "CZ"}}) {
    ASSERT_EQ(Parse(With("Country", c.raw)), RejectReason::kNone) << c.raw;
    EXPECT_EQ(order_.country, c.name) << c.raw;
    EXPECT_EQ(order_.country_code, c.code) << c.raw;
  }
}

TEST_F(OrderParserTest, UnknownCountryKeepsTrimmedNameWithNullCode) {
  ASSERT_EQ(Parse(With("Country", R"("  Atlantis ")")), RejectReason::kNone);
  EXPECT_EQ(order_.country, "Atlantis");
  EXPECT_TRUE(order_.country_code.empty());
}

TEST_F(OrderParserTest, PriceFromNumberOrStringIsExactCents) {
  struct Case {
    const char* raw;
    int64_t cents;
  };
  for (const Case& c : {Case{"21.47", 2147}, Case{R"("21.47")", 2147}, Case{R"(" 6.19 ")", 619},
                        Case{"1.005", 101}, Case{"1.0049999", 100}, Case{"-1.005", -101},
                        Case{"2.147e1", 2147},
                        Case{"5", 500}, Case{R"("5.")", 500}, Case{R"(".5")", 50}, Case{"0.1", 10},
                        Case{"660.62", 66062}, Case{"0.005", 1}, Case{"0.0049", 0},
                        Case{"12345678901234.565", 1234567890123457}}) {
    ASSERT_EQ(Parse(With("Price", c.raw)), RejectReason::kNone) << c.raw << ": " << parser_.error();
    EXPECT_EQ(order_.unit_price_cents, c.cents) << c.raw;
    EXPECT_EQ(order_.line_total_cents, c.cents * 12) << c.raw;
  }
}

TEST_F(OrderParserTest, DatesInBothFormats) {
  ASSERT_EQ(Parse(With("Date", R"("2019-12-09T10:15:00Z")")), RejectReason::kNone);
  EXPECT_EQ(order_.order_date, DaysFromCivil(2019, 12, 9));
  ASSERT_EQ(Parse(With("Date", R"(" 2/29/2020 ")")), RejectReason::kNone);
  EXPECT_EQ(order_.order_date, DaysFromCivil(2020, 2, 29));
}

TEST_F(OrderParserTest, ViewsStayValidUntilTheNextParse) {
  ASSERT_EQ(Parse(With("Product", R"("  a   b  ")")), RejectReason::kNone);
  const NormalizedOrder first = order_;
  std::string copy_of_input = With("Product", R"("  a   b  ")");
  copy_of_input.assign(copy_of_input.size(), 'x');  // the caller's buffer may change
  EXPECT_EQ(first.product_name, "a b");
  EXPECT_EQ(first.transaction_no, "581482");
  EXPECT_EQ(first.country, "United Kingdom");
}

TEST_F(OrderParserTest, GrowsItsBufferForLargerEvents) {
  OrderParser parser(1 << 20);
  NormalizedOrder order;
  const std::string big_name = "\"" + std::string(100000, 'n') + "\"";
  ASSERT_EQ(parser.Parse(With("Product", big_name), &order), RejectReason::kNone) << parser.error();
  EXPECT_EQ(order.product_name.size(), 100000u);
  ASSERT_EQ(parser.Parse(kEvent, &order), RejectReason::kNone);
  EXPECT_EQ(order.product_name, "Set Of 2 Wooden Market Crates");
}

TEST_F(OrderParserTest, AllocatesNothingOnceWarmedUp) {
  std::vector<std::string> events;
  SyntheticOrderSource source(20000, 5);
  OrderRecord record;
  while (source.Next(&record)) {
    events.emplace_back();
    AppendOrderEventJson(record, &events.back());
  }
  events.push_back(With("Product", R"("  Escaped \"name\"   with  spaces ")"));
  events.push_back(With("Country", R"("Atlantis")"));
  events.push_back(With("ProductNo", R"("85123a")"));
  events.push_back(With("Date", R"("13/45/2019")"));  // a reject on the way
  std::string euro = kEvent;
  euro.insert(1, R"("Currency":"eur",)");
  events.push_back(euro);
  std::string unknown = kEvent;
  unknown.insert(1, R"("Currency":"XYZ",)");
  events.push_back(unknown);
  std::string extra = kEvent;
  extra.insert(1, R"("source":"web","sess\u0069on":7,"tags":["a"],)");
  events.push_back(extra);
  std::string repeated = kEvent;
  repeated.insert(1, R"("source":"web","source":"app",)");
  events.push_back(repeated);  // a reject on the way
  for (const std::string& event : events) Parse(event);  // warm up
  const int64_t before = g_allocations.load();
  ASSERT_GT(before, 0) << "the counting operator new is not in use";
  int64_t accepted = 0;
  for (const std::string& event : events) accepted += Parse(event) == RejectReason::kNone;
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(accepted, static_cast<int64_t>(events.size()) - 2);
}

// Currency.

/// kEvent with `"Currency":<value>` inserted first.
std::string WithCurrency(std::string_view value) {
  std::string json = kEvent;
  json.insert(1, "\"Currency\":" + std::string(value) + ",");
  return json;
}

TEST_F(OrderParserTest, AbsentNullOrGbpCurrencyIsGbp) {
  for (const std::string& json : {std::string(kEvent), WithCurrency("null"), WithCurrency(R"(" gbp ")")}) {
    ASSERT_EQ(Parse(json), RejectReason::kNone) << parser_.error();
    EXPECT_TRUE(order_.currency.empty()) << json;
    EXPECT_EQ(order_.currency_status, CurrencyStatus::kOk);
    EXPECT_EQ(order_.unit_price_cents, 2147);
    EXPECT_EQ(order_.original_unit_price_cents, 0);
  }
}

TEST_F(OrderParserTest, ForeignCurrencyIsConvertedWithTheRateOfTheOrderDate) {
  auto rates = CurrencyRates::Parse("r.csv", "currency,valid_from,rate_to_gbp\nEUR,2019-01-01,0.8563\n"
                                             "EUR,2019-12-10,0.5\n");
  ASSERT_TRUE(rates) << rates.error().message();
  auto tables = std::make_shared<NormalizationTables>(*DefaultNormalizationTables());
  tables->currencies = *rates;
  OrderParser parser(64 * 1024, tables);
  NormalizedOrder order;
  ASSERT_EQ(parser.Parse(WithCurrency(R"("eur")"), &order), RejectReason::kNone) << parser.error();
  EXPECT_EQ(order.currency, "EUR");
  EXPECT_EQ(order.currency_status, CurrencyStatus::kOk);
  EXPECT_EQ(order.original_unit_price_cents, 2147);
  EXPECT_EQ(order.unit_price_cents, 1838);  // 21.47 x 0.8563 = 18.384761
  EXPECT_EQ(order.line_total_cents, 1838 * 12);
}

TEST_F(OrderParserTest, UnknownCurrencyOrMissingRateIsAStatusNotAReject) {
  ASSERT_EQ(Parse(WithCurrency(R"("XYZ")")), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.currency, "XYZ");
  EXPECT_EQ(order_.currency_status, CurrencyStatus::kUnknownCurrency);
  ASSERT_EQ(Parse(WithCurrency(R"("")")), RejectReason::kNone);
  EXPECT_EQ(order_.currency_status, CurrencyStatus::kUnknownCurrency);
  std::string old = With("Date", R"("1/1/2001")");
  old.insert(1, R"("Currency":"EUR",)");
  ASSERT_EQ(Parse(old), RejectReason::kNone) << parser_.error();
  EXPECT_EQ(order_.currency_status, CurrencyStatus::kNoRate);
  EXPECT_EQ(CurrencyStatusCode(CurrencyStatus::kUnknownCurrency), "unknown_currency");
  EXPECT_EQ(CurrencyStatusCode(CurrencyStatus::kNoRate), "no_currency_rate");
}

TEST_F(OrderParserTest, NonStringCurrencyIsWrongType) {
  EXPECT_EQ(Parse(WithCurrency("978")), RejectReason::kWrongType);
  EXPECT_EQ(parser_.error(), "Currency must be a string (an ISO 4217 code) or null, got a number");
}

TEST_F(OrderParserTest, TablesGivenReplaceCountriesAndDateFormats) {
  auto tables = std::make_shared<NormalizationTables>(*DefaultNormalizationTables());
  auto countries = CountryTable::Parse("c.csv", "alias,name,code\nunited kingdom,UK,GB\n");
  auto formats = DateFormats::Parse("d.txt", "D.M.YYYY\n");
  ASSERT_TRUE(countries && formats);
  tables->countries = std::move(*countries);
  tables->date_formats = std::move(*formats);
  OrderParser parser(64 * 1024, tables);
  NormalizedOrder order;
  EXPECT_EQ(parser.Parse(kEvent, &order), RejectReason::kWrongType);  // 12/9/2019 is no longer accepted
  ASSERT_EQ(parser.Parse(With("Date", R"("9.12.2019")"), &order), RejectReason::kNone) << parser.error();
  EXPECT_EQ(order.order_date, DaysFromCivil(2019, 12, 9));
  EXPECT_EQ(order.country, "UK");
}

}  // namespace
}  // namespace jsm::model
