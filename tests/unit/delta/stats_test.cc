#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/clock.h"
#include "delta/actions.h"

namespace jsm::delta {
namespace {

RecordBatch OneColumn(Field field) { return RecordBatch(Schema{{std::move(field)}}); }

TEST(Stats, IntegersAreJsonNumbers) {
  RecordBatch batch(Schema{{Field{"i", DataType::kInt32, true}, Field{"l", DataType::kInt64, false}}});
  for (int64_t v : {5, -3, 12}) {
    batch.column(0).AppendInt(v);
    batch.column(1).AppendInt(v * 1000000000000LL);
  }
  batch.column(0).AppendNull();
  batch.column(1).AppendInt(0);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":4,"minValues":{"i":-3,"l":-3000000000000},"maxValues":{"i":12,"l":12000000000000},)"
            R"("nullCount":{"i":1,"l":0}})");
}

TEST(Stats, DatesAreIsoDays) {
  RecordBatch batch = OneColumn(Field{"d", DataType::kDate, true});
  batch.column(0).AppendInt(DaysFromCivil(2011, 12, 9));
  batch.column(0).AppendInt(DaysFromCivil(2010, 12, 1));
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":2,"minValues":{"d":"2010-12-01"},"maxValues":{"d":"2011-12-09"},"nullCount":{"d":0}})");
}

TEST(Stats, TimestampsAreUtcMillisecondsTruncatedDown) {
  RecordBatch batch = OneColumn(Field{"ts", DataType::kTimestamp, true});
  const int64_t day = DaysFromCivil(2024, 3, 5) * 86400000000LL;
  batch.column(0).AppendInt(day + 3723123456LL);  // 01:02:03.123456
  batch.column(0).AppendInt(day + 999999LL);      // 00:00:00.999999
  batch.column(0).AppendInt(-1);                  // 1969-12-31T23:59:59.999999
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":3,"minValues":{"ts":"1969-12-31T23:59:59.999Z"},)"
            R"("maxValues":{"ts":"2024-03-05T01:02:03.123Z"},"nullCount":{"ts":0}})");
}

TEST(Stats, DecimalsAreNumbersWithTheirScale) {
  RecordBatch batch = OneColumn(Field{"m", DataType::kDecimal, true, 18, 2});
  batch.column(0).AppendInt(1234);
  batch.column(0).AppendInt(-5);
  batch.column(0).AppendInt(7);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":3,"minValues":{"m":-0.05},"maxValues":{"m":12.34},"nullCount":{"m":0}})");
}

TEST(Stats, WideDecimalsAreExactNumbersBeyondTheInt64Range) {
  RecordBatch batch = OneColumn(Field{"m", DataType::kDecimal128, true, 28, 2});
  batch.column(0).AppendWide(Int128{1'073'741'822} * 9'999'999 * 1'000'000'000 + 53);  // beyond 2^63
  batch.column(0).AppendNull();
  batch.column(0).AppendWide(-(PowerOfTen128(28) - 1));
  batch.column(0).AppendWide(-5);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":4,"minValues":{"m":-99999999999999999999999999.99},)"
            R"("maxValues":{"m":107374171462581780000000.53},"nullCount":{"m":1}})");
}

TEST(Stats, DecimalWithZeroScaleHasNoPoint) {
  RecordBatch batch = OneColumn(Field{"m", DataType::kDecimal, false, 10, 0});
  batch.column(0).AppendInt(-42);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":1,"minValues":{"m":-42},"maxValues":{"m":-42},"nullCount":{"m":0}})");
}

TEST(Stats, DoublesAreNumbersAndNaNIsLeftOut) {
  RecordBatch plain = OneColumn(Field{"x", DataType::kDouble, true});
  plain.column(0).AppendDouble(2.5);
  plain.column(0).AppendDouble(-0.125);
  EXPECT_EQ(ComputeStatsJson(plain),
            R"({"numRecords":2,"minValues":{"x":-0.125},"maxValues":{"x":2.5},"nullCount":{"x":0}})");

  RecordBatch with_nan = OneColumn(Field{"x", DataType::kDouble, true});
  with_nan.column(0).AppendDouble(std::numeric_limits<double>::quiet_NaN());
  with_nan.column(0).AppendDouble(1.0);
  with_nan.column(0).AppendDouble(3.0);
  EXPECT_EQ(ComputeStatsJson(with_nan),
            R"({"numRecords":3,"minValues":{"x":1},"maxValues":{"x":3},"nullCount":{"x":0}})");
}

TEST(Stats, InfiniteDoubleBoundsAreLeftOut) {
  RecordBatch batch = OneColumn(Field{"x", DataType::kDouble, true});
  batch.column(0).AppendDouble(-std::numeric_limits<double>::infinity());
  batch.column(0).AppendDouble(4.0);
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":2,"minValues":{},"maxValues":{"x":4},"nullCount":{"x":0}})");
}

