#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace jsm::parquet {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(ThriftCompactWriter, UsesShortFieldHeaderForSmallIdDeltas) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteI32Field(1, 5);   // delta 1, type i32, zigzag(5) = 10
  w.WriteI64Field(3, -1);  // delta 2, type i64, zigzag(-1) = 1
  w.WriteBoolField(4, true);
  w.EndStruct();
  EXPECT_EQ(out, Bytes({0x15, 0x0A, 0x26, 0x01, 0x11, 0x00}));
}

TEST(ThriftCompactWriter, UsesLongFieldHeaderForLargeOrBackwardJumps) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteI32Field(20, 1);  // delta 20 > 15: type byte then zigzag id 40
  w.WriteI32Field(3, 1);   // backwards
  w.EndStruct();
  EXPECT_EQ(out, Bytes({0x05, 0x28, 0x02, 0x05, 0x06, 0x02, 0x00}));
}

TEST(ThriftCompactWriter, ListOfFifteenOrMoreElementsUsesLongHeader) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginListField(1, CompactType::kI32, 15);
  for (int i = 0; i < 15; ++i) w.WriteI32Element(0);
  w.EndStruct();
  EXPECT_EQ(out.substr(0, 3), Bytes({0x19, 0xF5, 0x0F}));
}

TEST(ThriftCompactRoundTrip, IntegersKeepBoundaryValues) {
  const int64_t values[] = {0,
                            1,
                            -1,
                            63,
                            -64,
                            64,
                            std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min()};
  std::string out;
  ThriftCompactWriter w(&out);
  int16_t id = 1;
  for (int64_t v : values) w.WriteI64Field(id++, v);
  w.WriteI32Field(id++, std::numeric_limits<int32_t>::min());
  w.WriteI16Field(id++, -300);
  w.EndStruct();

  ThriftCompactReader r(out, 0);
  ASSERT_TRUE(r.BeginStruct());
  for (int64_t v : values) {
    auto field = r.ReadFieldHeader();
    ASSERT_TRUE(field);
    ASSERT_EQ(field->type, CompactType::kI64);
    auto read = r.ReadI64();
    ASSERT_TRUE(read);
    EXPECT_EQ(*read, v);
  }
  ASSERT_TRUE(r.ReadFieldHeader());
  EXPECT_EQ(*r.ReadI32(), std::numeric_limits<int32_t>::min());
  ASSERT_TRUE(r.ReadFieldHeader());
  EXPECT_EQ(*r.ReadI16(), -300);
  EXPECT_EQ(r.ReadFieldHeader()->type, CompactType::kStop);
  EXPECT_EQ(r.position(), out.size());
}

TEST(ThriftCompactRoundTrip, NestedStructRestoresEnclosingFieldIds) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteI32Field(1, 7);
  w.BeginStructField(2);
  w.WriteI32Field(9, 8);
  w.EndStruct();
  w.WriteI32Field(3, 9);  // short header works only if id 2 was restored
  w.EndStruct();
  EXPECT_EQ(static_cast<uint8_t>(out[out.size() - 3]), 0x15);

  ThriftCompactReader r(out, 0);
  ASSERT_TRUE(r.BeginStruct());
  EXPECT_EQ(r.ReadFieldHeader()->id, 1);
  EXPECT_EQ(*r.ReadI32(), 7);
  auto nested = r.ReadFieldHeader();
  EXPECT_EQ(nested->id, 2);
  EXPECT_EQ(nested->type, CompactType::kStruct);
  ASSERT_TRUE(r.BeginStruct());
  EXPECT_EQ(r.ReadFieldHeader()->id, 9);
  EXPECT_EQ(*r.ReadI32(), 8);
  EXPECT_EQ(r.ReadFieldHeader()->type, CompactType::kStop);
  r.EndStruct();
  auto third = r.ReadFieldHeader();
  EXPECT_EQ(third->id, 3);
  EXPECT_EQ(*r.ReadI32(), 9);
}

TEST(ThriftCompactRoundTrip, BinaryAndListsOfStructs) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteBinaryField(1, std::string("a\0b", 3));
  w.BeginListField(2, CompactType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginStructElement();
    w.WriteI32Field(1, i);
    w.EndStruct();
  }
  w.EndStruct();

  ThriftCompactReader r(out, 0);
  ASSERT_TRUE(r.BeginStruct());
  ASSERT_TRUE(r.ReadFieldHeader());
  EXPECT_EQ(*r.ReadBinary(), std::string_view("a\0b", 3));
  ASSERT_TRUE(r.ReadFieldHeader());
  auto list = r.ReadListHeader();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size, 2u);
  EXPECT_EQ(list->element_type, CompactType::kStruct);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(r.BeginStruct());
    EXPECT_EQ(r.ReadFieldHeader()->id, 1);
    EXPECT_EQ(*r.ReadI32(), i);
    EXPECT_EQ(r.ReadFieldHeader()->type, CompactType::kStop);
    r.EndStruct();
  }
}

/// Makes the writer's notion of the last field id `id`, for fields appended as raw bytes.
void SyncLastFieldId(ThriftCompactWriter& w, std::string& out, int16_t id) {
  size_t size = out.size();
  w.WriteByteField(id, 0);
  out.resize(size);
}

