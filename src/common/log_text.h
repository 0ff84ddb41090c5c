#pragma once
/// The text form of a log line, for a person at a terminal (`--log-format text`).

#include <string>
#include <string_view>

namespace jsm {

/// Appends the text form of one log message to `out`. A message is what the code logs: a JSON
/// string, then `,"key":value` pairs (`"ingest starts","stage":"ingest","partitions":3`); its
/// text form is the message unquoted, then ` key=value` with each value as in JSON
/// (`ingest starts stage="ingest" partitions=3`). JSON escapes stay escaped, so no control byte
/// reaches the terminal; a message that does not have this shape is appended as it is.
void AppendLogText(std::string_view message, std::string* out);

}  // namespace jsm
