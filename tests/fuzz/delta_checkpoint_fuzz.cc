// libFuzzer target for checkpoint reading (delta/checkpoint.h): any bytes as a
// checkpoint Parquet file must decode into a snapshot or be an error naming the
// file, never a crash, a hang or a sanitizer report. A snapshot that decodes
// encodes as a checkpoint again, and that one decodes to the same files, txns
// and tombstones. Seeds: corpus/delta_checkpoint/ (checkpoints written by us
// and by delta-rs), keywords: delta_checkpoint.dict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "delta/checkpoint.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

constexpr std::string_view kName = "_delta_log/00000000000000000010.checkpoint.parquet";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto snapshot = jsm::delta::DecodeCheckpoint(bytes, 10, kName);
  if (!snapshot) {
    Require(!snapshot.error().message().empty());
    return 0;
  }
  int64_t actions = 0;
  constexpr int64_t kKeepAll = std::numeric_limits<int64_t>::min();
  auto encoded = jsm::delta::EncodeCheckpoint(*snapshot, kKeepAll, &actions);
  if (!encoded) return 0;  // e.g. a schema string we can read but not write
  auto again = jsm::delta::DecodeCheckpoint(*encoded, 10, kName);
  Require(again.has_value());
  Require(again->files.size() == snapshot->files.size());
  Require(again->app_versions == snapshot->app_versions);
  size_t kept = 0;
  for (const auto& [path, remove] : snapshot->tombstones) kept += remove.deletion_timestamp > kKeepAll;
  Require(again->tombstones.size() == kept);
  Require(again->protocol.min_reader_version == snapshot->protocol.min_reader_version);
  return 0;
}
