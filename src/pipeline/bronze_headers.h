#pragma once
/// The `headers` column of bronze/pedidos: a Kafka message's headers, kept
/// lossless as JSON text, in order and with repeats, e.g.
/// `[{"key":"dlq.attempts","value":"2"},{"key":"trace","value":null}]`.
/// A value that is not valid UTF-8 is written as `"value_base64":"..."` instead
/// of `"value"` (a name that is not, as `"key_base64"`). A message without headers has a null column. Why JSON text and
/// not a Delta map or array of structs: docs/kafka.md, "Headers in bronze".

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

namespace jsm::pipeline {

/// Appends the JSON text of `headers` to `out` (not cleared). Allocates only
/// when `out` grows or a value is not UTF-8.
void AppendHeadersJson(const std::vector<kafka::HeaderView>& headers, std::string* out);

/// The headers written by AppendHeadersJson, in order (a null value reads back as ""
/// with has_value false in `null_values`, when given). Anything else is kInvalidArgument.
Result<std::vector<kafka::Header>> ParseHeadersJson(std::string_view json, std::vector<bool>* null_values = nullptr);

}  // namespace jsm::pipeline
