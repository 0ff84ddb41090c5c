// libFuzzer target for the expectation rule language (pipeline/rule.h): any
// rule text must parse and bind, or be an error naming a position in the rule,
// never a crash, a hang or a sanitizer report; a rule that binds evaluates over
// a batch of awkward values (nulls, extremes of every type, NaN, empty and
// not-UTF-8 strings) to one pass byte per row. The first byte chooses the
// schema: the silver table's, or one column of each type named by its type
// (s, b, i32, i64, d, dt, ts, dec). Seeds: corpus/expectation_rule/, keywords:
// expectation_rule.dict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "pipeline/rule.h"
#include "pipeline/table_schemas.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

const jsm::Schema& AllTypesSchema() {
  using jsm::DataType;
  static const jsm::Schema schema{{
      {"s", DataType::kString, true},
      {"b", DataType::kBoolean, true},
      {"i32", DataType::kInt32, true},
      {"i64", DataType::kInt64, true},
      {"d", DataType::kDouble, true},
      {"dt", DataType::kDate, true},
      {"ts", DataType::kTimestamp, true},
      {"dec", DataType::kDecimal, true, 18, 2},
  }};
  return schema;
}

constexpr size_t kRows = 7;

/// Row `row` of a column of `field`'s type: null, zero, extremes, ordinary values.
void AppendAwkwardValue(const jsm::Field& field, size_t row, jsm::Column* column) {
  if (row == 0) {
    if (field.nullable) column->AppendNull();
    else if (field.type == jsm::DataType::kString) column->AppendString("");
    else if (field.type == jsm::DataType::kDouble) column->AppendDouble(0);
    else column->AppendInt(0);
    return;
  }
  switch (field.type) {
    case jsm::DataType::kString: {
      static const std::string_view kStrings[] = {"", "581482", "C581484", "\xff\xfe\x80", std::string_view("a\0b", 3),
                                                  "United Kingdom"};
      column->AppendString(kStrings[row - 1]);
      return;
    }
    case jsm::DataType::kDouble: {
      static const double kDoubles[] = {0.0, -0.0, std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(), -1e308, 21.47};
      column->AppendDouble(kDoubles[row - 1]);
      return;
    }
    case jsm::DataType::kBoolean:
      column->AppendInt(row % 2);
      return;
    case jsm::DataType::kInt32:
    case jsm::DataType::kDate: {
      static const int64_t kInts[] = {0, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                                      18000, 12};
      column->AppendInt(kInts[row - 1]);
      return;
    }
    default: {
      static const int64_t kLongs[] = {0, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                                       999999999999999999, 2147};
      column->AppendInt(kLongs[row - 1]);
      return;
    }
  }
}

jsm::RecordBatch AwkwardBatch(const jsm::Schema& schema) {
  jsm::RecordBatch batch(schema);
  for (size_t c = 0; c < schema.fields.size(); ++c) {
    for (size_t row = 0; row < kRows; ++row) AppendAwkwardValue(schema.fields[c], row, &batch.column(c));
  }
  return batch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;  // rules are one line of a config file
  static const jsm::RecordBatch silver = AwkwardBatch(jsm::pipeline::SilverSchema());
  static const jsm::RecordBatch all_types = AwkwardBatch(AllTypesSchema());
  const jsm::RecordBatch& batch = (data[0] & 1) ? silver : all_types;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto rule = jsm::pipeline::ParseRule(text, batch.schema());
  if (!rule) {
    Require(!rule.error().message().empty());
    return 0;
  }
  std::vector<uint8_t> pass;
  jsm::pipeline::EvaluateRule(*rule, batch, &pass);
  Require(pass.size() == batch.num_rows());
  for (const uint8_t p : pass) Require(p == 0 || p == 1);
  return 0;
}
