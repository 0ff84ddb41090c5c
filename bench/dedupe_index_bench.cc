// The dedupe index at scale (issue 5: 100 million distinct keys on a 24 GB
// machine): bytes per key, insert and lookup rates, peak RSS, and the time to
// rebuild the index from silver's _record_id column (measured on a smaller
// table, extrapolated linearly). Figures are printed, never asserted.
//
//   dedupe_index_bench [keys] [rebuild_rows] [grow|reserve]
//     keys          distinct 128-bit keys to insert (default 100,000,000)
//     rebuild_rows  rows of the synthetic silver table read back (default 3,000,000; 0 = skip)
//     grow|reserve  let the table grow by 1.5x as keys arrive (a long run; default), or
//                   reserve all keys first (a rebuild from silver). Peak RSS is per
//                   process, so run the two modes separately.

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "delta/table.h"
#include "pipeline/dedupe_index.h"
#include "storage/local_store.h"

namespace jsm::pipeline {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The i-th distinct key (a bijection of i in each half, so keys never repeat).
RecordKey KeyOf(uint64_t i) { return RecordKey{SplitMix64(i), SplitMix64(i ^ 0x5555555555555555ULL)}; }

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// CPU seconds of this process: on a shared, loaded machine the wall-clock rate
/// says more about the neighbours than about the index.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double PeakRssGb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is KiB
}

void MeasureIndex(uint64_t keys, bool reserve) {
  std::printf("dedupe index, %llu distinct 128-bit keys, %s\n", static_cast<unsigned long long>(keys),
              reserve ? "reserved up front" : "growing as keys arrive");
  DedupeIndex index;
  auto start = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();
  if (reserve) index.Reserve(keys);
  uint64_t inserted = 0;
  for (uint64_t i = 0; i < keys; ++i) inserted += index.Insert(KeyOf(i)) ? 1 : 0;
  const double insert_s = Seconds(start);
  const double insert_cpu = CpuSeconds() - cpu;
  std::printf("  insert:           %.2f s wall, %.2f s CPU: %.2f M keys/s per CPU second (%llu new)\n", insert_s,
              insert_cpu, keys / insert_cpu / 1e6, static_cast<unsigned long long>(inserted));
  std::printf("  table:            %.3f GB, %.1f bytes per key, load factor %.3f\n", index.memory_bytes() / 1e9,
              static_cast<double>(index.memory_bytes()) / static_cast<double>(index.size()),
              static_cast<double>(index.size()) / (index.memory_bytes() / sizeof(RecordKey)));
  std::printf("  peak RSS so far:  %.2f GiB\n", PeakRssGb());

  const uint64_t probes = std::min<uint64_t>(keys, 20000000);
  cpu = CpuSeconds();
  uint64_t hits = 0;
  for (uint64_t i = 0; i < probes; ++i) hits += index.Contains(KeyOf(SplitMix64(i) % keys)) ? 1 : 0;
  const double hit_cpu = CpuSeconds() - cpu;
  cpu = CpuSeconds();
  uint64_t misses = 0;
  for (uint64_t i = 0; i < probes; ++i) misses += index.Contains(KeyOf(keys + i)) ? 0 : 1;
  const double miss_cpu = CpuSeconds() - cpu;
  std::printf("  lookup (present): %.2f M/s per CPU second (%llu of %llu found)\n", probes / hit_cpu / 1e6,
              static_cast<unsigned long long>(hits), static_cast<unsigned long long>(probes));
  std::printf("  lookup (absent):  %.2f M/s per CPU second (%llu of %llu absent)\n", probes / miss_cpu / 1e6,
              static_cast<unsigned long long>(misses), static_cast<unsigned long long>(probes));
  // A duplicate re-insert is the refine stage's other hot case.
  cpu = CpuSeconds();
  uint64_t rejected = 0;
  for (uint64_t i = 0; i < probes; ++i) rejected += index.Insert(KeyOf(i)) ? 0 : 1;
  std::printf("  re-insert (dup):  %.2f M/s per CPU second (%llu rejected)\n", probes / (CpuSeconds() - cpu) / 1e6,
              static_cast<unsigned long long>(rejected));
}

void MeasureRebuild(uint64_t rows, uint64_t extrapolate_to) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("jsm-dedupe-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto store = storage::LocalStore::Open(dir.string());
  if (!store) {
    std::printf("rebuild: cannot open %s: %s\n", dir.c_str(), store.error().ToString().c_str());
    return;
  }
  const Schema schema{{Field{"_record_id", DataType::kString, false}}};
  auto table = delta::DeltaTable::OpenOrCreate(store->get(), "silver", "silver", schema);
  if (!table) {
    std::printf("rebuild: %s\n", table.error().ToString().c_str());
    return;
  }
  constexpr uint64_t kRowsPerFile = 600000;  // a refine batch
  std::string hex;
  for (uint64_t first = 0; first < rows; first += kRowsPerFile) {
    RecordBatch batch(schema);
    for (uint64_t i = first; i < std::min(rows, first + kRowsPerFile); ++i) {
      hex.clear();
      AppendRecordKeyHex(KeyOf(i), &hex);
      batch.column(0).AppendString(hex);
    }
    auto add = (*table)->WriteDataFile(batch, parquet::WriterOptions{});
    if (!add || !(*table)->Commit({*add}, delta::CommitInfo{.operation = "WRITE"})) {
      std::printf("rebuild: writing the table failed\n");
      return;
    }
  }
  // What RefineStage::RebuildDedupeIndex does: read _record_id of every file, parse, insert.
  auto start = std::chrono::steady_clock::now();
  const double cpu = CpuSeconds();
  DedupeIndex index;
  index.Reserve(rows);
  for (const auto& [path, add] : (*table)->snapshot().files) {
    auto ids = (*table)->ReadDataFile(path, {"_record_id"});
    if (!ids) {
      std::printf("rebuild: %s\n", ids.error().ToString().c_str());
      return;
    }
    const Column& column = ids->column(0);
    for (size_t row = 0; row < column.size(); ++row) {
      RecordKey key;
      if (ParseRecordKeyHex(column.StringAt(row), &key)) index.Insert(key);
    }
  }
  const double rebuild_s = Seconds(start);
  const double rebuild_cpu = CpuSeconds() - cpu;
  std::printf("rebuild from silver _record_id: %llu rows in %.2f s wall, %.2f s CPU (%.2f M rows per CPU second);"
              " %llu rows -> about %.0f CPU seconds\n",
              static_cast<unsigned long long>(rows), rebuild_s, rebuild_cpu, rows / rebuild_cpu / 1e6,
              static_cast<unsigned long long>(extrapolate_to), extrapolate_to / (rows / rebuild_cpu));
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace jsm::pipeline

int main(int argc, char** argv) {
  const uint64_t keys = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000000ULL;
  const uint64_t rebuild_rows = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3000000ULL;
  if (rebuild_rows > 0) jsm::pipeline::MeasureRebuild(rebuild_rows, keys);
  const bool reserve = argc > 3 && std::string(argv[3]) == "reserve";
  jsm::pipeline::MeasureIndex(keys, reserve);
  std::printf("peak RSS of the process: %.2f GiB\n", jsm::pipeline::PeakRssGb());
  return 0;
}
