// libFuzzer target for the CSV order source (model/order_source.h): any file
// must give records then an end or an error naming the line, never a crash, a
// hang or a sanitizer report; every record it gives encodes as an order event
// that the order parser reads as JSON. The first byte chooses whether the
// standard header is put in front of the rest (so most inputs reach the data
// lines). Seeds: corpus/csv_order_source/, keywords: csv_order_source.dict.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/order_parser.h"
#include "model/order_record.h"
#include "model/order_source.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

/// A file of this process under /dev/shm (or /tmp), rewritten for every input.
const std::string& ScratchPath() {
  static const std::string path = [] {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return std::string(dir) + "/jsm_csv_fuzz_" + std::to_string(getpid()) + ".csv";
  }();
  static const bool cleanup = std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup;
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text;
  if (data[0] & 1) {
    text = (data[0] & 2) ? "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country,Currency\n"
                         : "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country\n";
  }
  text.append(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::FILE* file = std::fopen(ScratchPath().c_str(), "wb");
  if (file == nullptr) return 0;
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  std::fclose(file);
  if (!written) return 0;

  auto source = jsm::model::CsvOrderSource::Open(ScratchPath());
  if (!source) {
    Require(!source.error().message().empty());
    return 0;
  }
  static jsm::model::OrderParser parser(1 << 20);
  jsm::model::OrderRecord record;
  std::string json;
  size_t records = 0;
  while ((*source)->Next(&record)) {
    ++records;
    // A record never holds more bytes than the file.
    Require(record.product.size() + record.country.size() <= text.size());
    json.clear();
    jsm::model::AppendOrderEventJson(record, &json);
    jsm::model::NormalizedOrder order;
    const jsm::model::RejectReason reason = parser.Parse(json, &order);
    // The encoder writes a JSON object whatever the fields hold (bad UTF-8 aside).
    Require(reason != jsm::model::RejectReason::kNotJson);
  }
  Require(records <= text.size());
  const jsm::Status status = (*source)->status();
  if (!status) Require(!status.error().message().empty());
  return 0;
}
