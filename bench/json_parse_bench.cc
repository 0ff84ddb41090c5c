// Kernels of the model module: parsing + normalizing order events (the refine
// stage's hot path), reading the CSV export, encoding events, generating
// synthetic orders. The events come from the real data file when it is present
// (JSM_DATA_CSV, else ../shared/data/sales_transactions_v4a.csv from the project
// root or the working directory), else from 536,350 synthetic orders.
// Figures are printed, never asserted.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "model/order_parser.h"
#include "model/order_source.h"

namespace jsm::model {
namespace {

constexpr std::string_view kRelativePath = "../shared/data/sales_transactions_v4a.csv";
constexpr int64_t kSyntheticCount = 536350;

std::string RealDataPath() {
  if (const char* env = std::getenv("JSM_DATA_CSV"); env != nullptr && *env != '\0') {
    std::error_code ec;
    return std::filesystem::is_regular_file(env, ec) ? std::string(env) : std::string();
  }
  const std::filesystem::path root = std::filesystem::path(__FILE__).parent_path() / "..";
  const std::filesystem::path candidates[] = {root / kRelativePath, std::filesystem::path(kRelativePath)};
  for (const std::filesystem::path& candidate : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return {};
}

/// The order events, back to back in one string (as a consumed batch would be).
struct EventBatch {
  std::string bytes;
  std::vector<std::pair<size_t, size_t>> spans;  ///< offset and size of each event
  std::string origin;
};

const EventBatch& Events() {
  static const EventBatch batch = [] {
    EventBatch b;
    std::unique_ptr<OrderSource> source;
    if (const std::string path = RealDataPath(); !path.empty()) {
      if (auto csv = CsvOrderSource::Open(path)) {
        source = std::move(*csv);
        b.origin = path;
      }
    }
    if (!source) {
      source = std::make_unique<SyntheticOrderSource>(kSyntheticCount, 1);
      b.origin = "synthetic";
    }
    OrderRecord record;
    while (source->Next(&record)) {
      const size_t begin = b.bytes.size();
      AppendOrderEventJson(record, &b.bytes);
      b.spans.emplace_back(begin, b.bytes.size() - begin);
    }
    return b;
  }();
  return batch;
}

void BM_ParseOrderEvents(benchmark::State& state) {
  const EventBatch& batch = Events();
  const std::string_view bytes = batch.bytes;
  OrderParser parser;
  NormalizedOrder order;
  int64_t rejected = 0;
  int64_t total_cents = 0;
  for (auto _ : state) {
    for (const auto& [offset, size] : batch.spans) {
      if (parser.Parse(bytes.substr(offset, size), &order) != RejectReason::kNone) ++rejected;
      total_cents += order.line_total_cents;
    }
  }
  benchmark::DoNotOptimize(total_cents);
  if (rejected != 0) state.SkipWithError("events were rejected: the parse path did not run fully");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.spans.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.bytes.size()));
  state.SetLabel(batch.origin);
}
BENCHMARK(BM_ParseOrderEvents)->Unit(benchmark::kMillisecond);

void BM_ParseOrderEventsAndCheckQuality(benchmark::State& state) {
  const EventBatch& batch = Events();
  const std::string_view bytes = batch.bytes;
  OrderParser parser;
  NormalizedOrder order;
  int64_t rejected = 0;
  uint32_t broken = 0;
  for (auto _ : state) {
    for (const auto& [offset, size] : batch.spans) {
      if (parser.Parse(bytes.substr(offset, size), &order) != RejectReason::kNone) ++rejected;
      broken |= CheckQuality(order);
    }
  }
  benchmark::DoNotOptimize(broken);
  if (rejected != 0) state.SkipWithError("events were rejected: the parse path did not run fully");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.spans.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.bytes.size()));
}
BENCHMARK(BM_ParseOrderEventsAndCheckQuality)->Unit(benchmark::kMillisecond);

void BM_CsvOrderSourceReadRealFile(benchmark::State& state) {
  const std::string path = RealDataPath();
  if (path.empty()) {
    state.SkipWithError("real data absent: set JSM_DATA_CSV");
    return;
  }
  int64_t rows = 0;
  for (auto _ : state) {
    auto source = CsvOrderSource::Open(path);
    if (!source) {
      state.SkipWithError(source.error().ToString().c_str());
      return;
    }
    OrderRecord record;
    while ((*source)->Next(&record)) ++rows;
    if (!(*source)->status()) {
      state.SkipWithError((*source)->status().error().ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(std::filesystem::file_size(path)));
}
BENCHMARK(BM_CsvOrderSourceReadRealFile)->Unit(benchmark::kMillisecond);

void BM_AppendOrderEventJson(benchmark::State& state) {
  std::vector<OrderRecord> records;
  SyntheticOrderSource source(100000, 1);
  OrderRecord record;
  while (source.Next(&record)) records.push_back(record);
  std::string out;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const OrderRecord& r : records) {
      out.clear();
      AppendOrderEventJson(r, &out);
      bytes += static_cast<int64_t>(out.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_AppendOrderEventJson)->Unit(benchmark::kMillisecond);

void BM_SyntheticOrderSource(benchmark::State& state) {
  constexpr int64_t kCount = 500000;
  int64_t produced = 0;
  for (auto _ : state) {
    SyntheticOrderSource source(kCount, 1);
    OrderRecord record;
    while (source.Next(&record)) ++produced;
  }
  if (produced != state.iterations() * kCount) state.SkipWithError("generator produced a wrong count");
  state.SetItemsProcessed(produced);
}
BENCHMARK(BM_SyntheticOrderSource)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace jsm::model

BENCHMARK_MAIN();
