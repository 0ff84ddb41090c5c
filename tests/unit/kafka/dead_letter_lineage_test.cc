#include "kafka/dead_letter_lineage.h"

#include <gtest/gtest.h>

namespace jsm::kafka {
namespace {

StoredDeadLetter Stored() {
  StoredDeadLetter l;
  l.dlq_topic = "pedidos.dlq";
  l.partition = 0;
  l.offset = 17;
  l.reason = "wrong_type";
  l.attempts = 1;
  l.first_failed_at_ms = 1795514400123;  // 2026-11-24T10:00:00.123Z
  l.failed_at_ms = 1795514461005;
  return l;
}

TEST(DeadLetterLineage, ReplayHeadersCountTheAttemptAndNameTheLetter) {
  const std::vector<Header> headers = ReplayHeaders(Stored(), 2, 1795514500000);
  ASSERT_NE(FindHeader(headers, "dlq.attempts"), nullptr);
  EXPECT_EQ(FindHeader(headers, "dlq.attempts")->value, "2");
  EXPECT_EQ(FindHeader(headers, "dlq.first_failed_at")->value, "2026-11-24T10:00:00.123Z");
  EXPECT_EQ(FindHeader(headers, "dlq.replayed_from")->value, "pedidos.dlq 0@17");
  EXPECT_EQ(FindHeader(headers, "dlq.replayed_at")->value, "2026-11-24T10:01:40.000Z");
  EXPECT_EQ(FindHeader(headers, "dlq.previous_reason")->value, "wrong_type");
}

TEST(DeadLetterLineage, FirstFailureFallsBackToTheLettersFailureTime) {
  StoredDeadLetter l = Stored();
  l.first_failed_at_ms = -1;
  EXPECT_EQ(FindHeader(ReplayHeaders(l, 2, 0), "dlq.first_failed_at")->value, "2026-11-24T10:01:01.005Z");
}

TEST(DeadLetterLineage, ParsesWhatReplayHeadersWrite) {
  const ReplayLineage lineage = ParseReplayLineage(ReplayHeaders(Stored(), 3, 1795514500000));
  EXPECT_TRUE(lineage.is_replay());
  EXPECT_EQ(lineage.attempts, 3);
  EXPECT_EQ(lineage.first_failed_at_ms, 1795514400123);
  EXPECT_EQ(lineage.replayed_from, "pedidos.dlq 0@17");
}

TEST(DeadLetterLineage, AMessageWithoutLineageIsNoReplay) {
  EXPECT_FALSE(ParseReplayLineage({}).is_replay());
  EXPECT_FALSE(ParseReplayLineage({{"dlq.attempts", "zero"}}).is_replay());
  EXPECT_FALSE(ParseReplayLineage({{"dlq.attempts", "0"}}).is_replay());
}

TEST(DeadLetterLineage, CarryingKeepsCountingAttemptsAndTheFirstFailure) {
  ReplayLineage lineage;
  lineage.attempts = 2;
  lineage.first_failed_at_ms = 1000;
  DeadLetter fresh;  // what refine writes for a replayed message: attempts 1, first failure now
  CarryLineage(lineage, &fresh);
  EXPECT_EQ(fresh.attempts, 2);
  EXPECT_EQ(fresh.first_failed_at_ms, 1000);

  StoredDeadLetter stored = Stored();
  CarryLineage(lineage, &stored);
  EXPECT_EQ(stored.attempts, 2);
  EXPECT_EQ(stored.first_failed_at_ms, 1000);
  stored.attempts = 5;  // a producer that carried the lineage itself keeps its own count
  CarryLineage(lineage, &stored);
  EXPECT_EQ(stored.attempts, 5);

  StoredDeadLetter untouched = Stored();
  CarryLineage(ReplayLineage{}, &untouched);
  EXPECT_EQ(untouched.attempts, 1);
  EXPECT_EQ(untouched.first_failed_at_ms, 1795514400123);
}

}  // namespace
}  // namespace jsm::kafka
