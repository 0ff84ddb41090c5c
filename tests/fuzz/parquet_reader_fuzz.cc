// libFuzzer target for the Parquet readers: any input must yield a batch or an
// error, never a crash, a hang or a sanitizer report. Built by
// tests/fuzz/CMakeLists.txt when clang is available (see docs/parquet.md).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parquet/nested_reader.h"
#include "parquet/reader.h"
#include "parquet/row_group_statistics.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto flat = jsm::parquet::ReadParquet(bytes, {}, "fuzz.parquet");
  auto nested = jsm::parquet::ReadNestedParquet(bytes, {}, "fuzz.parquet");
  auto stats = jsm::parquet::ReadRowGroupStatistics(bytes, "fuzz.parquet");
  (void)flat;
  (void)nested;
  (void)stats;
  return 0;
}
