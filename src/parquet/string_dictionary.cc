#include "parquet/string_dictionary.h"

#include <algorithm>
#include <cstring>

namespace jsm::parquet {
namespace {

constexpr uint64_t kMul1 = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMul2 = 0xC2B2AE3D27D4EB4FULL;
constexpr size_t kInitialSlots = 1024;

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= kMul2;
  h ^= h >> 29;
  return h;
}

}  // namespace

uint64_t HashBytes(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = kMul1 ^ (n * kMul2);
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * kMul1;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * kMul1;
  }
  return Mix(h);
}

void StringDictionary::Reset(size_t max_entries, size_t max_plain_bytes) {
  entries_.clear();
  hashes_.clear();
  if (slots_.empty()) slots_.resize(kInitialSlots);
  std::fill(slots_.begin(), slots_.end(), 0);
  max_entries_ = max_entries;
  max_plain_bytes_ = max_plain_bytes;
  plain_bytes_ = 0;
}

namespace {
uint64_t SlotValue(uint64_t hash, size_t index) { return (hash & 0xFFFFFFFF00000000ULL) | (index + 1); }
}  // namespace

void StringDictionary::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  size_t mask = slots_.size() - 1;
  for (size_t i = 0; i < hashes_.size(); ++i) {
    size_t slot = hashes_[i] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = SlotValue(hashes_[i], i);
  }
}

int64_t StringDictionary::Insert(std::string_view value) {
  uint64_t hash = HashBytes(value);
  uint64_t tag = hash & 0xFFFFFFFF00000000ULL;
  size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (uint64_t entry = slots_[slot]) {
    if ((entry & 0xFFFFFFFF00000000ULL) == tag) {
      size_t index = static_cast<size_t>(entry & 0xFFFFFFFFULL) - 1;
      if (entries_[index] == value) return static_cast<int64_t>(index);
    }
    slot = (slot + 1) & mask;
  }
  if (entries_.size() >= max_entries_ || plain_bytes_ + 4 + value.size() > max_plain_bytes_) return -1;
  size_t index = entries_.size();
  entries_.push_back(value);
  hashes_.push_back(hash);
  plain_bytes_ += 4 + value.size();
  slots_[slot] = SlotValue(hash, index);
  if (entries_.size() * 2 > slots_.size()) Grow();
  return static_cast<int64_t>(index);
}

}  // namespace jsm::parquet
