#include "pipeline/dlq_replay_plan.h"

namespace jsm::pipeline {

const char* DlqDecisionName(DlqDecision::Kind kind) {
  switch (kind) {
    case DlqDecision::Kind::kReplay:
      return "replay";
    case DlqDecision::Kind::kPark:
      return "park";
    case DlqDecision::Kind::kDiscard:
      return "discard";
    case DlqDecision::Kind::kSkip:
      return "skip";
  }
  return "unknown";
}

std::vector<DlqDecision> PlanReplay(const std::vector<const kafka::StoredDeadLetter*>& letters,
                                    const std::vector<FieldAssignment>& sets, int max_attempts) {
  std::vector<DlqDecision> decisions;
  decisions.reserve(letters.size());
  for (const kafka::StoredDeadLetter* letter : letters) {
    DlqDecision& d = decisions.emplace_back();
    d.letter = letter;
    d.attempts = letter->attempts;
    if (letter->attempts >= max_attempts) {
      d.kind = DlqDecision::Kind::kPark;
      d.note = "failed " + std::to_string(letter->attempts) + " time(s), max_attempts is " +
               std::to_string(max_attempts);
      continue;
    }
    d.has_key = letter->has_key;
    d.key = letter->key;
    if (sets.empty()) {
      d.has_value = letter->has_value;
      d.value = letter->value;
    } else {
      if (!letter->has_value) {
        d.kind = DlqDecision::Kind::kSkip;
        d.note = "--set given but the value is null";
        continue;
      }
      Result<std::string> edited = ApplyFieldAssignments(letter->value, sets);
      if (!edited) {
        d.kind = DlqDecision::Kind::kSkip;
        d.note = "--set given but " + edited.error().message();
        continue;
      }
      d.value = std::move(*edited);
      for (const FieldAssignment& set : sets) {
        if (set.field == "TransactionNo") {
          d.has_key = true;
          d.key = KeyTextOfJson(set.json);
        }
      }
    }
    d.kind = DlqDecision::Kind::kReplay;
    d.next_attempt = letter->attempts + 1;
  }
  return decisions;
}

std::vector<DlqDecision> PlanDiscard(const std::vector<const kafka::StoredDeadLetter*>& letters) {
  std::vector<DlqDecision> decisions;
  decisions.reserve(letters.size());
  for (const kafka::StoredDeadLetter* letter : letters) {
    DlqDecision& d = decisions.emplace_back();
    d.kind = DlqDecision::Kind::kDiscard;
    d.letter = letter;
    d.attempts = letter->attempts;
  }
  return decisions;
}

std::vector<DlqAction> ActionsOf(const std::vector<DlqDecision>& decisions, const std::string& main_topic) {
  std::vector<DlqAction> actions;
  for (const DlqDecision& d : decisions) {
    DlqAction action;
    action.letter = d.letter;
    action.attempts = d.attempts;
    switch (d.kind) {
      case DlqDecision::Kind::kReplay:
        action.kind = DlqActionKind::kReplay;
        action.target = main_topic;
        break;
      case DlqDecision::Kind::kPark:
        action.kind = DlqActionKind::kPark;
        break;
      case DlqDecision::Kind::kDiscard:
        action.kind = DlqActionKind::kDiscard;
        break;
      case DlqDecision::Kind::kSkip:
        continue;
    }
    actions.push_back(std::move(action));
  }
  return actions;
}

}  // namespace jsm::pipeline
