#include "pipeline/pseudonymizer.h"

#include <openssl/crypto.h>

#include <cstdlib>

namespace jsm::pipeline {

// HMAC (RFC 2104) over SHA-256 through one reused EVP_MD_CTX: re-initializing a
// context with the same digest reuses its state, whereas re-initializing an
// EVP_MAC HMAC context duplicates the digest context (a malloc per value).
Result<std::unique_ptr<Pseudonymizer>> Pseudonymizer::Create(std::string_view key, bool allow_short_key) {
  if (key.empty() || (!allow_short_key && key.size() < kMinPseudonymKeyBytes)) {
    return MakeError(ErrorCode::kInvalidArgument, "the pseudonymization key must be at least " +
                                                      std::to_string(kMinPseudonymKeyBytes) + " bytes long (it has " +
                                                      std::to_string(key.size()) + ")");
  }
  std::unique_ptr<Pseudonymizer> p(new Pseudonymizer());
  p->sha256_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  p->ctx_ = EVP_MD_CTX_new();
  if (p->sha256_ == nullptr || p->ctx_ == nullptr) {
    return MakeError(ErrorCode::kInternal, "libcrypto offers no SHA-256 digest");
  }
  std::array<uint8_t, 64> block{};
  if (key.size() > block.size()) {
    unsigned int length = 0;
    if (EVP_Digest(key.data(), key.size(), block.data(), &length, p->sha256_, nullptr) != 1) {
      return MakeError(ErrorCode::kInternal, "SHA-256 of the pseudonymization key failed");
    }
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  for (size_t i = 0; i < block.size(); ++i) {
    p->inner_pad_[i] = block[i] ^ 0x36;
    p->outer_pad_[i] = block[i] ^ 0x5c;
  }
  OPENSSL_cleanse(block.data(), block.size());
  return p;
}

Result<std::unique_ptr<Pseudonymizer>> Pseudonymizer::FromEnvironment(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "privacy.pseudonymize_customer is on but environment variable " + variable +
                         " (the pseudonymization key) is not set; set it, or turn pseudonymization off");
  }
  auto created = Create(value);
  if (!created) return MakeError(created.error().code(), "environment variable " + variable + ": " + created.error().message());
  return created;
}

Pseudonymizer::~Pseudonymizer() {
  OPENSSL_cleanse(inner_pad_.data(), inner_pad_.size());
  OPENSSL_cleanse(outer_pad_.data(), outer_pad_.size());
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(sha256_);
}

std::array<uint8_t, 32> Pseudonymizer::Mac(std::string_view message) {
  std::array<uint8_t, 32> inner{};
  std::array<uint8_t, 32> mac{};
  unsigned int length = 0;
  // Both digests run over the same context; failures are impossible for an
  // in-memory SHA-256 once the context was created.
  EVP_DigestInit_ex2(ctx_, sha256_, nullptr);
  EVP_DigestUpdate(ctx_, inner_pad_.data(), inner_pad_.size());
  EVP_DigestUpdate(ctx_, message.data(), message.size());
  EVP_DigestFinal_ex(ctx_, inner.data(), &length);
  EVP_DigestInit_ex2(ctx_, sha256_, nullptr);
  EVP_DigestUpdate(ctx_, outer_pad_.data(), outer_pad_.size());
  EVP_DigestUpdate(ctx_, inner.data(), inner.size());
  EVP_DigestFinal_ex(ctx_, mac.data(), &length);
  return mac;
}

std::string_view Pseudonymizer::Pseudonym(std::string_view value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::array<uint8_t, 32> mac = Mac(value);
  for (size_t i = 0; i < mac.size(); ++i) {
    hex_[2 * i] = kDigits[mac[i] >> 4];
    hex_[2 * i + 1] = kDigits[mac[i] & 0xF];
  }
  return std::string_view(hex_.data(), hex_.size());
}

}  // namespace jsm::pipeline
