#pragma once
/// Which tables a plain RESTORE would leave behind for ever: a table a pipeline stage writes
/// records in its `txn` how far that stage has read its source, and RESTORE brings back files,
/// not that position, so the stage would never re-derive what the restore removed (silver
/// short of bronze, a stale gold table). `jsm table restore` refuses those tables with the
/// command that does the right thing (docs/delta.md, Restore and the pipeline).

#include <optional>
#include <string>
#include <string_view>

#include "delta/table.h"

namespace jsm::pipeline {

/// Why restoring `table` (its path in the lakehouse) from `current` to the state `restored`
/// would leave a pipeline stage behind, and what to run instead; nothing if no stage's txn
/// is in `current` (a table no stage writes restores as usual).
std::optional<std::string> PipelineRestoreRefusal(std::string_view table, const delta::Snapshot& current,
                                                  const delta::Snapshot& restored);

}  // namespace jsm::pipeline
