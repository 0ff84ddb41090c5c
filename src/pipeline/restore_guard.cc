#include "pipeline/restore_guard.h"

#include "pipeline/aggregate_stage.h"
#include "pipeline/refine_stage.h"

namespace jsm::pipeline {
namespace {

constexpr std::string_view kIngestAppPrefix = "jsm-ingest/";

std::string At(const delta::Snapshot& snapshot, const char* app) {
  auto it = snapshot.app_versions.find(app);
  return it == snapshot.app_versions.end() ? std::string("none") : std::to_string(it->second);
}

}  // namespace

std::optional<std::string> PipelineRestoreRefusal(std::string_view table, const delta::Snapshot& current,
                                                  const delta::Snapshot& restored) {
  const std::string name(table);
  const std::string then = "version " + std::to_string(restored.version);
  if (current.app_versions.contains(kRefineAppId)) {
    const std::string bronze = At(restored, kRefineAppId);
    std::string text = name + " is written by the refine stage (txn " + kRefineAppId + " = bronze version " +
                       At(current, kRefineAppId) + "): a restore brings back its files, not how far refine has " +
                       "read, so it would stay behind bronze for ever. Rebuild silver and its quarantine from bronze " +
                       "instead: ";
    if (bronze == "none") {
      text += "`jsm run --from-bronze-version 0` rebuilds from the first bronze version and carries on";
    } else {
      text += "`jsm run --from-bronze-version " + bronze + "` (the bronze version " + name + " " + then +
              " had read) replaces both with bronze up to it under today's rules, recomputes gold, and carries " +
              "on after it (with --available-now it stops there)";
    }
    return text + " (docs/airflow.md, Backfill). --force restores the files anyway.";
  }
  if (current.app_versions.contains(kAggregateAppId)) {
    return name + " is written by the aggregate stage (txn " + kAggregateAppId + " = silver version " +
           At(current, kAggregateAppId) + "): a restore brings back its files, not how far aggregate has read, " +
           "so it would stay stale while the other gold tables are current. Recompute gold from silver instead: " +
           "`jsm run --full-refresh --available-now` (docs/airflow.md, Backfill). --force restores the files anyway.";
  }
  for (const auto& [app, version] : current.app_versions) {
    if (std::string_view(app).starts_with(kIngestAppPrefix)) {
      return name + " is written by the ingest stage (txn " + app + " = offset " + std::to_string(version) +
             "): it is the lossless copy of the topic, and a restore would drop messages ingest has already " +
             "read and will never read again. Rebuild what derives from it instead (`jsm run " +
             "--from-bronze-version V`). --force restores the files anyway, losing those messages.";
    }
  }
  return std::nullopt;
}

}  // namespace jsm::pipeline
