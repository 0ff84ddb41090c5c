#pragma once
/// The set behind gold's exact distinct counts: 64-bit keys, usually a
/// (group id << 32 | member id) pair, in one flat open-addressing table
/// (linear probing, load factor <= 0.7). An insert allocates nothing unless the
/// table grows, unlike a node-based std::unordered_set.

#include <cstddef>
#include <cstdint>
#include <utility>  // std::move
#include <vector>

namespace jsm::pipeline {

/// A set of uint64_t keys; Insert tells whether a key was new.
class GoldPairSet {
 public:
  /// Adds `key`; true if it was not in the set.
  bool Insert(uint64_t key) {
    if (key == kEmpty) {  // the one key that marks empty slots is kept aside
      if (has_empty_key_) return false;
      has_empty_key_ = true;
      ++size_;
      return true;
    }
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    for (size_t i = Mix(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == key) return false;
      if (slots_[i] == kEmpty) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }
  /// Number of keys.
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  /// The 64-bit finalizer of MurmurHash3: spreads the pair's bits over the slot index.
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    for (const uint64_t key : old) {
      if (key == kEmpty) continue;
      size_t i = Mix(key) & mask_;
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = key;
    }
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  bool has_empty_key_ = false;
};

}  // namespace jsm::pipeline
