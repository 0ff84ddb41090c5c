#include "kafka/dead_letter_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace jsm::kafka {
namespace {

constexpr std::string_view kCanonicalTag = "jsm-dlq-lineage-v1";
constexpr std::string_view kSignaturePrefix = "v1:";
constexpr uint64_t kAbsent = ~uint64_t{0};

void AppendLength(uint64_t length, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((length >> shift) & 0xFF));
}

void AppendField(bool present, std::string_view bytes, std::string* out) {
  if (!present) {
    AppendLength(kAbsent, out);
    return;
  }
  AppendLength(bytes.size(), out);
  out->append(bytes);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // only lowercase, as Sign writes: one spelling per signature
}

}  // namespace

const std::vector<std::string_view>& SignedLineageHeaders() {
  static const std::vector<std::string_view> names = {"dlq.attempts",
                                                       "dlq.first_failed_at",
                                                       "dlq.replayed_from",
                                                       "dlq.replayed_at",
                                                       "dlq.previous_reason",
                                                       "dlq.original.topic",
                                                       "dlq.original.partition",
                                                       "dlq.original.offset",
                                                       "dlq.original.timestamp"};
  return names;
}

std::string_view LineageTrustName(LineageTrust trust) {
  switch (trust) {
    case LineageTrust::kNone: return "none";
    case LineageTrust::kVerified: return "verified";
    case LineageTrust::kUnsigned: return "unsigned";
    case LineageTrust::kBadSignature: return "bad_signature";
    case LineageTrust::kAmbiguous: return "ambiguous";
  }
  return "unknown";
}

std::string CanonicalLineage(const std::vector<Header>& headers, const SignedMessage& message) {
  std::string out;
  out.reserve(kCanonicalTag.size() + 8 * 12 + message.topic.size() + message.key.size() + message.value.size() + 256);
  AppendField(true, kCanonicalTag, &out);
  AppendField(true, message.topic, &out);
  AppendField(message.has_key, message.key, &out);
  AppendField(message.has_value, message.value, &out);
  for (std::string_view name : SignedLineageHeaders()) {
    const Header* found = nullptr;
    for (const Header& header : headers) {
      if (header.name == name) found = &header;  // the last one, as FindHeader reads it
    }
    AppendField(true, name, &out);
    AppendField(found != nullptr, found != nullptr ? std::string_view(found->value) : std::string_view(), &out);
  }
  return out;
}

Result<std::unique_ptr<LineageSigner>> LineageSigner::Create(std::string_view key) {
  if (key.size() < kMinLineageKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the dead-letter signing key must be at least " +
                                                      std::to_string(kMinLineageKeyBytes) + " bytes long (it has " +
                                                      std::to_string(key.size()) + ")");
  }
  std::unique_ptr<LineageSigner> signer(new LineageSigner());
  signer->key_.assign(key);
  return signer;
}

LineageSigner::~LineageSigner() {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
}

std::array<uint8_t, 32> LineageSigner::Mac(std::string_view bytes) const {
  std::array<uint8_t, 32> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(bytes.data()),
       bytes.size(), mac.data(), &length);
  return mac;
}

std::string LineageSigner::Sign(const std::vector<Header>& headers, const SignedMessage& message) const {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::array<uint8_t, 32> mac = Mac(CanonicalLineage(headers, message));
  std::string out(kSignaturePrefix);
  for (uint8_t byte : mac) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  return out;
}

void LineageSigner::AddSignature(std::vector<Header>* headers, const SignedMessage& message) const {
  std::string signature = Sign(*headers, message);
  headers->push_back({std::string(kLineageSignatureHeader), std::move(signature)});
}

LineageTrust LineageSigner::Verify(const std::vector<Header>& headers, const SignedMessage& message) const {
  bool any_dlq = false;
  const Header* signature = nullptr;
  int signatures = 0;
  for (const Header& header : headers) {
    if (!header.name.starts_with("dlq.")) continue;
    any_dlq = true;
    if (header.name == kLineageSignatureHeader) {
      signature = &header;
      ++signatures;
    }
  }
  if (!any_dlq) return LineageTrust::kNone;
  if (signatures == 0) return LineageTrust::kUnsigned;
  if (signatures > 1) return LineageTrust::kAmbiguous;
  for (std::string_view name : SignedLineageHeaders()) {
    const auto count = std::count_if(headers.begin(), headers.end(), [&](const Header& h) { return h.name == name; });
    if (count > 1) return LineageTrust::kAmbiguous;
  }
  const std::string_view text = signature->value;
  if (text.size() != kSignaturePrefix.size() + 64 || !text.starts_with(kSignaturePrefix)) {
    return LineageTrust::kBadSignature;
  }
  std::array<uint8_t, 32> given{};
  for (size_t i = 0; i < given.size(); ++i) {
    const int high = HexDigit(text[kSignaturePrefix.size() + 2 * i]);
    const int low = HexDigit(text[kSignaturePrefix.size() + 2 * i + 1]);
    if (high < 0 || low < 0) return LineageTrust::kBadSignature;
    given[i] = static_cast<uint8_t>(high << 4 | low);
  }
  const std::array<uint8_t, 32> expected = Mac(CanonicalLineage(headers, message));
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0 ? LineageTrust::kVerified
                                                                            : LineageTrust::kBadSignature;
}

}  // namespace jsm::kafka
