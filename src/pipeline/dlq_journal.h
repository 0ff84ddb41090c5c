#pragma once
/// What `jsm dlq` has done with dead letters, kept in the lakehouse so that no
/// letter is replayed, discarded or parked twice and nothing happens silently:
/// one `_system/event_log` row per handled letter (stage "dlq"), and parked
/// letters appended to the Delta table `_system/dlq_parked` for a person.
/// A letter is identified by "<dlq topic> <partition>@<offset> cluster=<id>".

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "kafka/dead_letter_reader.h"
#include "pipeline/pipeline_options.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

inline constexpr const char* kDlqParkedTable = "_system/dlq_parked";

/// Columns of `_system/dlq_parked`.
const Schema& DlqParkedSchema();

/// What happened to a letter.
enum class DlqActionKind { kReplay, kDiscard, kPark };

/// "replay", "discard" or "park".
std::string_view DlqActionName(DlqActionKind kind);

/// One handled letter, as recorded.
struct DlqAction {
  DlqActionKind kind = DlqActionKind::kReplay;
  const kafka::StoredDeadLetter* letter = nullptr;
  int attempts = 0;    ///< the letter's attempts (after lineage)
  std::string target;  ///< replay: the topic it went to
};

/// The identity of `letter` in the journal: "<Id()> cluster=<cluster_id>".
std::string DlqLetterKey(const kafka::StoredDeadLetter& letter, std::string_view cluster_id);

/// Every letter already replayed, discarded or parked: its key (DlqLetterKey) ->
/// what was done ("replay", "discard", "park"), from the event log's "dlq" rows
/// and the parked table. Empty if neither table exists.
Result<std::map<std::string, std::string>> ReadHandledLetters(storage::ObjectStore* store);

/// Appends `parks` to `_system/dlq_parked` in one commit (created if absent);
/// returns the table version, or -1 if there was nothing to park.
Result<int64_t> ParkLetters(storage::ObjectStore* store, const PipelineOptions& options,
                            const std::vector<DlqAction>& parks, std::string_view cluster_id, int64_t now_us);

/// Appends one event-log row per action in one commit: stage "dlq", batch_id
/// "dlq-<action>-<run_id>", target_table the topic (replay), `_system/dlq_parked`
/// (park) or "-" (discard), target_version the parked table's version for parks,
/// source_range the letter key, rows_in 1, rows_out 1 (0 for a discard),
/// dead_letters 1, action the action's name.
Status RecordDlqActions(storage::ObjectStore* store, const PipelineOptions& options,
                        const std::vector<DlqAction>& actions, std::string_view cluster_id,
                        std::string_view run_id, int64_t parked_version, int64_t now_us);

}  // namespace jsm::pipeline
