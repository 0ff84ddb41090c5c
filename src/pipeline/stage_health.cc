#include "pipeline/stage_health.h"

#include "common/clock.h"

namespace jsm::pipeline {

void StageHealth::Failing(std::string_view stage, const Error& error, int attempts) {
  std::lock_guard lock(mutex_);
  auto it = stages_.find(stage);
  if (it == stages_.end()) it = stages_.emplace(std::string(stage), StageHealthEntry{std::string(stage)}).first;
  StageHealthEntry& entry = it->second;
  if (!entry.failing) entry.failing_since_unix = static_cast<double>(NowMicros()) / 1e6;
  entry.failing = true;
  entry.attempts = attempts;
  entry.last_error = error.ToString();
}

void StageHealth::Healthy(std::string_view stage) {
  std::lock_guard lock(mutex_);
  auto it = stages_.find(stage);
  if (it == stages_.end()) it = stages_.emplace(std::string(stage), StageHealthEntry{std::string(stage)}).first;
  it->second = StageHealthEntry{std::string(stage)};
}

std::vector<StageHealthEntry> StageHealth::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<StageHealthEntry> out;
  out.reserve(stages_.size());
  for (const auto& [name, entry] : stages_) out.push_back(entry);
  return out;
}

}  // namespace jsm::pipeline
