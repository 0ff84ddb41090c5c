// libFuzzer target for the API's requests (serve/api_router.h, table_query.h):
// any path, query parameters and Accept header must get a response, never a
// crash, a hang or a sanitizer report, and every JSON response is valid UTF-8
// JSON. No server: requests go straight to ApiRouter::Handle over a small
// lakehouse (gold/things, two versions) in a scratch folder of this process.
// Input: the first line is the path (as the HTTP layer decoded it), each next
// line "key=value" a query parameter, or "accept:..." the Accept header.
// Seeds: corpus/api_query/, keywords: api_query.dict.

#include <simdjson.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "delta/table.h"
#include "serve/api_router.h"
#include "storage/local_store.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

jsm::Schema ThingsSchema() {
  using jsm::DataType;
  return jsm::Schema{{{"name", DataType::kString, false},
                      {"units", DataType::kInt64, false},
                      {"price", DataType::kDecimal, true, 18, 2},
                      {"day", DataType::kDate, true},
                      {"rate", DataType::kDouble, false},
                      {"at", DataType::kTimestamp, true},
                      {"ok", DataType::kBoolean, true}}};
}

/// Appends rows to gold/things as one commit: one with each awkward value.
void AppendThings(jsm::delta::DeltaTable* table, int version) {
  jsm::RecordBatch batch(ThingsSchema());
  const std::string_view names[] = {"apple", "pear, \"green\"", "=HYPERLINK(\"x\")", "\x1b[31mred\t\n", ""};
  for (int row = 0; row < 5; ++row) {
    batch.column(0).AppendString(names[row]);
    batch.column(1).AppendInt(row == 4 ? INT64_MIN : row * version);
    if (row == 3) batch.column(2).AppendNull();
    else batch.column(2).AppendInt(row == 4 ? 999999999999999999 : -150 * row);
    if (row == 2) batch.column(3).AppendNull();
    else batch.column(3).AppendInt(row == 4 ? -719162 : 15000 + row);
    batch.column(4).AppendDouble(row == 1 ? -0.0 : row * 0.25);
    if (row == 0) batch.column(5).AppendNull();
    else batch.column(5).AppendInt(row == 4 ? INT64_MAX : 1700000000000000 + row);
    batch.column(6).AppendInt(row % 2);
  }
  auto add = table->WriteDataFile(batch, jsm::parquet::WriterOptions{});
  Require(add.has_value());
  jsm::delta::CommitInfo info;
  info.operation = "WRITE";
  Require(table->Commit({*add}, info).has_value());
}

jsm::serve::ApiRouter& Router() {
  static std::unique_ptr<jsm::storage::LocalStore> store;
  static std::unique_ptr<jsm::serve::ApiRouter> router = [] {
    static const std::string root = "/tmp/jsm_api_fuzz_" + std::to_string(getpid());
    std::filesystem::remove_all(root);
    std::atexit([] { std::filesystem::remove_all(root); });
    auto opened = jsm::storage::LocalStore::Open(root);
    Require(opened.has_value());
    store = std::move(*opened);
    auto table = jsm::delta::DeltaTable::OpenOrCreate(store.get(), "gold/things", "things", ThingsSchema());
    Require(table.has_value());
    AppendThings(table->get(), 1);
    AppendThings(table->get(), 2);
    return std::make_unique<jsm::serve::ApiRouter>(store.get(), jsm::serve::AccessControl("", true));
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  jsm::serve::HttpRequest request;
  size_t begin = 0;
  bool first = true;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    if (first) {
      request.path = std::string(line);
      first = false;
    } else if (line.starts_with("accept:")) {
      request.accept = std::string(line.substr(7));
    } else {
      const size_t equals = line.find('=');
      request.params.emplace(std::string(line.substr(0, equals)),
                             equals == std::string_view::npos ? std::string() : std::string(line.substr(equals + 1)));
    }
    begin = end + 1;
  }
  const jsm::serve::HttpResponse response = Router().Handle(request);
  Require(response.status >= 200 && response.status < 600);
  if (response.content_type == "application/json") {
    simdjson::dom::parser parser;
    simdjson::dom::element element;
    Require(parser.parse(simdjson::padded_string(response.body)).get(element) == simdjson::SUCCESS);
  }
  return 0;
}
