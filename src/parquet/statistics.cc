#include "parquet/statistics.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/check.h"
#include "parquet/plain_encoding.h"

namespace jsm::parquet {
namespace {

template <class T>
std::string PlainBytes(T value) {
  std::string bytes(sizeof(T), '\0');
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

int64_t CountNulls(const Column& column, size_t begin, size_t end) {
  const uint8_t* valid = column.validity().data();
  int64_t nulls = 0;
  for (size_t r = begin; r < end; ++r) nulls += valid[r] == 0;
  return nulls;
}

}  // namespace

Statistics ComputeStatistics(const Column& column, PhysicalType type, size_t begin, size_t end) {
  Statistics stats;
  const uint8_t* valid = column.validity().data();
  int64_t nulls = CountNulls(column, begin, end);
  stats.null_count = nulls;
  bool has_nulls = nulls > 0;
  if (type == PhysicalType::kDouble) {
    const double* values = column.doubles().data();
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    bool any = false;
    for (size_t r = begin; r < end; ++r) {
      if (has_nulls && !valid[r]) continue;
      double v = values[r];
      if (std::isnan(v)) continue;
      any = true;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (any) {
      // Zero bounds are written as -0.0 (min) and +0.0 (max): readers cannot
      // tell which zeros the chunk holds.
      if (lo == 0.0) lo = -0.0;
      if (hi == 0.0) hi = 0.0;
      stats.min_value = PlainBytes(lo);
      stats.max_value = PlainBytes(hi);
    }
    return stats;
  }
  const int64_t* values = column.ints().data();
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  bool any = false;
  for (size_t r = begin; r < end; ++r) {
    if (has_nulls && !valid[r]) continue;
    int64_t v = values[r];
    any = true;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  if (!any) return stats;
  switch (type) {
    case PhysicalType::kBoolean:
      stats.min_value = std::string(1, lo != 0 ? '\1' : '\0');
      stats.max_value = std::string(1, hi != 0 ? '\1' : '\0');
      break;
    case PhysicalType::kInt32:
      stats.min_value = PlainBytes(static_cast<int32_t>(lo));
      stats.max_value = PlainBytes(static_cast<int32_t>(hi));
      break;
    case PhysicalType::kInt64:
      stats.min_value = PlainBytes(lo);
      stats.max_value = PlainBytes(hi);
      break;
    default:
      JSM_CHECK(false && "ComputeStatistics: physical type not written by this codec");
  }
  return stats;
}

Statistics ComputeDecimal128Statistics(const Column& column, int width, size_t begin, size_t end) {
  Statistics stats;
  const uint8_t* valid = column.validity().data();
  const Int128* values = column.wides().data();
  int64_t nulls = 0;
  bool any = false;
  Int128 lo = 0, hi = 0;
  for (size_t r = begin; r < end; ++r) {
    if (!valid[r]) {
      ++nulls;
      continue;
    }
    const Int128 v = values[r];
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  stats.null_count = nulls;
  if (any) {
    stats.min_value.emplace();
    stats.max_value.emplace();
    AppendDecimalBigEndian(lo, width, &*stats.min_value);
    AppendDecimalBigEndian(hi, width, &*stats.max_value);
  }
  return stats;
}

Statistics ComputeStringStatistics(std::span<const std::string_view> values, int64_t null_count) {
  Statistics stats;
  stats.null_count = null_count;
  if (values.empty()) return stats;
  // std::string_view compares with char_traits<char>, i.e. memcmp: unsigned bytes.
  std::string_view lo = values[0], hi = values[0];
  for (std::string_view v : values.subspan(1)) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  stats.min_value = std::string(lo);
  stats.max_value = std::string(hi);
  return stats;
}

Statistics ComputeStringStatistics(const Column& column, size_t begin, size_t end) {
  Statistics stats;
  const uint8_t* valid = column.validity().data();
  int64_t nulls = 0;
  bool any = false;
  std::string_view lo, hi;
  for (size_t r = begin; r < end; ++r) {
    if (!valid[r]) {
      ++nulls;
      continue;
    }
    std::string_view v = column.StringAt(r);
    if (!any) {
      lo = hi = v;
      any = true;
    } else if (v < lo) {
      lo = v;
    } else if (v > hi) {
      hi = v;
    }
  }
  stats.null_count = nulls;
  if (any) {
    stats.min_value = std::string(lo);
    stats.max_value = std::string(hi);
  }
  return stats;
}

}  // namespace jsm::parquet
