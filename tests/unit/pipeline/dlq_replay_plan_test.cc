#include "pipeline/dlq_replay_plan.h"

#include <gtest/gtest.h>

namespace jsm::pipeline {
namespace {

kafka::StoredDeadLetter Letter(std::string value, int attempts, int64_t offset) {
  kafka::StoredDeadLetter l;
  l.dlq_topic = "pedidos.dlq";
  l.offset = offset;
  l.has_key = true;
  l.key = "581482";
  l.has_value = true;
  l.value = std::move(value);
  l.attempts = attempts;
  return l;
}

std::vector<FieldAssignment> Sets(std::initializer_list<const char*> texts) {
  std::vector<FieldAssignment> out;
  for (const char* t : texts) out.push_back(*ParseFieldAssignment(t));
  return out;
}

TEST(PlanReplay, ReplaysUnchangedWithTheNextAttemptWhenNoSetIsGiven) {
  const auto l = Letter("{broken", 1, 0);
  const auto decisions = PlanReplay({&l}, {}, 3);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].kind, DlqDecision::Kind::kReplay);
  EXPECT_EQ(decisions[0].value, "{broken");
  EXPECT_EQ(decisions[0].next_attempt, 2);
  EXPECT_TRUE(decisions[0].has_key);
  EXPECT_EQ(decisions[0].key, "581482");
}

TEST(PlanReplay, AppliesSetsAndSkipsValuesThatAreNotObjects) {
  const auto fixable = Letter(R"({"Quantity":"three"})", 1, 0);
  const auto broken = Letter("{broken", 1, 1);
  const auto decisions = PlanReplay({&fixable, &broken}, Sets({"Quantity=3"}), 3);
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].kind, DlqDecision::Kind::kReplay);
  EXPECT_EQ(decisions[0].value, R"({"Quantity":3})");
  EXPECT_EQ(decisions[1].kind, DlqDecision::Kind::kSkip);
  EXPECT_NE(decisions[1].note.find("not JSON"), std::string::npos) << decisions[1].note;
}

TEST(PlanReplay, ParksALetterThatReachedMaxAttempts) {
  const auto tired = Letter(R"({"Quantity":"three"})", 3, 0);
  const auto fresh = Letter(R"({"Quantity":"three"})", 2, 1);
  const auto decisions = PlanReplay({&tired, &fresh}, Sets({"Quantity=3"}), 3);
  EXPECT_EQ(decisions[0].kind, DlqDecision::Kind::kPark);
  EXPECT_EQ(decisions[0].attempts, 3);
  EXPECT_EQ(decisions[1].kind, DlqDecision::Kind::kReplay);
  EXPECT_EQ(decisions[1].next_attempt, 3);
}

TEST(PlanReplay, SettingTheTransactionNoAlsoSetsTheKey) {
  auto l = Letter(R"({"Quantity":3})", 1, 0);
  l.has_key = false;
  const auto decisions = PlanReplay({&l}, Sets({"TransactionNo=\"536365\""}), 3);
  EXPECT_EQ(decisions[0].kind, DlqDecision::Kind::kReplay);
  EXPECT_TRUE(decisions[0].has_key);
  EXPECT_EQ(decisions[0].key, "536365");
}

TEST(PlanDiscard, DiscardsEverySelectedLetter) {
  const auto a = Letter("x", 1, 0);
  const auto b = Letter("y", 5, 1);
  const auto decisions = PlanDiscard({&a, &b});
  ASSERT_EQ(decisions.size(), 2u);
  for (const auto& d : decisions) EXPECT_EQ(d.kind, DlqDecision::Kind::kDiscard);
}

TEST(ActionsOf, LeavesSkipsOutAndNamesTheReplayTarget) {
  const auto fixable = Letter(R"({"Quantity":"three"})", 1, 0);
  const auto broken = Letter("{broken", 1, 1);
  const auto tired = Letter(R"({})", 4, 2);
  const auto actions = ActionsOf(PlanReplay({&fixable, &broken, &tired}, Sets({"Quantity=3"}), 3), "pedidos");
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, DlqActionKind::kReplay);
  EXPECT_EQ(actions[0].target, "pedidos");
  EXPECT_EQ(actions[1].kind, DlqActionKind::kPark);
  EXPECT_EQ(actions[1].letter, &tired);
}

}  // namespace
}  // namespace jsm::pipeline
