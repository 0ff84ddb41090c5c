#pragma once
/// Table properties (metaData.configuration) we honour: delta.appendOnly,
/// delta.checkpointInterval, delta.deletedFileRetentionDuration and
/// delta.logRetentionDuration ("interval 7 days" syntax), and setting them.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/table.h"

namespace jsm::delta {

inline constexpr int64_t kMillisPerHour = 3'600'000;
inline constexpr int64_t kMillisPerDay = 24 * kMillisPerHour;

/// The properties of a table, defaults filled in.
struct TableProperties {
  bool append_only = false;                              ///< delta.appendOnly
  int64_t checkpoint_interval = 10;                      ///< delta.checkpointInterval
  int64_t deleted_file_retention_ms = 7 * kMillisPerDay;  ///< delta.deletedFileRetentionDuration
  int64_t log_retention_ms = 30 * kMillisPerDay;          ///< delta.logRetentionDuration
};

/// Milliseconds of a duration "interval 7 days", "7 days", "interval 1 hour",
/// "interval 2 weeks", "30 minutes" (units: milliseconds to weeks, singular or plural).
Result<int64_t> ParseIntervalMillis(std::string_view text);

/// The properties of `metadata`, kInvalidArgument naming the property on a bad value.
Result<TableProperties> ReadTableProperties(const Metadata& metadata);

/// Sets `properties` on `table` in one commit (a metaData action, operation
/// "SET TBLPROPERTIES"); values are validated first, and delta.* properties that
/// need features we do not implement are kUnsupported. Returns the version.
Result<int64_t> SetTableProperties(DeltaTable* table, const std::map<std::string, std::string>& properties);

}  // namespace jsm::delta
