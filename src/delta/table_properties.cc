// Table properties: parsing, defaults and SET TBLPROPERTIES.

#include "delta/table_properties.h"

#include <cctype>
#include <charconv>
#include <set>

#include "delta/json_writer.h"

namespace jsm::delta {
namespace {

/// delta.* properties a writer of protocol (1, 2) may set; others need table features.
const std::set<std::string, std::less<>> kSupported = {
    "delta.appendOnly", "delta.checkpointInterval", "delta.deletedFileRetentionDuration",
    "delta.logRetentionDuration", "delta.dataSkippingNumIndexedCols", "delta.checkpoint.writeStatsAsJson",
    "delta.checkpoint.writeStatsAsStruct", "delta.enableExpiredLogCleanup"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<int64_t> ParseDuration(const Metadata& metadata, const std::string& key, int64_t fallback) {
  const auto it = metadata.configuration.find(key);
  if (it == metadata.configuration.end()) return fallback;
  auto ms = ParseIntervalMillis(it->second);
  if (!ms) return std::unexpected(ms.error().WithContext("table property " + key));
  return ms;
}

}  // namespace

Result<int64_t> ParseIntervalMillis(std::string_view text) {
  std::string s = Lower(text);
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  std::string_view rest = trim(s);
  if (rest.starts_with("interval")) rest = trim(rest.substr(8));
  int64_t amount = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), amount);
  if (ec != std::errc() || amount < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a duration like 'interval 7 days'");
  }
  std::string_view unit = trim(rest.substr(static_cast<size_t>(ptr - rest.data())));
  if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"millisecond", 1}, {"second", 1000}, {"minute", 60'000}, {"hour", kMillisPerHour},
      {"day", kMillisPerDay}, {"week", 7 * kMillisPerDay}};
  for (const auto& [name, millis] : kUnits) {
    if (unit == name) return amount * millis;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "'" + std::string(text) + "' has no known unit (milliseconds, seconds, minutes, hours, days, weeks)");
}

Result<TableProperties> ReadTableProperties(const Metadata& metadata) {
  TableProperties properties;
  if (const auto it = metadata.configuration.find("delta.appendOnly"); it != metadata.configuration.end()) {
    const std::string value = Lower(it->second);
    if (value != "true" && value != "false") {
      return MakeError(ErrorCode::kInvalidArgument, "table property delta.appendOnly is '" + it->second +
                                                        "', not true or false");
    }
    properties.append_only = value == "true";
  }
  if (const auto it = metadata.configuration.find("delta.checkpointInterval"); it != metadata.configuration.end()) {
    int64_t interval = 0;
    const std::string& v = it->second;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), interval);
    if (ec != std::errc() || ptr != v.data() + v.size() || interval <= 0) {
      return MakeError(ErrorCode::kInvalidArgument, "table property delta.checkpointInterval is '" + v +
                                                        "', not a positive integer");
    }
    properties.checkpoint_interval = interval;
  }
  JSM_ASSIGN_OR_RETURN(properties.deleted_file_retention_ms,
                       ParseDuration(metadata, "delta.deletedFileRetentionDuration", properties.deleted_file_retention_ms));
  JSM_ASSIGN_OR_RETURN(properties.log_retention_ms,
                       ParseDuration(metadata, "delta.logRetentionDuration", properties.log_retention_ms));
  return properties;
}

Result<int64_t> SetTableProperties(DeltaTable* table, const std::map<std::string, std::string>& properties) {
  Metadata metadata = table->snapshot().metadata;
  for (const auto& [key, value] : properties) {
    if (key.starts_with("delta.") && !kSupported.contains(key)) {
      return MakeError(ErrorCode::kUnsupported, "table property " + key + " of table " + table->Location() +
                                                    " needs a Delta table feature we do not implement");
    }
    metadata.configuration[key] = value;
  }
  {
    auto valid = ReadTableProperties(metadata);
    if (!valid) return std::unexpected(valid.error().WithContext("table " + table->Location()));
  }
  CommitInfo info;
  info.operation = "SET TBLPROPERTIES";
  JsonWriter json;
  json.BeginObject();
  for (const auto& [key, value] : properties) json.Member(key, std::string_view(value));
  json.EndObject();
  info.operation_parameters["properties"] = json.Take();
  return table->Commit({metadata}, std::move(info));
}

}  // namespace jsm::delta
