#include "pipeline/dedupe_index.h"

#include <xxhash.h>

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <utility>

namespace jsm::pipeline {
namespace {

void AppendField(std::string_view value, std::string* out) {
  const uint32_t length = static_cast<uint32_t>(value.size());
  out->append(reinterpret_cast<const char*>(&length), sizeof(length));
  out->append(value);
}

void AppendNumber(int64_t value, std::string* out) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(value));
}

constexpr size_t kInitialSlots = 1 << 16;

}  // namespace

RecordKey OrderRecordKey(const model::NormalizedOrder& order, std::string* scratch) {
  scratch->clear();
  AppendField(order.transaction_no, scratch);
  AppendNumber(order.order_date, scratch);
  AppendField(order.product_no, scratch);
  AppendField(order.product_name, scratch);
  AppendNumber(order.unit_price_cents, scratch);
  AppendNumber(order.quantity, scratch);
  // Null customer and null country differ from any string: a one-byte marker.
  if (order.customer_no.empty()) scratch->push_back('\0'); else AppendField(order.customer_no, scratch);
  if (order.country.empty()) scratch->push_back('\0'); else AppendField(order.country, scratch);
  // A foreign-currency order also by its currency and original price (GBP orders keep their old keys).
  if (!order.currency.empty()) {
    AppendField(order.currency, scratch);
    AppendNumber(order.original_unit_price_cents, scratch);
  }
  XXH128_hash_t hash = XXH3_128bits(scratch->data(), scratch->size());
  return RecordKey{hash.high64, hash.low64};
}

void AppendRecordKeyHex(const RecordKey& key, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (uint64_t part : {key.high, key.low}) {
    for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kDigits[(part >> shift) & 0xF]);
  }
}

bool ParseRecordKeyHex(std::string_view hex, RecordKey* key) {
  if (hex.size() != 32) return false;
  uint64_t parts[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    char c = hex[i];
    uint64_t digit;
    if (c >= '0' && c <= '9') digit = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<uint64_t>(c - 'a' + 10);
    else return false;
    parts[i / 16] = (parts[i / 16] << 4) | digit;
  }
  *key = RecordKey{parts[0], parts[1]};
  return true;
}

DedupeIndex::SlotArray::SlotArray(size_t count) : count_(count), bytes_(count * sizeof(RecordKey)) {
  void* memory = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  // Only a hint: without transparent huge pages the table works the same, slower.
  (void)::madvise(memory, bytes_, MADV_HUGEPAGE);
  data_ = static_cast<RecordKey*>(memory);
}

DedupeIndex::SlotArray::~SlotArray() {
  if (data_ != nullptr) ::munmap(data_, bytes_);
}

void DedupeIndex::SlotArray::Swap(SlotArray& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(count_, other.count_);
  std::swap(bytes_, other.bytes_);
}

DedupeIndex::DedupeIndex() : slots_(kInitialSlots) {}

size_t DedupeIndex::Probe(const RecordKey& key) const {
  // Keys are xxh3 hashes, but the two halves are folded and remixed anyway so that
  // keys sharing a half, or with halves in any linear relation, still spread.
  // Multiply-shift then maps the 64 bits onto [0, slots).
  const size_t slots = slots_.size();
  const uint64_t mixed = (key.high ^ ((key.low << 32) | (key.low >> 32))) * 0x9E3779B97F4A7C15ULL;
  size_t slot = static_cast<size_t>((static_cast<unsigned __int128>(mixed) * slots) >> 64);
  while (true) {
    const RecordKey& current = slots_[slot];
    if (current == key || (current.high == 0 && current.low == 0)) return slot;
    if (++slot == slots) slot = 0;
  }
}

void DedupeIndex::Reserve(size_t keys) {
  if (keys <= Limit()) return;
  Rehash(keys / 4 * 5 + 5);
}

bool DedupeIndex::Insert(const RecordKey& key) {
  if (key.high == 0 && key.low == 0) {
    if (has_zero_key_) return false;
    has_zero_key_ = true;
    ++size_;
    return true;
  }
  if (size_ + 1 > Limit()) Rehash(slots_.size() + slots_.size() / 2);
  size_t slot = Probe(key);
  if (slots_[slot] == key) return false;
  slots_[slot] = key;
  ++size_;
  return true;
}

bool DedupeIndex::Contains(const RecordKey& key) const {
  if (key.high == 0 && key.low == 0) return has_zero_key_;
  return slots_[Probe(key)] == key;
}

void DedupeIndex::Clear() {
  SlotArray fresh(kInitialSlots);  // gives the memory back
  slots_.Swap(fresh);
  has_zero_key_ = false;
  size_ = 0;
}

void DedupeIndex::Rehash(size_t slots) {
  SlotArray old(slots);
  old.Swap(slots_);
  for (const RecordKey& key : old) {
    if (key.high == 0 && key.low == 0) continue;
    slots_[Probe(key)] = key;
  }
}

}  // namespace jsm::pipeline