TEST(Stats, LongStringsAreCutTo32CharactersAndCutMaxGetsTieBreaker) {
  RecordBatch batch = OneColumn(Field{"s", DataType::kString, true});
  batch.column(0).AppendString(std::string(40, 'a'));
  batch.column(0).AppendString(std::string(40, 'z'));
  batch.column(0).AppendNull();
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":3,"minValues":{"s":")" + std::string(32, 'a') +
                                         R"("},"maxValues":{"s":")" + std::string(32, 'z') +
                                         "\xF4\x8F\xBF\xBF" R"("},"nullCount":{"s":1}})");
}

TEST(Stats, StringTruncationKeepsWholeUtf8Characters) {
  RecordBatch batch = OneColumn(Field{"s", DataType::kString, true});
  std::string accented;
  for (int i = 0; i < 40; ++i) accented += "\xc3\xa9";  // é, two bytes each
  batch.column(0).AppendString(accented);
  std::string prefix;
  for (int i = 0; i < 32; ++i) prefix += "\xc3\xa9";
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":1,"minValues":{"s":")" + prefix +
                                         R"("},"maxValues":{"s":")" + prefix + "\xF4\x8F\xBF\xBF" +
                                         R"("},"nullCount":{"s":0}})");
}

TEST(Stats, CutMaxIsLeftOutWhenTieBreakerWouldNotBound) {
  RecordBatch batch = OneColumn(Field{"s", DataType::kString, true});
  batch.column(0).AppendString(std::string(32, 'q') + "\xF4\x8F\xBF\xBF" + "more");
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":1,"minValues":{"s":")" + std::string(32, 'q') +
                                         R"("},"maxValues":{},"nullCount":{"s":0}})");
}

TEST(Stats, ShortStringsKeepMinAndMaxAndAreEscaped) {
  RecordBatch batch = OneColumn(Field{"s", DataType::kString, true});
  batch.column(0).AppendString("United Kingdom");
  batch.column(0).AppendString("EIRE \"x\"");
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":2,"minValues":{"s":"EIRE \"x\""},"maxValues":{"s":"United Kingdom"},"nullCount":{"s":0}})");
}

TEST(Stats, BooleansAreJsonBooleans) {
  RecordBatch batch = OneColumn(Field{"b", DataType::kBoolean, true});
  batch.column(0).AppendInt(1);
  batch.column(0).AppendNull();
  batch.column(0).AppendInt(1);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":3,"minValues":{"b":true},"maxValues":{"b":true},"nullCount":{"b":1}})");
  batch.column(0).AppendInt(0);
  EXPECT_EQ(ComputeStatsJson(batch),
            R"({"numRecords":4,"minValues":{"b":false},"maxValues":{"b":true},"nullCount":{"b":1}})");
}

TEST(Stats, AllNullColumnsHaveOnlyNullCount) {
  RecordBatch batch(Schema{{Field{"n", DataType::kInt64, true}, Field{"s", DataType::kString, true}}});
  for (int i = 0; i < 2; ++i) {
    batch.column(0).AppendNull();
    batch.column(1).AppendNull();
  }
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":2,"minValues":{},"maxValues":{},"nullCount":{"n":2,"s":2}})");
}

TEST(Stats, EmptyBatchHasZeroRecords) {
  RecordBatch batch = OneColumn(Field{"x", DataType::kInt64, true});
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{"x":0}})");
}

TEST(Stats, BinaryColumnsHaveNullCountButNoBounds) {
  RecordBatch batch = OneColumn(Field{"raw", DataType::kBinary, true});
  batch.column(0).AppendString(std::string("\xff\xfe\x00garbage\x80", 11));
  batch.column(0).AppendNull();
  batch.column(0).AppendString("plain");
  EXPECT_EQ(ComputeStatsJson(batch), R"({"numRecords":3,"minValues":{},"maxValues":{},"nullCount":{"raw":1}})");
}

TEST(Stats, AStringColumnHoldingInvalidUtf8GetsNoBoundsSoTheLineStaysUtf8) {
  RecordBatch batch(Schema{{Field{"s", DataType::kString, true}, Field{"ok", DataType::kString, true}}});
  batch.column(0).AppendString("a");
  batch.column(0).AppendString("\xff\xfe garbage \x80");  // sorts last: would be the max
  batch.column(1).AppendString("x");
  batch.column(1).AppendString("y");
  const std::string stats = ComputeStatsJson(batch);
  EXPECT_EQ(stats, R"({"numRecords":2,"minValues":{"ok":"x"},"maxValues":{"ok":"y"},"nullCount":{"s":0,"ok":0}})");
}

}  // namespace
}  // namespace jsm::delta
