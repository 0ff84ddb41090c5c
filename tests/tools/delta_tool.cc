// A small test tool for the peer checks (tests/e2e/test_delta_checkpoints.py):
//   delta_tool append <store root> <table> <commits> <rows per commit>
//     creates the table (id long, amount long, country string) if absent and
//     appends `commits` commits of rows, each with a txn of appId "delta-tool";
//   delta_tool dump <store root> <table>
//     prints {"version":..,"files":..,"rows":..,"sum_id":..,"sum_amount":..,"txn":{..},"checkpoint":..} as JSON.
//   delta_tool checkpoint-bench <files>
//     times encoding and decoding a checkpoint of a snapshot of <files> adds with stats.
//   delta_tool snapshot-bench <store root> <commits>
//     makes a table of <commits> commits (one add with stats each, no automatic
//     checkpoint), printing the commit latency p50/p99, then times opening it
//     (snapshot load) from the JSON commits alone, from a checkpoint of the last
//     version, and from a checkpoint 9 commits behind; prints one JSON line.
// Checkpoints are written by Commit every delta.checkpointInterval versions.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include <cstdlib>
#include <string>

#include "delta/checkpoint.h"
#include "delta/json_writer.h"
#include "delta/table.h"
#include "delta/table_properties.h"
#include "storage/object_store.h"

namespace {

using namespace jsm;

int Fail(const std::string& what) {
  std::fprintf(stderr, "delta_tool: %s\n", what.c_str());
  return 1;
}

int Append(storage::ObjectStore* store, const std::string& path, int commits, int rows) {
  Schema schema{{Field{"id", DataType::kInt64, false}, Field{"amount", DataType::kInt64, true},
                 Field{"country", DataType::kString, true}}};
  auto table = delta::DeltaTable::OpenOrCreate(store, path, "peer", schema);
  if (!table) return Fail(table.error().ToString());
  for (int c = 0; c < commits; ++c) {
    const int64_t base = (*table)->version() * 1000;
    RecordBatch batch(schema);
    for (int r = 0; r < rows; ++r) {
      batch.column(0).AppendInt(base + r);
      if (r % 7 == 0) {
        batch.column(1).AppendNull();
      } else {
        batch.column(1).AppendInt(r * 3);
      }
      batch.column(2).AppendString(r % 2 ? "GB" : "FR");
    }
    auto add = (*table)->WriteDataFile(batch, parquet::WriterOptions{});
    if (!add) return Fail(add.error().ToString());
    delta::CommitInfo info;
    info.operation = "WRITE";
    auto version = (*table)->Commit({*add, delta::Txn{"delta-tool", (*table)->version() + 1, 0}}, info);
    if (!version) return Fail(version.error().ToString());
  }
  return 0;
}

int Dump(storage::ObjectStore* store, const std::string& path) {
  auto table = delta::DeltaTable::Open(store, path);
  if (!table) return Fail(table.error().ToString());
  int64_t rows = 0, sum_id = 0, sum_amount = 0;
  for (const auto& [file, add] : (*table)->snapshot().files) {
    auto batch = (*table)->ReadDataFile(file);
    if (!batch) return Fail(batch.error().ToString());
    rows += static_cast<int64_t>(batch->num_rows());
    for (const char* name : {"id", "amount"}) {
      const int index = batch->schema().FieldIndex(name);
      if (index < 0) continue;
      const Column& column = batch->column(static_cast<size_t>(index));
      if (column.type() == DataType::kString || column.type() == DataType::kDouble) continue;
      int64_t& sum = std::string(name) == "id" ? sum_id : sum_amount;
      for (size_t r = 0; r < column.size(); ++r) {
        if (column.IsValid(r)) sum += column.IntAt(r);
      }
    }
  }
  delta::JsonWriter json;
  json.BeginObject();
  json.Member("version", (*table)->version());
  json.Member("files", static_cast<int64_t>((*table)->snapshot().files.size()));
  json.Member("rows", rows);
  json.Member("sum_id", sum_id);
  json.Member("sum_amount", sum_amount);
  json.Key("txn");
  json.BeginObject();
  for (const auto& [app, version] : (*table)->snapshot().app_versions) json.Member(app, version);
  json.EndObject();
  auto checkpoint = delta::FindCheckpoint(store, (path.empty() ? "" : path + "/") + "_delta_log/", (*table)->version());
  json.Key("checkpoint");
  if (checkpoint && *checkpoint) {
    json.Int((*checkpoint)->version);
  } else {
    json.Null();
  }
  json.EndObject();
  std::printf("%s\n", json.str().c_str());
  return 0;
}

int CheckpointBench(int files) {
  delta::Snapshot snapshot;
  snapshot.version = files;
  snapshot.metadata.id = "bench";
  snapshot.metadata.schema = Schema{{Field{"id", DataType::kInt64, false}}};
  for (int i = 0; i < files; ++i) {
    delta::AddFile add;
    add.path = "country=GB/part-" + std::to_string(i) + "-c000.zstd.parquet";
    add.partition_values = {{"country", "GB"}};
    add.size = 100000 + i;
    add.modification_time = 1700000000000 + i;
    add.stats = R"({"numRecords":1000,"minValues":{"id":)" + std::to_string(i * 1000) + R"(,"name":"aaaaaaaa"},)" +
                R"("maxValues":{"id":)" + std::to_string(i * 1000 + 999) + R"(,"name":"zzzzzzzz"},"nullCount":{"id":0,"name":3}})";
    snapshot.files[add.path] = add;
  }
  const auto t0 = std::chrono::steady_clock::now();
  int64_t actions = 0;
  auto bytes = delta::EncodeCheckpoint(snapshot, 0, &actions);
  if (!bytes) return Fail(bytes.error().ToString());
  const auto t1 = std::chrono::steady_clock::now();
  auto decoded = delta::DecodeCheckpoint(*bytes, files, "bench");
  if (!decoded) return Fail(decoded.error().ToString());
  const auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("{\"files\":%d,\"bytes\":%zu,\"encode_ms\":%.1f,\"decode_ms\":%.1f}\n", files, bytes->size(),
              ms(t1 - t0), ms(t2 - t1));
  return decoded->files.size() == static_cast<size_t>(files) ? 0 : Fail("decoded file count differs");
}

double Millis(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())))];
}

