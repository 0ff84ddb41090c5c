#pragma once
/// One `jsm dlq` command's view of the dead-letter queue: every letter of
/// `<topic>.dlq` up to the high watermarks seen at the start, which of them the
/// journal says are already handled, their attempts counted through replay
/// lineage, and carrying out replay/park/discard decisions.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/dead_letter_reader.h"
#include "pipeline/dlq_replay_plan.h"
#include "pipeline/dlq_selection.h"
#include "pipeline/dlq_signing_key.h"
#include "pipeline/pipeline_options.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Counts of what Execute did.
struct DlqExecution {
  int64_t replayed = 0;
  int64_t parked = 0;
  int64_t discarded = 0;
  int64_t skipped = 0;
  int64_t parked_version = -1;  ///< version of `_system/dlq_parked` written, -1 if none
  /// Set when group `jsm-dlq`'s offsets could not be committed: only lag tools
  /// miss them (the journal is the record), so the work done stands.
  std::string offsets_warning;
};

/// The dead-letter queue of `options.topic`, read once at Open.
class DlqSession {
 public:
  /// Reads all letters and the journal. `timeout_ms` bounds each broker call.
  static Result<std::unique_ptr<DlqSession>> Open(storage::ObjectStore* store, const PipelineOptions& options,
                                                  int timeout_ms = 30000);

  const std::string& cluster_id() const { return cluster_id_; }
  const std::string& dlq_topic() const { return dlq_topic_; }
  /// Every letter read, in partition and offset order.
  const std::vector<kafka::StoredDeadLetter>& letters() const { return letters_; }
  /// True if the journal records letter `index` as replayed, discarded or parked.
  bool handled(size_t index) const { return !handled_[index].empty(); }
  /// What was done to letter `index` ("replay", "discard", "park"), "" if it is pending.
  const std::string& handled_as(size_t index) const { return handled_[index]; }

  /// The letters matching `filter` (all, or only those not yet handled), with their
  /// attempts and first failure time completed from the lineage headers of the
  /// message they were dead-lettered from (see kafka/dead_letter_lineage.h).
  Result<std::vector<const kafka::StoredDeadLetter*>> Select(const DlqFilter& filter, bool include_handled);

  /// Carries out `decisions`: replays are produced to the main topic and
  /// flushed, parks appended to `_system/dlq_parked`, then every replay, park
  /// and discard recorded in `_system/event_log`, then group `jsm-dlq`'s offsets
  /// committed up to the first letter not yet handled (for lag tools; a failed
  /// commit is reported in `offsets_warning`, not as an error).
  Result<DlqExecution> Execute(const std::vector<DlqDecision>& decisions);

 private:
  DlqSession() = default;
  Status MarkHandledAndCommitOffsets(const std::vector<DlqAction>& actions);

  storage::ObjectStore* store_ = nullptr;
  PipelineOptions options_;
  std::unique_ptr<kafka::DeadLetterReader> reader_;
  std::unique_ptr<DlqSigningKey> signing_key_;  ///< signs replays, verifies lineage read from the main topic
  std::string cluster_id_;
  std::string dlq_topic_;
  std::vector<kafka::StoredDeadLetter> letters_;
  std::vector<std::string> handled_;  ///< per letter: the action that handled it, "" if pending
  std::vector<bool> lineage_resolved_;
};

}  // namespace jsm::pipeline
