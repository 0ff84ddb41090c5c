// libFuzzer round-trip target for bronze (pipeline/bronze_table.h, the ingest
// stage's rows): arbitrary bytes become Kafka messages (value, key or none,
// headers with null values, any timestamp), are written as one bronze batch,
// one Parquet data file and one Delta commit with the ingest txn on a local
// store, and must read back equal from a freshly opened table; every line of
// the commit file is valid UTF-8 JSON. Nothing may crash, hang or trip a
// sanitizer. Input layout: FuzzedDataProvider (an ASCII-only flag, 1-3
// messages, then their fields).
//
// Bronze keeps any bytes (docs/tables.md): valid UTF-8 in `value`/`key`, anything
// else in the binary `value_raw`/`key_raw`, a tombstone or null key null in both.
// The rows are built with the stage's own AppendBronzeBytes and read back with
// BronzeMessageBytes, as every reader of bronze does; the checks hold for any bytes.

#include <fuzzer/FuzzedDataProvider.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "delta/table.h"
#include "kafka/consumer.h"
#include "pipeline/bronze_headers.h"
#include "pipeline/bronze_table.h"
#include "pipeline/table_schemas.h"
#include "storage/local_store.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

bool IsUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

/// A message as the fuzzer made it; `headers` views point into `header_bytes`.
struct FuzzMessage {
  std::string value;
  bool has_key = false;
  std::string key;
  int64_t timestamp_ms = -1;
  std::vector<std::string> header_bytes;  ///< name, value, name, value...
  std::vector<bool> header_null;
  std::vector<jsm::kafka::HeaderView> headers;
};

/// Appends one bronze row for `message` as the ingest stage does.
void AppendMessageRow(const FuzzMessage& message, int64_t offset, jsm::RecordBatch* batch) {
  using namespace jsm::pipeline;
  AppendBronzeBytes(std::optional<std::string_view>(message.value), &batch->column(kBronzeValue),
                    &batch->column(kBronzeValueRaw));
  AppendBronzeBytes(message.has_key ? std::optional<std::string_view>(message.key) : std::nullopt,
                    &batch->column(kBronzeKey), &batch->column(kBronzeKeyRaw));
  batch->column(kBronzeTopic).AppendString("pedidos");
  batch->column(kBronzePartition).AppendInt(0);
  batch->column(kBronzeOffset).AppendInt(offset);
  AppendKafkaTimestamp(message.timestamp_ms, &batch->column(kBronzeKafkaTimestamp));
  batch->column(kBronzeIngestedAt).AppendInt(1700000000000000);
  if (message.headers.empty()) {
    batch->column(kBronzeHeaders).AppendNull();
  } else {
    std::string json;
    AppendHeadersJson(message.headers, &json);
    batch->column(kBronzeHeaders).AppendString(json);
  }
  // Any column after key_raw (none today) stays null here.
  for (size_t c = kBronzeKeyRaw + 1; c < batch->num_columns(); ++c) batch->column(c).AppendNull();
}

