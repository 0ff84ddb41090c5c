#pragma once
/// Wall-clock helpers in the units our tables use.

#include <cstdint>
#include <string>

namespace jsm {

/// Microseconds since the Unix epoch, UTC.
int64_t NowMicros();
/// Milliseconds since the Unix epoch, UTC.
int64_t NowMillis();
/// Seconds on a monotonic clock, for measuring durations.
double MonotonicSeconds();
/// "YYYY-MM-DD" for a day number since 1970-01-01.
std::string FormatDate(int32_t days);
/// "YYYY-MM-DDTHH:MM:SS.ffffffZ" for microseconds since the epoch.
std::string FormatTimestampMicros(int64_t micros);
/// Day number since 1970-01-01 of a proleptic Gregorian date (no validation).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

}  // namespace jsm
