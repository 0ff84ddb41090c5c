#pragma once
/// Keyed pseudonymization of customer numbers (LGPD): CustomerNo becomes
/// HMAC-SHA256(key, CustomerNo), written as 64 lowercase hex digits. The same
/// key always gives the same pseudonym, so joins, distinct counts and erasure
/// by customer keep working; without the key the pseudonym cannot be reversed
/// or recomputed. The key is held only in this object and never printed.
/// See docs/privacy.md.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct SHA256state_st;  // OpenSSL's SHA256_CTX (openssl/sha.h)

namespace jsm::pipeline {

/// Environment variable that holds the key unless the config names another.
inline constexpr const char* kDefaultPseudonymKeyVariable = "JSM_PSEUDONYM_KEY";
/// Shortest key accepted, in bytes.
inline constexpr size_t kMinPseudonymKeyBytes = 16;
/// Length of a pseudonym: 64 hex digits (32 bytes of HMAC-SHA256).
inline constexpr size_t kPseudonymChars = 64;

/// Computes HMAC-SHA256 pseudonyms from SHA-256 states precomputed over the
/// key's inner and outer pads: two compressions per short value, no heap
/// allocation per value. Not thread-safe; one per thread.
class Pseudonymizer {
 public:
  /// A pseudonymizer keyed with `key` (raw bytes). kInvalidArgument if the key is
  /// shorter than kMinPseudonymKeyBytes (unless `allow_short_key`, for test
  /// vectors). Messages never contain the key.
  static Result<std::unique_ptr<Pseudonymizer>> Create(std::string_view key, bool allow_short_key = false);
  /// Reads the key from environment variable `variable`. kInvalidArgument, naming
  /// the variable (never its value), if it is unset, empty or too short.
  static Result<std::unique_ptr<Pseudonymizer>> FromEnvironment(const std::string& variable);
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  /// The 32-byte HMAC-SHA256 of `message`.
  std::array<uint8_t, 32> Mac(std::string_view message);
  /// The pseudonym of `value` (64 lowercase hex digits). The view points into
  /// this object and stays valid until the next call.
  std::string_view Pseudonym(std::string_view value);

 private:
  Pseudonymizer() = default;

  std::unique_ptr<SHA256state_st> inner_;  ///< SHA-256 state after the block key ^ 0x36
  std::unique_ptr<SHA256state_st> outer_;  ///< SHA-256 state after the block key ^ 0x5c
  std::array<char, kPseudonymChars> hex_{};
};

}  // namespace jsm::pipeline
