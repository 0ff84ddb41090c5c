#include "pipeline/dlq_selection.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

kafka::StoredDeadLetter Letter(std::string reason, int64_t failed_at_ms, int64_t timestamp_ms = 0) {
  kafka::StoredDeadLetter l;
  l.reason = std::move(reason);
  l.failed_at_ms = failed_at_ms;
  l.timestamp_ms = timestamp_ms;
  return l;
}

TEST(DlqFilter, EmptyFilterSelectsEverything) { EXPECT_TRUE(MatchesFilter(Letter("not_json", -1), {})); }

TEST(DlqFilter, ReasonMustMatchExactly) {
  DlqFilter filter;
  filter.reason = "wrong_type";
  EXPECT_TRUE(MatchesFilter(Letter("wrong_type", 5), filter));
  EXPECT_FALSE(MatchesFilter(Letter("not_json", 5), filter));
  EXPECT_FALSE(MatchesFilter(Letter("wrong_type_x", 5), filter));
}

TEST(DlqFilter, SinceComparesTheFailureTimeOrElseTheKafkaTimestamp) {
  DlqFilter filter;
  filter.since_ms = 1000;
  EXPECT_TRUE(MatchesFilter(Letter("r", 1000), filter));
  EXPECT_FALSE(MatchesFilter(Letter("r", 999), filter));
  EXPECT_TRUE(MatchesFilter(Letter("r", -1, 2000), filter));
  EXPECT_FALSE(MatchesFilter(Letter("r", -1, 10), filter));
}

}  // namespace
}  // namespace jsm::pipeline
