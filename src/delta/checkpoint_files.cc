// Checkpoint file names of every kind, and the choice of the checkpoint a reader starts from.

#include "delta/checkpoint_files.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "delta/checkpoint.h"

namespace jsm::delta {
namespace {

constexpr std::string_view kLastCheckpoint = "_last_checkpoint";
constexpr std::string_view kInfix = ".checkpoint.";

/// `text` as a non-negative decimal of exactly `digits` digits, or -1.
int64_t FixedDigits(std::string_view text, size_t digits) {
  if (text.size() != digits) return -1;
  int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// A UUID as the protocol writes it: 8-4-4-4-12 hex digits.
bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

int Preference(CheckpointKind kind) {
  switch (kind) {
    case CheckpointKind::kClassic: return 0;
    case CheckpointKind::kUuid: return 1;
    case CheckpointKind::kMultiPart: return 2;
  }
  return 3;
}

}  // namespace

std::optional<CheckpointName> ParseCheckpointName(std::string_view name) {
  if (name.size() < 20 + kInfix.size() || name.substr(20, kInfix.size()) != kInfix) return std::nullopt;
  CheckpointName parsed;
  parsed.version = FixedDigits(name.substr(0, 20), 20);
  if (parsed.version < 0) return std::nullopt;
  const std::string_view rest = name.substr(20 + kInfix.size());  // after "<v>.checkpoint."
  if (rest == "parquet") return parsed;
  // Multi-part: "<o:10>.<p:10>.parquet".
  if (rest.size() == 10 + 1 + 10 + 8 && rest[10] == '.' && rest.ends_with(".parquet")) {
    const int64_t part = FixedDigits(rest.substr(0, 10), 10);
    const int64_t parts = FixedDigits(rest.substr(11, 10), 10);
    if (part < 1 || parts < 1 || part > parts || parts > 1'000'000) return std::nullopt;
    parsed.kind = CheckpointKind::kMultiPart;
    parsed.part = static_cast<int>(part);
    parsed.parts = static_cast<int>(parts);
    return parsed;
  }
  // UUID-named: "<uuid>.json" or "<uuid>.parquet".
  for (const std::string_view format : {std::string_view(".json"), std::string_view(".parquet")}) {
    if (rest.ends_with(format) && IsUuid(rest.substr(0, rest.size() - format.size()))) {
      parsed.kind = CheckpointKind::kUuid;
      return parsed;
    }
  }
  return std::nullopt;
}

std::optional<CheckpointFiles> NewestCompleteCheckpoint(const std::vector<std::string>& names, int64_t max_version) {
  struct MultiPart {
    std::vector<std::string> parts;  // index part-1
    int present = 0;
  };
  // Candidates by version (descending), then kind preference.
  std::map<int64_t, std::vector<CheckpointFiles>, std::greater<>> candidates;
  std::map<std::pair<int64_t, int>, MultiPart> multi;  // (version, parts) -> files
  for (const std::string& name : names) {
    const std::optional<CheckpointName> parsed = ParseCheckpointName(name);
    if (!parsed || parsed->version > max_version) continue;
    if (parsed->kind == CheckpointKind::kMultiPart) {
      MultiPart& group = multi[{parsed->version, parsed->parts}];
      group.parts.resize(static_cast<size_t>(parsed->parts));
      std::string& slot = group.parts[static_cast<size_t>(parsed->part - 1)];
      if (slot.empty()) ++group.present;
      slot = name;
    } else {
      candidates[parsed->version].push_back(CheckpointFiles{parsed->version, parsed->kind, {name}});
    }
  }
  for (auto& [key, group] : multi) {
    if (group.present != key.second) continue;  // a part is missing: not usable
    candidates[key.first].push_back(CheckpointFiles{key.first, CheckpointKind::kMultiPart, std::move(group.parts)});
  }
  for (auto& [version, files] : candidates) {
    std::sort(files.begin(), files.end(), [](const CheckpointFiles& a, const CheckpointFiles& b) {
      return Preference(a.kind) != Preference(b.kind) ? Preference(a.kind) < Preference(b.kind) : a.names < b.names;
    });
    return std::move(files.front());
  }
  return std::nullopt;
}

Result<std::optional<CheckpointFiles>> FindCheckpoint(storage::ObjectStore* store, const std::string& log_prefix,
                                                      int64_t max_version) {
  auto names_under = [&](const std::string& prefix) -> Result<std::vector<std::string>> {
    JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, store->List(prefix));
    std::vector<std::string> names;
    names.reserve(objects.size());
    for (const storage::ObjectInfo& object : objects) {
      const std::string_view name = std::string_view(object.path).substr(log_prefix.size());
      if (name.find('/') == std::string_view::npos) names.emplace_back(name);  // not _sidecars/...
    }
    return names;
  };
  auto text = store->Get(log_prefix + std::string(kLastCheckpoint));
  if (text) {
    Result<LastCheckpoint> last = ParseLastCheckpoint(*text);
    if (last && last->version <= max_version) {
      // Only the files of that version: "<20 digits>.checkpoint".
      char version[24];
      std::snprintf(version, sizeof(version), "%020lld", static_cast<long long>(last->version));
      JSM_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                           names_under(log_prefix + version + std::string(kInfix.substr(0, kInfix.size() - 1))));
      if (std::optional<CheckpointFiles> found = NewestCompleteCheckpoint(names, last->version)) return found;
    }
    // Stale, unreadable, incomplete or ahead of what we want: fall back to listing.
  } else if (text.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(text.error());
  }
  JSM_ASSIGN_OR_RETURN(const std::vector<std::string> names, names_under(log_prefix));
  return NewestCompleteCheckpoint(names, max_version);
}

}  // namespace jsm::delta