/// A struct holding one field of every wire type, nested containers included,
/// followed by field 100 (an i32 of 42).
std::string EveryTypeThenField100() {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteBoolField(1, true);
  w.WriteBoolField(2, false);
  w.WriteByteField(3, -5);
  w.WriteI16Field(4, 1000);
  w.WriteI32Field(5, -100000);
  w.WriteI64Field(6, 1LL << 40);
  out += Bytes({0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F});  // field 7: double 1.0
  SyncLastFieldId(w, out, 7);
  w.WriteBinaryField(8, "binary");
  w.BeginListField(9, CompactType::kStruct, 1);  // field 9: list of one struct holding a list and a struct
  w.BeginStructElement();
  w.BeginListField(1, CompactType::kBinary, 2);
  w.WriteBinaryElement("x");
  w.WriteBinaryElement("y");
  w.BeginStructField(2);
  w.WriteBoolField(1, true);
  w.EndStruct();
  w.EndStruct();
  out += Bytes({0x1A, 0x31, 0x01, 0x02, 0x01});                        // field 10: set<bool> of 3
  out += Bytes({0x1B, 0x02, 0x85, 0x01, 'k', 0x02, 0x01, 'j', 0x04});  // field 11: map<binary,i32> of 2
  out += Bytes({0x1B, 0x00});                                          // field 12: empty map
  out += Bytes({0x19, 0x0C});                                          // field 13: empty list<struct>
  SyncLastFieldId(w, out, 13);
  w.WriteI32Field(100, 42);
  w.EndStruct();
  return out;
}

TEST(ThriftCompactReader, SkipsUnknownFieldsOfEveryTypeIncludingNestedContainers) {
  std::string data = EveryTypeThenField100();
  ThriftCompactReader r(data, 0);
  ASSERT_TRUE(r.BeginStruct());
  while (true) {
    auto field = r.ReadFieldHeader();
    ASSERT_TRUE(field) << field.error().ToString();
    ASSERT_NE(field->type, CompactType::kStop) << "field 100 was never reached";
    if (field->id == 100) {
      EXPECT_EQ(*r.ReadI32(), 42);
      break;
    }
    auto skipped = r.SkipField(field->type);
    ASSERT_TRUE(skipped) << "field " << field->id << ": " << skipped.error().ToString();
  }
  EXPECT_EQ(r.ReadFieldHeader()->type, CompactType::kStop);
  EXPECT_EQ(r.position(), data.size());
}

TEST(ThriftCompactReader, TruncationAtEveryLengthIsCorruptionNamingTheOffset) {
  std::string data = EveryTypeThenField100();
  for (size_t length = 0; length < data.size(); ++length) {
    ThriftCompactReader r(std::string_view(data).substr(0, length), 1000);
    Status status = r.SkipField(CompactType::kStruct);
    ASSERT_FALSE(status) << "length " << length;
    EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
    EXPECT_NE(status.error().message().find("byte offset 10"), std::string::npos) << status.error().message();
  }
  ThriftCompactReader whole(data, 0);
  EXPECT_TRUE(whole.SkipField(CompactType::kStruct));
}

TEST(ThriftCompactReader, DeepNestingIsCorruptionNotStackOverflow) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(0x1C);  // struct field 1, repeatedly
  ThriftCompactReader r(data, 0);
  Status status = r.SkipField(CompactType::kStruct);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kCorruption);
}

TEST(ThriftCompactReader, ListLongerThanRemainingBytesIsCorruption) {
  std::string data = Bytes({0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07});  // list of 2^31-1 i32 in 6 bytes
  ThriftCompactReader r(data, 0);
  auto list = r.ReadListHeader();
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code(), ErrorCode::kCorruption);
}

TEST(ThriftCompactReader, OverlongVarintIsCorruption) {
  std::string data(11, static_cast<char>(0x80));
  ThriftCompactReader r(data, 0);
  EXPECT_FALSE(r.ReadI64());
}

TEST(ThriftCompactReader, OutOfRangeI32IsCorruption) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.WriteI64Field(1, 1LL << 40);
  ThriftCompactReader r(out, 0);
  ASSERT_TRUE(r.BeginStruct());
  ASSERT_TRUE(r.ReadFieldHeader());
  EXPECT_FALSE(r.ReadI32());
}

TEST(ThriftCompactReader, InvalidTypeNibbleIsCorruption) {
  std::string data = Bytes({0x1D});  // type 13 does not exist
  ThriftCompactReader r(data, 0);
  ASSERT_TRUE(r.BeginStruct());
  EXPECT_FALSE(r.ReadFieldHeader());
}

TEST(ThriftCompactReader, BoolListElementsAreOneByteEach) {
  std::string data = Bytes({0x31, 0x01, 0x02, 0x01});
  ThriftCompactReader r(data, 0);
  auto list = r.ReadListHeader();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size, 3u);
  EXPECT_TRUE(*r.ReadBoolElement());
  EXPECT_FALSE(*r.ReadBoolElement());
  EXPECT_TRUE(*r.ReadBoolElement());
}

TEST(ReadThriftStruct, HandsKnownFieldsToCallbackAndSkipsTheRest) {
  std::string data = EveryTypeThenField100();
  ThriftCompactReader r(data, 0);
  int32_t value = 0;
  Status status = ReadThriftStruct(r, [&](ThriftFieldHeader f) -> Result<bool> {
    if (f.id != 100) return false;
    JSM_ASSIGN_OR_RETURN(value, r.ReadI32());
    return true;
  });
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(value, 42);
}

}  // namespace
}  // namespace jsm::parquet
