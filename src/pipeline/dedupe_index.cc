#include "pipeline/dedupe_index.h"

#include <xxhash.h>

#include <cstring>

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

DedupeIndex::DedupeIndex() : slots_(kInitialSlots) {}

size_t DedupeIndex::Probe(const RecordKey& key) const {
  const size_t mask = slots_.size() - 1;
  size_t slot = static_cast<size_t>(key.low ^ (key.high >> 7)) & mask;
  while (true) {
    const RecordKey& current = slots_[slot];
    if (current == key || (current.high == 0 && current.low == 0)) return slot;
    slot = (slot + 1) & mask;
  }
}

bool DedupeIndex::Insert(const RecordKey& key) {
  if (key.high == 0 && key.low == 0) {
    if (has_zero_key_) return false;
    has_zero_key_ = true;
    ++size_;
    return true;
  }
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
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
  slots_.assign(kInitialSlots, RecordKey{});
  has_zero_key_ = false;
  size_ = 0;
}

void DedupeIndex::Grow() {
  std::vector<RecordKey> old(slots_.size() * 2);
  old.swap(slots_);
  for (const RecordKey& key : old) {
    if (key.high == 0 && key.low == 0) continue;
    slots_[Probe(key)] = key;
  }
}

}  // namespace jsm::pipeline
