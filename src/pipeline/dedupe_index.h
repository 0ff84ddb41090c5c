#pragma once
/// The set of order lines already in silver, for exact-duplicate removal across
/// batches and restarts. Keys are 128-bit hashes of the eight normalized fields
/// (the silver column `_record_id`), held in one flat open-addressing table
/// (linear probing, no per-key allocation): 16 bytes per slot at a load factor
/// of at most 0.8, the slot count any integer (keys map to slots by a
/// multiply-shift), growing by 1.5x. So 20-30 bytes per key; 100 million keys
/// reserved up front take 2.0 GB (figures in docs/design.md). Rebuilt from
/// silver's `_record_id` column on start, reserved from the files' row counts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/order_parser.h"

namespace jsm::pipeline {

/// A 128-bit record identity.
struct RecordKey {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const RecordKey&) const = default;
};

/// Hash of the eight normalized fields of `order`; `scratch` is reused to avoid allocation.
RecordKey OrderRecordKey(const model::NormalizedOrder& order, std::string* scratch);
/// 32 lowercase hex digits.
void AppendRecordKeyHex(const RecordKey& key, std::string* out);
/// Parses 32 hex digits; false if malformed.
bool ParseRecordKeyHex(std::string_view hex, RecordKey* key);

/// A growable hash set of RecordKeys.
class DedupeIndex {
 public:
  DedupeIndex();
  /// Makes room for `keys` keys in all, so inserting up to that many never grows the table.
  void Reserve(size_t keys);
  /// Inserts `key`; returns false if it was already present.
  bool Insert(const RecordKey& key);
  bool Contains(const RecordKey& key) const;
  size_t size() const { return size_; }
  void Clear();
  /// Bytes held by the table.
  size_t memory_bytes() const { return slots_.size() * sizeof(RecordKey); }
  /// Slots of the table.
  size_t capacity() const { return slots_.size(); }

 private:
  /// Rehashes into a table of `slots` slots.
  void Rehash(size_t slots);
  size_t Probe(const RecordKey& key) const;
  /// Largest number of keys the current table holds before it grows.
  size_t Limit() const { return slots_.size() / 5 * 4; }

  /// Slots in an anonymous memory mapping: pages arrive zeroed (= empty) on first
  /// touch, and the table asks for transparent huge pages, which cut the TLB
  /// misses of random probes into gigabytes. Throws std::bad_alloc like a vector.
  class SlotArray {
   public:
    SlotArray() = default;
    explicit SlotArray(size_t count);
    ~SlotArray();
    SlotArray(const SlotArray&) = delete;
    SlotArray& operator=(const SlotArray&) = delete;
    void Swap(SlotArray& other) noexcept;
    size_t size() const { return count_; }
    RecordKey& operator[](size_t i) { return data_[i]; }
    const RecordKey& operator[](size_t i) const { return data_[i]; }
    const RecordKey* begin() const { return data_; }
    const RecordKey* end() const { return data_ + count_; }

   private:
    RecordKey* data_ = nullptr;
    size_t count_ = 0;
    size_t bytes_ = 0;
  };

  SlotArray slots_;               ///< {0,0} marks an empty slot
  bool has_zero_key_ = false;     ///< the all-zero key is kept out of the table
  size_t size_ = 0;
};

}  // namespace jsm::pipeline
