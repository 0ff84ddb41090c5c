#pragma once
/// Deciding, letter by letter, what `jsm dlq replay` and `jsm dlq discard` do:
/// replay (with --set applied and attempts + 1), park (attempts reached
/// max_attempts), discard, or skip with a reason (a --set on a value that is not
/// a JSON object). Pure: no broker, no storage.

#include <string>
#include <vector>

#include "kafka/dead_letter_reader.h"
#include "pipeline/dlq_journal.h"
#include "pipeline/dlq_value_edit.h"

namespace jsm::pipeline {

/// What to do with one letter.
struct DlqDecision {
  enum class Kind { kReplay, kPark, kDiscard, kSkip };
  Kind kind = Kind::kSkip;
  const kafka::StoredDeadLetter* letter = nullptr;
  int attempts = 0;      ///< the letter's attempts so far
  int next_attempt = 0;  ///< kReplay: the replayed message's dlq.attempts
  bool has_key = false;  ///< kReplay: the key to publish with
  std::string key;
  bool has_value = true;  ///< kReplay: false to publish a null value (the letter of a tombstone)
  std::string value;      ///< kReplay: the value to publish (with --set applied)
  std::string note;   ///< kSkip: why; kPark: why
};

/// "replay", "park", "discard" or "skip".
const char* DlqDecisionName(DlqDecision::Kind kind);

/// Replay decisions for `letters` (already selected and not yet handled): a
/// letter whose attempts reached `max_attempts` is parked; otherwise its value
/// gets `sets` (a non-object value with sets given is skipped with the reason)
/// and is replayed as attempt attempts + 1. Setting TransactionNo also sets the key.
std::vector<DlqDecision> PlanReplay(const std::vector<const kafka::StoredDeadLetter*>& letters,
                                    const std::vector<FieldAssignment>& sets, int max_attempts);

/// Discard decisions for `letters`.
std::vector<DlqDecision> PlanDiscard(const std::vector<const kafka::StoredDeadLetter*>& letters);

/// The journal actions of the decisions that change something (skips are left out).
std::vector<DlqAction> ActionsOf(const std::vector<DlqDecision>& decisions, const std::string& main_topic);

}  // namespace jsm::pipeline
