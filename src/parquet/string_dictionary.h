#pragma once
/// The dictionary of a string column chunk: distinct values in first-seen order,
/// each with a dense index, built with an open-addressing hash table so that
/// adding a value allocates nothing per value.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace jsm::parquet {

/// Distinct strings of one column chunk and their indices. Entries are views
/// into the caller's data, which must outlive the dictionary's use. Memory is
/// kept across Reset() calls.
class StringDictionary {
 public:
  /// Empties the dictionary and sets its limits: at most `max_entries` entries
  /// and `max_plain_bytes` bytes of PLAIN-encoded dictionary page.
  void Reset(size_t max_entries, size_t max_plain_bytes);

  /// Index of `value`, adding it if new; -1 when adding it would break a limit.
  int64_t Insert(std::string_view value);

  /// The distinct values, in index order.
  std::span<const std::string_view> entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  /// Size of the dictionary page in PLAIN encoding (4-byte length + bytes per entry).
  size_t plain_bytes() const { return plain_bytes_; }

 private:
  void Grow();

  std::vector<std::string_view> entries_;
  std::vector<uint64_t> hashes_;  ///< hash of each entry, for rehashing
  /// 0 = empty, else (high 32 bits of the hash) << 32 | (entry index + 1), so
  /// that most mismatches are seen without touching the entries.
  std::vector<uint64_t> slots_;
  size_t max_entries_ = 0;
  size_t max_plain_bytes_ = 0;
  size_t plain_bytes_ = 0;
};

/// A 64-bit hash of a byte string (not stable across versions; in-memory use only).
uint64_t HashBytes(std::string_view bytes);

}  // namespace jsm::parquet
