// libFuzzer target for the Delta log's JSON (delta/actions.h): any commit file
// must parse into actions or be a corruption error naming the file, never a
// crash, a hang or a sanitizer report. What parses serializes to valid UTF-8
// JSON that parses back to the same actions (serialize, parse, serialize gives
// the same text). The same bytes also go through the other readers of log
// JSON: FindProtocol, SchemaFromJson and ParseLastCheckpoint. Seeds:
// corpus/delta_log_line/, keywords: delta_log_line.dict.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "delta/actions.h"
#include "delta/checkpoint.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)jsm::delta::FindProtocol(text);
  (void)jsm::delta::SchemaFromJson(text);
  (void)jsm::delta::ParseLastCheckpoint(text);

  auto actions = jsm::delta::ParseActions(text, "_delta_log/00000000000000000007.json");
  if (!actions) {
    Require(actions.error().message().find("00000000000000000007.json") != std::string::npos);
    return 0;
  }
  const std::string once = jsm::delta::SerializeActions(*actions);
  Require(simdjson::validate_utf8(once.data(), once.size()));
  auto reparsed = jsm::delta::ParseActions(once, "reserialized.json");
  Require(reparsed.has_value());
  Require(reparsed->size() == actions->size());
  Require(jsm::delta::SerializeActions(*reparsed) == once);
  return 0;
}
