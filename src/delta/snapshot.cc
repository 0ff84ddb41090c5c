#include "delta/snapshot.h"

#include <string>
#include <type_traits>

#include "common/check.h"

namespace jsm::delta {
namespace {

std::string JoinFeatures(const std::vector<std::string>& features) {
  std::string out;
  for (const std::string& feature : features) {
    if (!out.empty()) out += ", ";
    out += feature;
  }
  return out;
}

bool IsReadableReaderFeature(std::string_view feature) {
  for (const std::string_view readable : kReadableReaderFeatures) {
    if (feature == readable) return true;
  }
  return false;
}

}  // namespace

Status CheckReadSupported(const Protocol& protocol, std::string_view table) {
  if (protocol.min_reader_version == 3) {
    std::vector<std::string> missing;
    for (const std::string& feature : protocol.reader_features) {
      if (!IsReadableReaderFeature(feature)) missing.push_back(feature);
    }
    if (missing.empty()) return Status::Ok();
    std::string readable;
    for (const std::string_view feature : kReadableReaderFeatures) {
      if (!readable.empty()) readable += ", ";
      readable += feature;
    }
    return MakeError(ErrorCode::kUnsupported,
                     "table " + std::string(table) + " needs reader version 3 with reader features we do not "
                     "implement: " + JoinFeatures(missing) + " (we read reader version " +
                     std::to_string(kMaxReaderVersion) + ", and 3 with only " + readable + ")");
  }
  if (protocol.min_reader_version > kMaxReaderVersion) {
    return MakeError(ErrorCode::kUnsupported, "table " + std::string(table) + " needs reader version " +
                                                  std::to_string(protocol.min_reader_version) + "; we support " +
                                                  std::to_string(kMaxReaderVersion));
  }
  return Status::Ok();
}

Status CheckProtocolSupported(const Protocol& protocol, std::string_view table) {
  // Writer first: for a table we can read but not write, that is the reason.
  if (protocol.min_writer_version > kMaxWriterVersion) {
    std::string message = "table " + std::string(table) + " needs writer version " +
                          std::to_string(protocol.min_writer_version) + "; we support " +
                          std::to_string(kMaxWriterVersion);
    if (!protocol.writer_features.empty()) message += " (writer features: " + JoinFeatures(protocol.writer_features) + ")";
    return MakeError(ErrorCode::kUnsupported, std::move(message));
  }
  if (protocol.min_reader_version > kMaxReaderVersion) {
    std::string message = "table " + std::string(table) + " needs reader version " +
                          std::to_string(protocol.min_reader_version) + "; we support " +
                          std::to_string(kMaxReaderVersion);
    if (!protocol.reader_features.empty()) message += " (reader features: " + JoinFeatures(protocol.reader_features) + ")";
    return MakeError(ErrorCode::kUnsupported, std::move(message));
  }
  return Status::Ok();
}

Result<std::vector<Action>> ParseCommit(std::string_view text, std::string_view file_name, std::string_view table) {
  // A commit holds at least one action; an empty one is a file emptied or cut short, never a no-op commit.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return MakeError(ErrorCode::kCorruption,
                     std::string(file_name) + ": commit file " +
                         (text.empty() ? std::string("is empty (0 bytes)")
                                       : "holds only whitespace (" + std::to_string(text.size()) + " bytes)") +
                         ", where a commit holds at least one action: it was truncated or overwritten");
  }
  auto actions = ParseActions(text, file_name);
  if (!actions) {
    if (const std::optional<Protocol> protocol = FindProtocol(text)) {
      JSM_RETURN_IF_ERROR(CheckReadSupported(*protocol, table));
    }
  }
  return actions;
}

Status ApplyCommit(int64_t version, const std::vector<Action>& actions, std::string_view table, Snapshot* snapshot) {
  JSM_CHECK_EQ(version, snapshot->version + 1);
  // Check first, so that a refused commit leaves the snapshot untouched.
  for (const Action& action : actions) {
    if (const auto* protocol = std::get_if<Protocol>(&action)) {
      JSM_RETURN_IF_ERROR(CheckReadSupported(*protocol, table));
    }
  }
  for (const Action& action : actions) {
    if (const auto* protocol = std::get_if<Protocol>(&action)) {
      snapshot->protocol = *protocol;
    } else if (const auto* metadata = std::get_if<Metadata>(&action)) {
      snapshot->metadata = *metadata;
    } else if (const auto* add = std::get_if<AddFile>(&action)) {
      snapshot->files[add->path] = *add;
      snapshot->tombstones.erase(add->path);
    } else if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      snapshot->files.erase(remove->path);
      snapshot->tombstones[remove->path] = *remove;
    } else if (const auto* txn = std::get_if<Txn>(&action)) {
      snapshot->app_versions[txn->app_id] = txn->version;
    } else if (const auto* info = std::get_if<CommitInfo>(&action)) {
      if (info->timestamp > 0) snapshot->timestamp_ms = info->timestamp;
    }
  }
  snapshot->version = version;
  return Status::Ok();
}

}  // namespace jsm::delta
