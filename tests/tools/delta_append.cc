// delta_append: a test tool that appends commits to a Delta table with our
// writer, for the concurrency and Spark checks (tests/e2e/test_spark_*.py).
//
//   delta_append --root DIR --table PATH [--commits N] [--rows R] [--writer ID]
//                [--txn-app APP] [--wait-for FILE] [--add-column NAME]
//                [--partition-by COL] [--properties k=v,...]
//
// Rows: writer (string), seq (long), amount (decimal(10,2)), day (date), plus
// any added string columns. Prints one line "committed <version>" per commit and
// a last line "commit latency ms p50=<x> p99=<y>". Exit 0 ok, 3 on a commit
// conflict, 1 on any other error.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "delta/schema_evolution.h"
#include "delta/table.h"
#include "delta/table_properties.h"
#include "storage/object_store.h"

namespace {

struct Args {
  std::string root, table, writer = "w", txn_app, wait_for, add_column, partition_by, properties;
  int commits = 1, rows = 3;
};

int Usage() {
  std::fprintf(stderr, "usage: delta_append --root DIR --table PATH [--commits N] [--rows R] [--writer ID] "
                       "[--txn-app APP] [--wait-for FILE] [--add-column NAME] [--partition-by COL] "
                       "[--properties k=v,...]\n");
  return 2;
}

int Fail(const jsm::Error& error) {
  std::fprintf(stderr, "delta_append: %s\n", error.ToString().c_str());
  return error.code() == jsm::ErrorCode::kConflict ? 3 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jsm;
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string value = argv[++i];
    if (flag == "--root") args.root = value;
    else if (flag == "--table") args.table = value;
    else if (flag == "--commits") args.commits = std::stoi(value);
    else if (flag == "--rows") args.rows = std::stoi(value);
    else if (flag == "--writer") args.writer = value;
    else if (flag == "--txn-app") args.txn_app = value;
    else if (flag == "--wait-for") args.wait_for = value;
    else if (flag == "--add-column") args.add_column = value;
    else if (flag == "--partition-by") args.partition_by = value;
    else if (flag == "--properties") args.properties = value;
    else return Usage();
  }
  if (args.root.empty() || args.table.empty()) return Usage();
  auto store = storage::OpenStore(args.root);
  if (!store) return Fail(store.error());
  Schema schema{{{"writer", DataType::kString, false},
                 {"seq", DataType::kInt64, false},
                 {"amount", DataType::kDecimal, true, 10, 2},
                 {"day", DataType::kDate, true}}};
  auto table = delta::DeltaTable::Open(store->get(), args.table);
  if (!table && table.error().code() == ErrorCode::kNotFound) {
    std::vector<std::string> partitions;
    if (!args.partition_by.empty()) partitions.push_back(args.partition_by);
    table = delta::DeltaTable::OpenOrCreate(store->get(), args.table, "delta_append", schema, partitions);
  }
  if (!table) return Fail(table.error());
  delta::DeltaTable& t = **table;
  if (!args.properties.empty()) {
    std::map<std::string, std::string> properties;
    size_t start = 0;
    while (start < args.properties.size()) {
      size_t end = args.properties.find(',', start);
      if (end == std::string::npos) end = args.properties.size();
      const std::string item = args.properties.substr(start, end - start);
      const size_t eq = item.find('=');
      if (eq != std::string::npos) properties[item.substr(0, eq)] = item.substr(eq + 1);
      start = end + 1;
    }
    auto version = delta::SetTableProperties(&t, properties);
    if (!version) return Fail(version.error());
    std::printf("committed %lld\n", static_cast<long long>(*version));
  }
  if (!args.add_column.empty()) {
    auto version = delta::AddColumns(&t, {Field{args.add_column, DataType::kString, true}});
    if (!version) return Fail(version.error());
    std::printf("committed %lld\n", static_cast<long long>(*version));
  }
  std::vector<double> latencies;
  for (int c = 0; c < args.commits; ++c) {
    RecordBatch batch(t.schema());
    for (int r = 0; r < args.rows; ++r) {
      const int64_t seq = static_cast<int64_t>(c) * args.rows + r;
      for (size_t f = 0; f < t.schema().fields.size(); ++f) {
        const Field& field = t.schema().fields[f];
        Column& column = batch.column(f);
        if (field.name == "writer") column.AppendString(args.writer);
        else if (field.name == "seq") column.AppendInt(seq);
        else if (field.name == "amount") column.AppendInt(seq * 101 + 7);
        else if (field.name == "day") column.AppendInt(19723 + seq % 5);  // 2024-01-01 + 0..4
        else column.AppendString(field.name + "-" + std::to_string(seq));
      }
    }
    auto adds = t.WriteDataFiles(batch, parquet::WriterOptions{});
    if (!adds) return Fail(adds.error());
    std::vector<delta::Action> actions(adds->begin(), adds->end());
    if (!args.txn_app.empty()) {
      actions.emplace_back(delta::Txn{args.txn_app, t.AppVersion(args.txn_app) + 1, NowMillis()});
    }
    if (!args.wait_for.empty()) {
      std::printf("ready\n");
      std::fflush(stdout);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (!std::filesystem::exists(args.wait_for)) {
        if (std::chrono::steady_clock::now() > deadline) {
          std::fprintf(stderr, "delta_append: %s did not appear within 120 s\n", args.wait_for.c_str());
          return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    delta::CommitInfo info;
    info.operation = "WRITE";
    info.operation_parameters = {{"mode", "Append"}};
    delta::CommitOptions options;
    options.max_retries = 100000;
    const double started = MonotonicSeconds();
    auto version = t.Commit(std::move(actions), std::move(info), options);
    latencies.push_back((MonotonicSeconds() - started) * 1000);
    if (!version) return Fail(version.error());
    std::printf("committed %lld\n", static_cast<long long>(*version));
  }
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double q) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()))]; };
    std::printf("commit latency ms p50=%.3f p99=%.3f\n", at(0.5), at(0.99));
  }
  return 0;
}