/// Median time (ms) of opening the table `path` `repeat` times; checks the version it sees.
Result<double> TimeOpen(storage::ObjectStore* store, const std::string& path, int64_t version, int repeat) {
  std::vector<double> times;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto table = delta::DeltaTable::Open(store, path);
    const auto t1 = std::chrono::steady_clock::now();
    if (!table) return std::unexpected(table.error());
    if ((*table)->version() != version || (*table)->snapshot().files.size() != static_cast<size_t>(version - 1)) {
      return MakeError(ErrorCode::kInternal, "the opened table is not the one written");
    }
    times.push_back(Millis(t1 - t0));
  }
  return Percentile(times, 0.5);
}

int SnapshotBench(storage::ObjectStore* store, int commits) {
  const std::string path = "snapshot_bench";
  Schema schema{{Field{"id", DataType::kInt64, false}, Field{"country", DataType::kString, true}}};
  auto table = delta::DeltaTable::OpenOrCreate(store, path, "bench", schema);
  if (!table) return Fail(table.error().ToString());
  // No automatic checkpoint: the first load replays every JSON commit.
  auto set = delta::SetTableProperties(table->get(), {{"delta.checkpointInterval", "1000000000"}});  // version 1
  if (!set) return Fail(set.error().ToString());
  std::vector<double> latency;
  latency.reserve(static_cast<size_t>(commits));
  auto commit_one = [&](int64_t i) -> Status {
    delta::AddFile add;
    add.path = "country=GB/part-" + std::to_string(i) + "-c000.zstd.parquet";
    add.partition_values = {{"country", "GB"}};
    add.size = 100000 + i;
    add.modification_time = 1700000000000 + i;
    add.stats = R"({"numRecords":1000,"minValues":{"id":)" + std::to_string(i * 1000) + R"(},"maxValues":{"id":)" +
                std::to_string(i * 1000 + 999) + R"(},"nullCount":{"id":0}})";
    delta::CommitInfo info;
    info.operation = "WRITE";
    const auto t0 = std::chrono::steady_clock::now();
    auto version = (*table)->Commit({add}, info);
    latency.push_back(Millis(std::chrono::steady_clock::now() - t0));
    if (!version) return std::unexpected(version.error());
    return Status::Ok();
  };
  for (int64_t i = 2; i < commits; ++i) {  // versions 2 .. commits-1: `commits` versions in all
    if (Status status = commit_one(i); !status) return Fail(status.error().ToString());
  }
  const int64_t last = (*table)->version();
  auto json_only = TimeOpen(store, path, last, 3);
  if (!json_only) return Fail(json_only.error().ToString());
  const auto c0 = std::chrono::steady_clock::now();
  auto checkpoint = (*table)->Checkpoint();
  const double checkpoint_ms = Millis(std::chrono::steady_clock::now() - c0);
  if (!checkpoint) return Fail(checkpoint.error().ToString());
  auto at_checkpoint = TimeOpen(store, path, last, 5);
  if (!at_checkpoint) return Fail(at_checkpoint.error().ToString());
  for (int64_t i = commits; i < commits + 9; ++i) {
    if (Status status = commit_one(i); !status) return Fail(status.error().ToString());
  }
  auto behind = TimeOpen(store, path, (*table)->version(), 5);
  if (!behind) return Fail(behind.error().ToString());
  std::printf("{\"commits\":%lld,\"active_files\":%zu,\"commit_p50_ms\":%.3f,\"commit_p99_ms\":%.3f,"
              "\"load_json_only_ms\":%.1f,\"checkpoint_write_ms\":%.1f,\"checkpoint_bytes\":%lld,"
              "\"load_at_checkpoint_ms\":%.1f,\"load_checkpoint_plus_9_ms\":%.1f}\n",
              static_cast<long long>(last + 1), (*table)->snapshot().files.size(), Percentile(latency, 0.5),
              Percentile(latency, 0.99), *json_only, checkpoint_ms, static_cast<long long>(checkpoint->size_in_bytes),
              *at_checkpoint, *behind);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "checkpoint-bench") return CheckpointBench(std::atoi(argv[2]));
  if (argc == 4 && std::string(argv[1]) == "snapshot-bench") {
    auto store = storage::OpenStore(argv[2]);
    if (!store) return Fail(store.error().ToString());
    return SnapshotBench(store->get(), std::atoi(argv[3]));
  }
  if (argc < 4) return Fail("usage: delta_tool append <root> <table> <commits> <rows> | dump <root> <table>");
  const std::string command = argv[1];
  auto store = storage::OpenStore(argv[2]);
  if (!store) return Fail(store.error().ToString());
  if (command == "append" && argc == 6) return Append(store->get(), argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  if (command == "dump") return Dump(store->get(), argv[3]);
  return Fail("unknown command " + command);
}
