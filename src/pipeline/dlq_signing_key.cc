#include "pipeline/dlq_signing_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>

#include "common/clock.h"

namespace jsm::pipeline {
namespace {

/// Seconds between two lookups of a key file that was absent.
constexpr double kAbsentRecheckSeconds = 5;

std::string ToHex(const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::unique_ptr<DlqSigningKey>> DlqSigningKey::Create(storage::ObjectStore* store) {
  std::unique_ptr<DlqSigningKey> key(new DlqSigningKey());
  key->store_ = store;
  const char* value = std::getenv(kDlqSigningKeyVariable);
  if (value != nullptr && *value != '\0') {
    auto signer = kafka::LineageSigner::Create(value);
    if (!signer) {
      return MakeError(signer.error().code(),
                       std::string("environment variable ") + kDlqSigningKeyVariable + ": " + signer.error().message());
    }
    key->signer_ = std::move(*signer);
    key->from_environment_ = true;
  }
  return key;
}

std::string DlqSigningKey::source() const {
  if (from_environment_) return std::string("environment variable ") + kDlqSigningKeyVariable;
  return store_->Describe() + "/" + kDlqSigningKeyPath;
}

Status DlqSigningKey::LoadFile() {
  JSM_ASSIGN_OR_RETURN(std::string text, store_->Get(kDlqSigningKeyPath));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::string bytes;
  bool valid = text.size() == 64;
  for (size_t i = 0; valid && i < text.size(); i += 2) {
    const int high = HexValue(text[i]);
    const int low = HexValue(text[i + 1]);
    valid = high >= 0 && low >= 0;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (!valid) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return MakeError(ErrorCode::kCorruption, source() + ": not a dead-letter signing key (64 hex digits expected); "
                                                        "restore it, or delete it to make a new one (replays "
                                                        "signed with the old key then count as first failures)");
  }
  auto signer = kafka::LineageSigner::Create(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  if (!signer) return std::unexpected(signer.error());
  signer_ = std::move(*signer);
  return Status::Ok();
}

Result<const kafka::LineageSigner*> DlqSigningKey::ForVerifying() {
  if (signer_ != nullptr) return signer_.get();
  const double now = MonotonicSeconds();
  if (absent_checked_at_ >= 0 && now - absent_checked_at_ < kAbsentRecheckSeconds) {
    return static_cast<const kafka::LineageSigner*>(nullptr);
  }
  Status loaded = LoadFile();
  if (loaded) return signer_.get();
  if (loaded.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(loaded.error().WithContext("dead-letter signing key"));
  }
  absent_checked_at_ = now;
  return static_cast<const kafka::LineageSigner*>(nullptr);
}

Result<const kafka::LineageSigner*> DlqSigningKey::ForSigning() {
  if (signer_ != nullptr) return signer_.get();
  Status loaded = LoadFile();
  if (loaded) return signer_.get();
  if (loaded.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(loaded.error().WithContext("dead-letter signing key"));
  }
  std::array<uint8_t, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return MakeError(ErrorCode::kInternal, "no random bytes for a dead-letter signing key (OpenSSL RAND_bytes)");
  }
  std::string text = ToHex(random.data(), random.size()) + "\n";
  OPENSSL_cleanse(random.data(), random.size());
  Status created = store_->PutIfAbsent(kDlqSigningKeyPath, text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
    return std::unexpected(created.error().WithContext("creating the dead-letter signing key " + source()));
  }
  // Ours, or another creator's that won the race: read back what is stored.
  JSM_RETURN_IF_ERROR(LoadFile());
  return signer_.get();
}

}  // namespace jsm::pipeline
