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
  l.original_topic = "pedidos";
  l.original_partition = 4;
  l.original_offset = 901;
  l.original_timestamp_ms = 1764000000123;
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

TEST(DeadLetterLineage, ReplayHeadersKeepWhereTheEventFirstArrived) {
  const ReplayLineage lineage = ParseReplayLineage(ReplayHeaders(Stored(), 2, 1795514500000));
  EXPECT_EQ(lineage.original_topic, "pedidos");
  EXPECT_EQ(lineage.original_partition, 4);
  EXPECT_EQ(lineage.original_offset, 901);
  EXPECT_EQ(lineage.original_timestamp_ms, 1764000000123);
  EXPECT_EQ(lineage.replayed_at, "2026-11-24T10:01:40.000Z");
  EXPECT_EQ(lineage.previous_reason, "wrong_type");
  StoredDeadLetter unknown = Stored();
  unknown.original_partition = -1;  // a letter whose contract headers were unreadable names no origin
  EXPECT_EQ(FindHeader(ReplayHeaders(unknown, 2, 0), "dlq.original.topic"), nullptr);
}

TEST(DeadLetterLineage, ALetterOfAFailedReplayCarriesOriginAndReplayHeaders) {
  const ReplayLineage lineage = ParseReplayLineage(ReplayHeaders(Stored(), 2, 1795514500000));
  DeadLetter letter;  // what refine reads from bronze: the replay's own coordinates
  letter.reason = "wrong_type";
  letter.stage = "refine";
  letter.original_topic = "pedidos";
  letter.original_partition = 1;
  letter.original_offset = 5000;
  CarryLineage(lineage, &letter);
  const std::vector<Header> headers = DeadLetterHeaders(letter, "0.1.0", 1795514600000);
  EXPECT_EQ(FindHeader(headers, "dlq.attempts")->value, "2");
  EXPECT_EQ(FindHeader(headers, "dlq.first_failed_at")->value, "2026-11-24T10:00:00.123Z");
  EXPECT_EQ(FindHeader(headers, "dlq.original.partition")->value, "4");
  EXPECT_EQ(FindHeader(headers, "dlq.original.offset")->value, "901");
  EXPECT_EQ(FindHeader(headers, "dlq.original.timestamp")->value, "1764000000123");
  EXPECT_EQ(FindHeader(headers, "dlq.replayed_from")->value, "pedidos.dlq 0@17");
  EXPECT_EQ(FindHeader(headers, "dlq.replayed_at")->value, "2026-11-24T10:01:40.000Z");
  EXPECT_EQ(FindHeader(headers, "dlq.previous_reason")->value, "wrong_type");
  // The contract's eleven headers come first, in order; the replay headers after them.
  EXPECT_EQ(headers[10].name, "dlq.pipeline_version");
  EXPECT_EQ(headers.size(), 14u);

  // Read back as a stored letter, it counts itself: no look-up of the replayed message needed.
  StoredDeadLetter stored;
  stored.headers = headers;
  DecodeDeadLetterHeaders(&stored);
  EXPECT_EQ(stored.attempts, 2);
  EXPECT_EQ(stored.original_offset, 901);
  EXPECT_TRUE(stored.problems.empty());
}

std::unique_ptr<LineageSigner> TestSigner() {
  auto signer = LineageSigner::Create("0123456789abcdef");
  EXPECT_TRUE(signer);
  return std::move(*signer);
}

TEST(DeadLetterLineage, ASignedReplaysLineageIsBelieved) {
  const SignedMessage message{"pedidos", true, "581476", true, R"({"Quantity":"text2"})"};
  std::vector<Header> headers = ReplayHeaders(Stored(), 2, 1795514500000);
  const std::unique_ptr<LineageSigner> signer = TestSigner();
  signer->AddSignature(&headers, message);
  LineageTrust trust = LineageTrust::kNone;
  const ReplayLineage lineage = TrustedReplayLineage(headers, message, signer.get(), &trust);
  EXPECT_EQ(trust, LineageTrust::kVerified);
  EXPECT_EQ(lineage.attempts, 2);
  EXPECT_EQ(lineage.original_offset, 901);
  EXPECT_EQ(lineage.first_failed_at_ms, 1795514400123);
}

TEST(DeadLetterLineage, ForgedLineageHeadersAreIgnored) {
  // What any producer can write: believed before, it sent the letter to payments.dlq with attempts 999.
  const std::vector<Header> forged = {{"dlq.original.topic", "payments"},
                                      {"dlq.original.partition", "0"},
                                      {"dlq.original.offset", "0"},
                                      {"dlq.attempts", "999"},
                                      {"dlq.first_failed_at", "1999-01-01T00:00:00.000Z"},
                                      {"dlq.replayed_from", "payments.dlq 0@0"}};
  ASSERT_TRUE(ParseReplayLineage(forged).is_replay());  // the headers themselves parse as lineage
  const SignedMessage message{"pedidos", true, "581476", true, "{}"};
  const std::unique_ptr<LineageSigner> signer = TestSigner();
  LineageTrust trust = LineageTrust::kNone;
  ReplayLineage lineage = TrustedReplayLineage(forged, message, signer.get(), &trust);
  EXPECT_EQ(trust, LineageTrust::kUnsigned);
  EXPECT_FALSE(lineage.is_replay());

  DeadLetter letter;  // refine's letter of that message: a first failure at the real coordinates
  letter.original_topic = "pedidos";
  letter.original_partition = 2;
  letter.original_offset = 77;
  CarryLineage(lineage, &letter);
  EXPECT_EQ(letter.attempts, 1);
  EXPECT_EQ(letter.original_topic, "pedidos");
  EXPECT_EQ(letter.original_offset, 77);
  EXPECT_EQ(letter.first_failed_at_ms, 0);
  EXPECT_TRUE(letter.replayed_from.empty());

  std::vector<Header> with_copied_signature = forged;  // a genuine signature from another message
  std::vector<Header> genuine = ReplayHeaders(Stored(), 2, 0);
  signer->AddSignature(&genuine, SignedMessage{"pedidos", true, "other", true, "{}"});
  with_copied_signature.push_back(*FindHeader(genuine, "dlq.signature"));
  EXPECT_FALSE(TrustedReplayLineage(with_copied_signature, message, signer.get(), &trust).is_replay());
  EXPECT_EQ(trust, LineageTrust::kBadSignature);
  genuine.pop_back();
  genuine.push_back(with_copied_signature.back());
  EXPECT_FALSE(TrustedReplayLineage(genuine, message, signer.get(), &trust).is_replay()) << "bound to its message";
}

TEST(DeadLetterLineage, WithoutAKeyNothingIsBelieved) {
  std::vector<Header> headers = ReplayHeaders(Stored(), 2, 0);
  const SignedMessage message{"pedidos", true, "k", true, "v"};
  LineageTrust trust = LineageTrust::kVerified;
  EXPECT_FALSE(TrustedReplayLineage(headers, message, nullptr, &trust).is_replay());
  EXPECT_EQ(trust, LineageTrust::kUnsigned);
  TestSigner()->AddSignature(&headers, message);
  EXPECT_FALSE(TrustedReplayLineage(headers, message, nullptr, &trust).is_replay());
  EXPECT_EQ(trust, LineageTrust::kBadSignature);
  EXPECT_FALSE(TrustedReplayLineage({{"trace", "x"}}, message, nullptr, &trust).is_replay());
  EXPECT_EQ(trust, LineageTrust::kNone);
}

}  // namespace
}  // namespace jsm::kafka
