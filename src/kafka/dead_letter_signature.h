#pragma once
/// Signed replay lineage: `jsm dlq replay` signs the dlq.* lineage headers it puts
/// on a re-published letter, together with the message's topic, key and value,
/// with HMAC-SHA256 under a key only the pipeline holds; the refine stage believes
/// a message's lineage (attempts, first failure, original coordinates) only when
/// that signature verifies. Any producer can write `dlq.*` headers; none can sign
/// them. See docs/dlq.md, "Trusting lineage headers".

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kafka/producer.h"

namespace jsm::kafka {

/// The header that carries a replay's lineage signature: "v1:" + 64 lowercase hex digits.
inline constexpr std::string_view kLineageSignatureHeader = "dlq.signature";
/// Shortest signing key accepted, in bytes.
inline constexpr size_t kMinLineageKeyBytes = 16;

/// The lineage headers a signature covers, in the canonical order: dlq.attempts,
/// dlq.first_failed_at, dlq.replayed_from, dlq.replayed_at, dlq.previous_reason,
/// dlq.original.{topic,partition,offset,timestamp}.
const std::vector<std::string_view>& SignedLineageHeaders();

/// The message a signature is bound to, so that a signature copied onto another
/// message (another value, key or topic) does not verify.
struct SignedMessage {
  std::string_view topic;
  bool has_key = true;
  std::string_view key;
  bool has_value = true;
  std::string_view value;
};

/// How far a message's dlq.* headers can be believed.
enum class LineageTrust {
  kNone,          ///< no dlq.* header at all
  kVerified,      ///< signed by us over these very headers and this message
  kUnsigned,      ///< dlq.* headers without a dlq.signature
  kBadSignature,  ///< a dlq.signature that does not verify (forged, copied, tampered, other key)
  kAmbiguous,     ///< a signed header or the signature repeated: which copy counts cannot be told
};

/// "none", "verified", "unsigned", "bad_signature", "ambiguous".
std::string_view LineageTrustName(LineageTrust trust);

/// The bytes the signature is computed over: a version tag, then the topic, key,
/// value and each of SignedLineageHeaders() (absent or present, and its value), each
/// as an 8-byte big-endian length (all ones for absent) followed by its bytes.
/// Unambiguous: no two different inputs give the same bytes. Repeats: the last value of a name counts.
std::string CanonicalLineage(const std::vector<Header>& headers, const SignedMessage& message);

/// Signs and verifies lineage with one HMAC-SHA256 key. Thread-safe (no state after Create).
class LineageSigner {
 public:
  /// kInvalidArgument when `key` is shorter than kMinLineageKeyBytes (the message never contains the key).
  static Result<std::unique_ptr<LineageSigner>> Create(std::string_view key);
  ~LineageSigner();
  LineageSigner(const LineageSigner&) = delete;
  LineageSigner& operator=(const LineageSigner&) = delete;

  /// The dlq.signature value of `headers` (the lineage among them) on `message`.
  std::string Sign(const std::vector<Header>& headers, const SignedMessage& message) const;
  /// Appends the dlq.signature header of `*headers` on `message` (they must not have one yet).
  void AddSignature(std::vector<Header>* headers, const SignedMessage& message) const;
  /// Whether the dlq.* headers of a message can be believed; the signature is compared in constant time.
  LineageTrust Verify(const std::vector<Header>& headers, const SignedMessage& message) const;

 private:
  LineageSigner() = default;
  std::array<uint8_t, 32> Mac(std::string_view bytes) const;

  std::string key_;
};

}  // namespace jsm::kafka
