#pragma once
/// Lineage of replayed dead letters: the headers `jsm dlq replay` puts on a
/// letter it re-publishes to the main topic, and reading them back, so that
/// the next dead-lettering of the same event keeps counting attempts and
/// keeps its first failure time.

#include <cstdint>
#include <string>
#include <vector>

#include "kafka/dead_letter.h"
#include "kafka/dead_letter_reader.h"
#include "kafka/dead_letter_signature.h"

namespace jsm::kafka {

/// What a replayed message says about its past.
struct ReplayLineage {
  int attempts = 0;                 ///< dlq.attempts of the replayed message; 0 = not a replay
  int64_t first_failed_at_ms = -1;  ///< dlq.first_failed_at, -1 if absent
  std::string replayed_from;        ///< dlq.replayed_from, e.g. "pedidos.dlq 0@17"
  std::string replayed_at;          ///< dlq.replayed_at, as sent
  std::string previous_reason;      ///< dlq.previous_reason
  /// dlq.original.* of the replayed letter: where the event first arrived ("" / -1 when absent).
  std::string original_topic;
  int32_t original_partition = -1;
  int64_t original_offset = -1;
  int64_t original_timestamp_ms = -1;
  bool is_replay() const { return attempts > 0; }
};

/// Headers of `letter` re-published as attempt `attempt` at `now_ms`:
/// dlq.attempts, dlq.first_failed_at (the letter's, else its failed_at),
/// dlq.replayed_from (the letter's Id()), dlq.replayed_at, dlq.previous_reason,
/// and the letter's dlq.original.{topic,partition,offset,timestamp} (when it has them),
/// so that a new failure of the replay still names where the event first arrived.
std::vector<Header> ReplayHeaders(const StoredDeadLetter& letter, int attempt, int64_t now_ms);

/// The lineage in a main-topic message's headers (attempts 0 when it was never replayed).
/// Believes the headers: use TrustedReplayLineage for a message from outside.
ReplayLineage ParseReplayLineage(const std::vector<Header>& headers);

/// True when some header's name starts with "dlq.".
bool HasDeadLetterHeaders(const std::vector<Header>& headers);

/// The lineage of `message` (which carries `headers`) when `signer` verifies it
/// (LineageSigner::Verify), else none (attempts 0): unsigned, badly signed or
/// ambiguous dlq.* headers are ignored. `signer` null means no key exists yet, so
/// nothing can have been signed. `*trust` (when given) says which case it was.
ReplayLineage TrustedReplayLineage(const std::vector<Header>& headers, const SignedMessage& message,
                                   const LineageSigner* signer, LineageTrust* trust = nullptr);

/// Counts a new failure of a replayed message: the letter's attempts become the
/// replay's attempt number (the previous letter's + 1), its first failure time and
/// original coordinates the original ones, and it gets the replay headers
/// (dlq.replayed_from, dlq.replayed_at, dlq.previous_reason). The letter then views
/// strings of `lineage`, which must outlive its sending.
void CarryLineage(const ReplayLineage& lineage, DeadLetter* letter);

/// Same for a letter read back whose producer did not carry the lineage: attempts
/// become max(own, lineage's), first_failed_at the lineage's when it has one.
void CarryLineage(const ReplayLineage& lineage, StoredDeadLetter* letter);

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" of milliseconds since the epoch, as in the header contract.
std::string FormatDeadLetterTime(int64_t millis);

}  // namespace jsm::kafka
