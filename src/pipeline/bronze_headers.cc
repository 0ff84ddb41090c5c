#include "pipeline/bronze_headers.h"

#include <simdjson.h>

#include "delta/json_writer.h"
#include "storage/base64.h"

namespace jsm::pipeline {

void AppendHeadersJson(const std::vector<kafka::HeaderView>& headers, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const kafka::HeaderView& header : headers) {
    if (!first) out->push_back(',');
    first = false;
    if (simdjson::validate_utf8(header.name.data(), header.name.size())) {
      out->append(R"({"key":)");
      delta::AppendJsonString(header.name, out);
    } else {
      // Kafka header names are strings, but librdkafka lets a client send any bytes.
      out->append(R"({"key_base64":)");
      delta::AppendJsonString(storage::Base64Encode(header.name), out);
    }
    if (!header.has_value) {
      out->append(R"(,"value":null})");
    } else if (simdjson::validate_utf8(header.value.data(), header.value.size())) {
      out->append(R"(,"value":)");
      delta::AppendJsonString(header.value, out);
      out->push_back('}');
    } else {
      out->append(R"(,"value_base64":)");
      delta::AppendJsonString(storage::Base64Encode(header.value), out);
      out->push_back('}');
    }
  }
  out->push_back(']');
}

Result<std::vector<kafka::Header>> ParseHeadersJson(std::string_view json, std::vector<bool>* null_values) {
  auto invalid = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, "bronze headers are not a JSON array of {key, value}: " +
                                                      std::string(why));
  };
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return invalid("not JSON");
  simdjson::dom::array entries;
  if (root.get_array().get(entries) != simdjson::SUCCESS) return invalid("not an array");
  std::vector<kafka::Header> headers;
  if (null_values != nullptr) null_values->clear();
  for (simdjson::dom::element entry : entries) {
    simdjson::dom::object object;
    if (entry.get_object().get(object) != simdjson::SUCCESS) return invalid("an entry is not an object");
    kafka::Header& header = headers.emplace_back();
    std::string_view key;
    if (object["key"].get_string().get(key) == simdjson::SUCCESS) {
      header.name = std::string(key);
    } else if (object["key_base64"].get_string().get(key) == simdjson::SUCCESS) {
      JSM_ASSIGN_OR_RETURN(header.name, storage::Base64Decode(key));
    } else {
      return invalid("an entry has no string key");
    }
    bool is_null = false;
    simdjson::dom::element value;
    if (object["value"].get(value) == simdjson::SUCCESS) {
      if (value.is_null()) {
        is_null = true;
      } else {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS) return invalid("a value is not a string");
        header.value = std::string(text);
      }
    } else {
      std::string_view encoded;
      if (object["value_base64"].get_string().get(encoded) != simdjson::SUCCESS) {
        return invalid("an entry has neither value nor value_base64");
      }
      JSM_ASSIGN_OR_RETURN(header.value, storage::Base64Decode(encoded));
    }
    if (null_values != nullptr) null_values->push_back(is_null);
  }
  return headers;
}

}  // namespace jsm::pipeline
