#pragma once
/// A connection check before a command or stage starts work: does any broker of
/// the bootstrap list answer, and do they accept our credentials? librdkafka
/// itself never gives up on a broker (an authentication failure is retried
/// forever and a blocking call only ends in a generic timeout), so commands ask
/// this first and fail fast with an error a person can act on.

#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace jsm::kafka {

/// Connects a short-lived client with `config` (its [kafka.properties] included)
/// and waits up to `timeout_ms` for a metadata answer. Ok as soon as a broker
/// answers. An authentication failure (SASL, SSL handshake) or a fatal client
/// error is kInvalidArgument at once, naming the broker and saying
/// "authentication failed" (or "TLS handshake failed" with librdkafka's reason,
/// e.g. "certificate verify failed") (permanent: IsTransient is false, nothing retries it).
/// No answer within the time is kUnavailable naming the bootstrap list and
/// librdkafka's last connection error (transient: a caller may retry). With
/// `stop_when_all_down`, kUnavailable comes as soon as librdkafka has found
/// every broker down (e.g. connection refused), so a caller's own backoff paces
/// the retries; without it the probe keeps waiting (a broker may be restarting).
/// Never echoes a sensitive property.
Status ProbeBrokers(const ClientConfig& config, int timeout_ms, bool stop_when_all_down = false);

/// True for librdkafka errors that mean the credentials or the TLS set-up are
/// wrong (retrying with the same configuration cannot succeed).
bool IsAuthenticationError(int rdkafka_error);

/// True for a TLS error (`_SSL`) whose `reason` does not point at what the two sides
/// present (certificate, verification, protocol mismatch, an alert): a handshake cut
/// short by a restarting broker, which the probe keeps waiting through.
bool MayBeTransientTls(int rdkafka_error, std::string_view reason);

}  // namespace jsm::kafka
