#include "delta/log_repair.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <simdjson.h>

#include "common/clock.h"
#include "delta/checkpoint.h"
#include "delta/checkpoint_files.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "delta/table_properties.h"

namespace jsm::delta {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629: no
/// overlongs, no surrogates, nothing above U+10FFFF).
size_t ValidSequenceLength(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  if (b < 0x80) return 1;
  size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  }
  return length;
}

bool IsUtf8Json(std::string_view text, simdjson::dom::parser* parser) {
  if (!simdjson::validate_utf8(text.data(), text.size())) return false;
  simdjson::dom::element root;
  return parser->parse(text.data(), text.size()).get(root) == simdjson::SUCCESS && root.is_object();
}

/// The actions of one commit file, read leniently (see RepairLog).
Result<std::vector<Action>> ParseLeniently(std::string_view text, const std::string& file_name,
                                           std::string_view table, LogRepair* repair) {
  if (simdjson::validate_utf8(text.data(), text.size())) return ParseCommit(text, file_name, table);
  std::vector<Action> actions;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    const bool bad = !simdjson::validate_utf8(line.data(), line.size());
    const std::string fixed = bad ? ReplaceInvalidUtf8(line) : std::string(line);
    auto parsed = ParseCommit(fixed, file_name + " line " + std::to_string(line_number), table);
    if (!parsed) return std::unexpected(parsed.error());
    if (bad) ++repair->lines_not_utf8;
    for (Action& action : *parsed) {
      if (auto* add = std::get_if<AddFile>(&action); add && bad && !add->stats.empty()) {
        add->stats.clear();  // bounds that were raw bytes: no bound is better than a wrong one
        ++repair->stats_dropped;
      }
      actions.push_back(std::move(action));
    }
  }
  return actions;
}

}  // namespace

std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = ValidSequenceLength(text, i);
    if (length == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

Result<LogRepair> RepairLog(storage::ObjectStore* store, const std::string& table_path, bool force) {
  std::string root = table_path;
  while (!root.empty() && root.back() == '/') root.pop_back();
  const std::string log_prefix = root + "/_delta_log/";
  const std::string table = store->Describe() + "/" + root;
  JSM_ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, store->List(log_prefix));
  std::vector<int64_t> versions;
  std::vector<std::string> checkpoint_names;
  for (const storage::ObjectInfo& object : objects) {
    const std::string_view name = std::string_view(object.path).substr(log_prefix.size());
    if (name.find('/') != std::string_view::npos) continue;
    if (name.size() == 25 && name.ends_with(".json") &&
        std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; })) {
      versions.push_back(std::stoll(std::string(name.substr(0, 20))));
    } else if (name.find(".checkpoint") != std::string_view::npos) {
      checkpoint_names.emplace_back(name);
    }
  }
  if (versions.empty()) return MakeError(ErrorCode::kNotFound, "no Delta table at " + table);
  std::sort(versions.begin(), versions.end());

  LogRepair repair;
  Snapshot snapshot;
  // From the newest checkpoint, if it reads (an earlier release's checkpoint may hold the same
  // bad statistics, which are cleaned below like the rest), else from version 0.
  if (const auto checkpoint = NewestCompleteCheckpoint(checkpoint_names, versions.back())) {
    auto read = ReadCheckpoint(store, log_prefix, *checkpoint, table);
    if (read) snapshot = std::move(*read);
  }
  for (const int64_t version : versions) {
    if (version <= snapshot.version) continue;
    if (version != snapshot.version + 1) {
      return MakeError(ErrorCode::kCorruption, "table " + table + " cannot be repaired: its log has no commit or "
                                                   "checkpoint for version " + std::to_string(snapshot.version + 1));
    }
    const std::string key = root + "/" + CommitFileName(version);
    JSM_ASSIGN_OR_RETURN(const std::string text, store->Get(key));
    JSM_ASSIGN_OR_RETURN(const std::vector<Action> actions,
                         ParseLeniently(text, store->Describe() + "/" + key, table, &repair));
    JSM_RETURN_IF_ERROR(ApplyCommit(version, actions, table, &snapshot));
    ++repair.commits_read;
  }
  simdjson::dom::parser parser;
  for (auto& [path, add] : snapshot.files) {
    if (!add.stats.empty() && !IsUtf8Json(add.stats, &parser)) {
      add.stats.clear();
      ++repair.stats_dropped;
    }
  }
  repair.version = snapshot.version;
  if (repair.lines_not_utf8 == 0 && repair.stats_dropped == 0 && !force) return repair;

  JSM_RETURN_IF_ERROR(CheckProtocolSupported(snapshot.protocol, table));
  JSM_ASSIGN_OR_RETURN(const TableProperties properties, ReadTableProperties(snapshot.metadata));
  LastCheckpoint last;
  last.version = snapshot.version;
  last.num_of_add_files = static_cast<int64_t>(snapshot.files.size());
  JSM_ASSIGN_OR_RETURN(const std::string bytes,
                       EncodeCheckpoint(snapshot, NowMillis() - properties.deleted_file_retention_ms, &last.size));
  last.size_in_bytes = static_cast<int64_t>(bytes.size());
  JSM_RETURN_IF_ERROR(store->Put(root + "/" + CheckpointFileName(last.version), bytes));
  JSM_RETURN_IF_ERROR(store->Put(log_prefix + "_last_checkpoint", LastCheckpointJson(last)));
  repair.checkpoint_written = true;
  return repair;
}

}  // namespace jsm::delta
