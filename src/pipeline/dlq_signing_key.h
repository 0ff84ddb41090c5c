#pragma once
/// The key that signs replay lineage (kafka/dead_letter_signature.h): environment
/// variable JSM_DLQ_SIGNING_KEY when set (the same value for `jsm run` and `jsm dlq`),
/// else a random 32-byte key created once per lakehouse at `_system/dlq_signing_key`.
/// Whoever can read the lakehouse can read that key; the attacker it stops is a Kafka
/// producer, who cannot (docs/dlq.md, "Trusting lineage headers").

#include <memory>
#include <string>

#include "common/status.h"
#include "kafka/dead_letter_signature.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Environment variable holding the signing key (raw bytes, at least kafka::kMinLineageKeyBytes).
inline constexpr const char* kDlqSigningKeyVariable = "JSM_DLQ_SIGNING_KEY";
/// Where the lakehouse's own key is kept when the variable is not set: 64 hex digits and a newline.
inline constexpr const char* kDlqSigningKeyPath = "_system/dlq_signing_key";

/// The lineage signer of one lakehouse, loaded on first use. Not thread-safe; one per stage or command.
class DlqSigningKey {
 public:
  /// Reads JSM_DLQ_SIGNING_KEY now: kInvalidArgument naming the variable (never its
  /// value) when it is set but too short. Touches no storage.
  static Result<std::unique_ptr<DlqSigningKey>> Create(storage::ObjectStore* store);

  /// The signer to verify with: the variable's key, else the lakehouse key if it exists;
  /// nullptr when none exists yet (then nothing was ever signed). An absent key file is
  /// looked up again at most every few seconds, so a refine that runs on sees a key
  /// created later by `jsm dlq replay`. A key file that is not 64 hex digits is kCorruption.
  Result<const kafka::LineageSigner*> ForVerifying();
  /// The signer to sign with: as ForVerifying, but the lakehouse key is created
  /// (32 random bytes, put-if-absent: of two creators one wins and both use its key) when absent.
  Result<const kafka::LineageSigner*> ForSigning();
  /// Where the key comes from, for messages: "environment variable JSM_DLQ_SIGNING_KEY" or the key file's path.
  std::string source() const;

 private:
  DlqSigningKey() = default;
  /// Reads the key file into signer_; kNotFound when absent.
  Status LoadFile();

  storage::ObjectStore* store_ = nullptr;
  bool from_environment_ = false;
  std::unique_ptr<kafka::LineageSigner> signer_;
  double absent_checked_at_ = -1;  ///< MonotonicSeconds() of the last lookup that found no key file
};

}  // namespace jsm::pipeline
