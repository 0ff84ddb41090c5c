#include "pipeline/pseudonymizer.h"

// SHA256_CTX: the low-level API, deprecated in OpenSSL 3 but the only one whose
// context is a plain struct that can be copied.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>

namespace jsm::pipeline {

// HMAC (RFC 2104) over SHA-256. The EVP interfaces of OpenSSL 3.0 allocate on
// every digest (re)initialization (measured: 2 mallocs per HMAC through a reused
// EVP_MD_CTX, bench/pseudonymizer_bench.cc), so the pads are absorbed once into
// two SHA256_CTX structs that each value starts from by plain copy.
Result<std::unique_ptr<Pseudonymizer>> Pseudonymizer::Create(std::string_view key, bool allow_short_key) {
  if (key.empty() || (!allow_short_key && key.size() < kMinPseudonymKeyBytes)) {
    return MakeError(ErrorCode::kInvalidArgument, "the pseudonymization key must be at least " +
                                                      std::to_string(kMinPseudonymKeyBytes) + " bytes long (it has " +
                                                      std::to_string(key.size()) + ")");
  }
  std::unique_ptr<Pseudonymizer> p(new Pseudonymizer());
  p->inner_ = std::make_unique<SHA256_CTX>();
  p->outer_ = std::make_unique<SHA256_CTX>();
  std::array<uint8_t, 64> block{};
  if (key.size() > block.size()) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block.data());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<uint8_t, 64> pad{};
  for (size_t i = 0; i < block.size(); ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(p->inner_.get());
  SHA256_Update(p->inner_.get(), pad.data(), pad.size());
  for (size_t i = 0; i < block.size(); ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(p->outer_.get());
  SHA256_Update(p->outer_.get(), pad.data(), pad.size());
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
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
  if (inner_) OPENSSL_cleanse(inner_.get(), sizeof(SHA256_CTX));
  if (outer_) OPENSSL_cleanse(outer_.get(), sizeof(SHA256_CTX));
}

std::array<uint8_t, 32> Pseudonymizer::Mac(std::string_view message) {
  std::array<uint8_t, 32> inner{};
  std::array<uint8_t, 32> mac{};
  SHA256_CTX ctx = *inner_;
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(inner.data(), &ctx);
  ctx = *outer_;
  SHA256_Update(&ctx, inner.data(), inner.size());
  SHA256_Final(mac.data(), &ctx);
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
