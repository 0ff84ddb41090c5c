// Kernels of the parquet module: encoding a 500k-row, 7-column batch shaped like
// the refined orders table (a unique id, two dictionary-friendly strings, an
// int32, a double, a decimal and a timestamp, with some nulls) into a complete
// Parquet file, per codec and with/without dictionary encoding; and decoding it.
// Bytes processed are the batch's in-memory value bytes (RecordBatch::ByteSize).
// Every page written carries a CRC-32 that decoding verifies; BM_PageChecksum times the CRC alone.
// Figures are printed, never asserted.

#include <benchmark/benchmark.h>

#include <string>

#include "common/record_batch.h"
#include "parquet/page_checksum.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace jsm::parquet {
namespace {

constexpr size_t kRows = 500000;

const RecordBatch& Orders() {
  static const RecordBatch batch = [] {
    Schema schema{{Field{"order_id", DataType::kString, false}, Field{"customer_id", DataType::kString, true},
                   Field{"status", DataType::kString, true}, Field{"quantity", DataType::kInt32, true},
                   Field{"unit_price", DataType::kDouble, true},
                   Field{"amount", DataType::kDecimal, true, 18, 2},
                   Field{"created_at", DataType::kTimestamp, false}}};
    static const char* kStatuses[] = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
    RecordBatch b(schema);
    uint64_t state = 12345;
    auto next = [&] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return state >> 33;
    };
    std::string id;
    for (size_t i = 0; i < kRows; ++i) {
      id = "ORD-" + std::to_string(100000000 + i);
      b.column(0).AppendString(id);
      if (i % 50 == 0)
        b.column(1).AppendNull();
      else
        b.column(1).AppendString("CUST-" + std::to_string(next() % 20000));
      b.column(2).AppendString(kStatuses[next() % 5]);
      b.column(3).AppendInt(static_cast<int64_t>(1 + next() % 20));
      if (i % 100 == 0)
        b.column(4).AppendNull();
      else
        b.column(4).AppendDouble(static_cast<double>(next() % 100000) / 100);
      b.column(5).AppendInt(static_cast<int64_t>(next() % 10000000));
      b.column(6).AppendInt(1700000000000000LL + static_cast<int64_t>(i) * 1000 +
                            static_cast<int64_t>(next() % 1000));
    }
    return b;
  }();
  return batch;
}

void BM_EncodeOrders(benchmark::State& state) {
  const RecordBatch& batch = Orders();
  WriterOptions options;
  options.compression = static_cast<Compression>(state.range(0));
  options.dictionary = state.range(1) != 0;
  std::string file;
  for (auto _ : state) {
    Status status = WriteParquet(batch, options, &file);
    if (!status) {
      state.SkipWithError(status.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(file.data());
  }
  // The measured path must have produced a whole file that reads back.
  auto check = ReadParquet(file, {"status"}, "bench.parquet");
  if (!check || check->num_rows() != kRows) {
    state.SkipWithError("encoded file does not read back");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.ByteSize()));
  state.counters["file_MB"] = static_cast<double>(file.size()) / 1e6;
}
BENCHMARK(BM_EncodeOrders)
    ->ArgNames({"codec", "dict"})
    ->Args({static_cast<int>(Compression::kUncompressed), 1})
    ->Args({static_cast<int>(Compression::kSnappy), 1})
    ->Args({static_cast<int>(Compression::kZstd), 1})
    ->Args({static_cast<int>(Compression::kZstd), 0})
    ->Unit(benchmark::kMillisecond);

void BM_DecodeOrders(benchmark::State& state) {
  const RecordBatch& batch = Orders();
  WriterOptions options;
  options.compression = static_cast<Compression>(state.range(0));
  std::string file;
  if (!WriteParquet(batch, options, &file)) {
    state.SkipWithError("encoding failed");
    return;
  }
  for (auto _ : state) {
    auto read = ReadParquet(file, {}, "bench.parquet");
    if (!read || read->num_rows() != kRows) {
      state.SkipWithError("decoding failed");
      return;
    }
    benchmark::DoNotOptimize(read->num_rows());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.ByteSize()));
}
BENCHMARK(BM_DecodeOrders)
    ->ArgName("codec")
    ->Arg(static_cast<int>(Compression::kUncompressed))
    ->Arg(static_cast<int>(Compression::kZstd))
    ->Unit(benchmark::kMillisecond);

// The page checksum alone (zlib's crc32), over a page of 1 MiB, the size our writer cuts pages at.
void BM_PageChecksum(benchmark::State& state) {
  std::string page(size_t{1} << 20, '\0');
  uint64_t seed = 99;
  for (char& c : page) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>(seed >> 56);
  }
  uint32_t crc = 0;
  for (auto _ : state) {
    crc ^= PageChecksum(page);
    benchmark::DoNotOptimize(crc);
  }
  if (PageChecksum("123456789") != 0xCBF43926u) state.SkipWithError("not the standard CRC-32");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_PageChecksum)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace jsm::parquet

BENCHMARK_MAIN();