jsm::storage::LocalStore* Store() {
  // In memory when /dev/shm is there: a table is created and dropped for every input.
  static std::string root = std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/jsm_bronze_fuzz_" +
                            std::to_string(getpid());
  static std::unique_ptr<jsm::storage::LocalStore> store = [] {
    std::filesystem::remove_all(root);
    auto opened = jsm::storage::LocalStore::Open(root);
    Require(opened.has_value());
    std::atexit([] { std::filesystem::remove_all(root); });
    return std::move(*opened);
  }();
  return store.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  // Half of the inputs keep values and keys to ASCII (the common case, and its stats).
  const bool ascii = input.ConsumeBool();
  std::vector<FuzzMessage> messages(input.ConsumeIntegralInRange<int>(1, 3));
  for (FuzzMessage& message : messages) {
    message.value = input.ConsumeRandomLengthString(4096);
    message.has_key = input.ConsumeBool();
    if (message.has_key) message.key = input.ConsumeRandomLengthString(256);
    if (ascii) {
      for (char& c : message.value) c = static_cast<char>(c & 0x7f);
      for (char& c : message.key) c = static_cast<char>(c & 0x7f);
    }
    message.timestamp_ms = input.ConsumeIntegral<int64_t>();
    const int headers = input.ConsumeIntegralInRange<int>(0, 3);
    for (int h = 0; h < headers; ++h) {
      message.header_bytes.push_back(input.ConsumeRandomLengthString(64));
      message.header_bytes.push_back(input.ConsumeRandomLengthString(64));
      message.header_null.push_back(input.ConsumeBool());
    }
    for (int h = 0; h < headers; ++h) {
      const bool null_value = message.header_null[h];
      const std::string_view value = null_value ? std::string_view() : std::string_view(message.header_bytes[2 * h + 1]);
      message.headers.push_back({message.header_bytes[2 * h], value, !null_value});
    }
  }

  jsm::storage::LocalStore* store = Store();
  std::filesystem::remove_all(std::filesystem::path(store->root()) / "bronze");
  auto bronze = jsm::pipeline::OpenBronzeTable(store);
  Require(bronze.has_value());
  jsm::RecordBatch batch(jsm::pipeline::BronzeSchema());
  for (size_t i = 0; i < messages.size(); ++i) AppendMessageRow(messages[i], static_cast<int64_t>(i), &batch);
  auto add = (*bronze)->WriteDataFile(batch, jsm::parquet::WriterOptions{});
  Require(add.has_value());
  jsm::delta::CommitInfo info;
  info.operation = "STREAMING UPDATE";
  info.operation_metrics["numOutputRows"] = std::to_string(batch.num_rows());
  const std::string app_id = "jsm-ingest/fuzz/pedidos/0";
  auto version = (*bronze)->Commit(
      {*add, jsm::delta::Txn{app_id, static_cast<int64_t>(messages.size()) - 1, 1700000000000}}, info);
  Require(version.has_value());

  // Every line of the commit file is a JSON object in valid UTF-8.
  auto log = store->Get((*bronze)->ObjectKey(jsm::delta::CommitFileName(*version)));
  Require(log.has_value());
  {
    Require(IsUtf8(*log));
    simdjson::dom::parser parser;
    size_t begin = 0;
    while (begin < log->size()) {
      size_t end = log->find('\n', begin);
      if (end == std::string::npos) end = log->size();
      simdjson::dom::element line;
      Require(parser.parse(simdjson::padded_string(std::string_view(*log).substr(begin, end - begin))).get(line) ==
              simdjson::SUCCESS);
      Require(line.is_object());
      begin = end + 1;
    }
  }

  auto reopened = jsm::delta::DeltaTable::Open(store, jsm::pipeline::kBronzeTable);
  Require(reopened.has_value());
  Require((*reopened)->AppVersion(app_id) == static_cast<int64_t>(messages.size()) - 1);
  Require((*reopened)->snapshot().files.size() == 1);
  auto read = (*reopened)->ReadDataFile((*reopened)->snapshot().files.begin()->first);
  Require(read.has_value());
  Require(read->num_rows() == messages.size());
  for (size_t row = 0; row < messages.size(); ++row) {
    const FuzzMessage& message = messages[row];
    using namespace jsm::pipeline;
    const BronzeMessageBytes bytes(*read);
    Require(bytes.Value(row) == std::optional<std::string_view>(message.value));
    Require(bytes.Key(row).has_value() == message.has_key);
    if (message.has_key) Require(*bytes.Key(row) == message.key);
    Require(read->column(kBronzeOffset).IntAt(row) == static_cast<int64_t>(row));
    const jsm::Column& headers = read->column(kBronzeHeaders);
    Require(headers.IsValid(row) == !message.headers.empty());
    if (message.headers.empty()) continue;
    std::vector<bool> nulls;
    auto parsed = ParseHeadersJson(headers.StringAt(row), &nulls);
    Require(parsed.has_value() && parsed->size() == message.headers.size());
    for (size_t h = 0; h < parsed->size(); ++h) {
      Require((*parsed)[h].name == message.headers[h].name);
      Require(nulls[h] == !message.headers[h].has_value);
      if (message.headers[h].has_value) Require((*parsed)[h].value == message.headers[h].value);
    }
  }
  return 0;
}
