// libFuzzer target for bronze's headers JSON (pipeline/bronze_headers.h), both
// ways. Reading: any text must parse into headers or be an invalid-argument
// error, never a crash, a hang or a sanitizer report, and what parses writes
// back to JSON that parses to the same headers. Writing: the input cut into
// Kafka headers (any bytes, null values included) writes JSON that is valid
// UTF-8 and parses back to the very same names, values and nulls. The first
// byte chooses the direction. Seeds: corpus/bronze_headers/, keywords:
// bronze_headers.dict.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "pipeline/bronze_headers.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

/// Writes `headers` and checks that they read back exactly.
void RequireRoundTrip(const std::vector<jsm::kafka::HeaderView>& headers) {
  std::string json;
  jsm::pipeline::AppendHeadersJson(headers, &json);
  Require(simdjson::validate_utf8(json.data(), json.size()));
  std::vector<bool> nulls;
  auto parsed = jsm::pipeline::ParseHeadersJson(json, &nulls);
  Require(parsed.has_value());
  Require(parsed->size() == headers.size() && nulls.size() == headers.size());
  for (size_t i = 0; i < headers.size(); ++i) {
    Require((*parsed)[i].name == headers[i].name);
    Require(nulls[i] == !headers[i].has_value);
    if (headers[i].has_value) Require((*parsed)[i].value == headers[i].value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    // Headers from bytes: fields separated by 0xff 0x00; "name" "value" pairs, a
    // value of the single byte 0xfe is a null value.
    std::vector<std::string_view> fields;
    constexpr std::string_view kSeparator("\xff\x00", 2);
    size_t begin = 0;
    while (true) {
      const size_t end = rest.find(kSeparator, begin);
      fields.push_back(rest.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
      if (end == std::string_view::npos) break;
      begin = end + kSeparator.size();
    }
    std::vector<jsm::kafka::HeaderView> headers;
    for (size_t i = 0; i < fields.size(); i += 2) {
      jsm::kafka::HeaderView header;
      header.name = fields[i];
      if (i + 1 < fields.size() && fields[i + 1] != "\xfe") header.value = fields[i + 1];
      else header.has_value = false;
      headers.push_back(header);
    }
    RequireRoundTrip(headers);
    return 0;
  }
  std::vector<bool> nulls;
  auto parsed = jsm::pipeline::ParseHeadersJson(rest, &nulls);
  if (!parsed) {
    Require(parsed.error().code() == jsm::ErrorCode::kInvalidArgument);
    return 0;
  }
  Require(nulls.size() == parsed->size());
  std::vector<jsm::kafka::HeaderView> views;
  for (size_t i = 0; i < parsed->size(); ++i) {
    views.push_back({(*parsed)[i].name, (*parsed)[i].value, !nulls[i]});
  }
  RequireRoundTrip(views);
  return 0;
}
