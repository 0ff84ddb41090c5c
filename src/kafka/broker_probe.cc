#include "kafka/broker_probe.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>

#include "kafka/client_conf.h"
#include "kafka/rdkafka_error.h"

namespace jsm::kafka {
namespace {

/// What librdkafka's error callback reported while probing.
struct ProbeState {
  std::mutex mutex;
  std::optional<Error> permanent;  // authentication failed, or a fatal error
  std::string last_reason;         // the last connection problem, for the timeout message
  bool all_down = false;           // librdkafka found every broker down

  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<ProbeState*>(opaque);
    const std::string text = reason != nullptr ? reason : "";
    std::lock_guard<std::mutex> lock(self->mutex);
    if (IsAuthenticationError(err) && !MayBeTransientTls(err, text)) {
      if (!self->permanent) {
        // librdkafka's reason names the broker ("sasl_plaintext://host:port/id: SASL
        // authentication error: ...", "ssl://host:port/id: SSL handshake failed: ...
        // certificate verify failed ..."); it never contains the password.
        const char* what = err == RD_KAFKA_RESP_ERR__SSL
                               ? "Kafka TLS handshake failed (not retried: check security.protocol, "
                                 "ssl.ca.location and the broker's certificate and host name): "
                               : "Kafka authentication failed (not retried: check security.protocol, "
                                 "sasl.mechanism, sasl.username and the password or certificates): ";
        self->permanent = Error(ErrorCode::kInvalidArgument,
                                what + text + " (" + rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ")");
      }
    } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char fatal[512] = {0};
      const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
      if (!self->permanent) self->permanent = RdKafkaError(cause, "fatal Kafka client error", fatal);
    } else if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      self->all_down = true;
      if (self->last_reason.empty()) self->last_reason = text;
    } else {
      self->last_reason = text;
    }
  }
};

}  // namespace

bool MayBeTransientTls(int rdkafka_error, std::string_view reason) {
  if (rdkafka_error != RD_KAFKA_RESP_ERR__SSL) return false;
  // A handshake that fails on what the two sides present (a certificate that does not
  // verify, a protocol mismatch, an alert from the peer) fails the same way every time;
  // one cut short (a broker restarting, a reset connection) may succeed on the next try.
  for (std::string_view lasting : {"certificate", "verify", "wrong version number", "unknown protocol", "alert",
                                   "no shared cipher", "unsupported protocol", "packet length too long"}) {
    if (reason.find(lasting) != std::string_view::npos) return false;
  }
  return true;
}

bool IsAuthenticationError(int rdkafka_error) {
  switch (static_cast<rd_kafka_resp_err_t>(rdkafka_error)) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
    case RD_KAFKA_RESP_ERR__SSL:
      return true;
    default:
      return false;
  }
}

Status ProbeBrokers(const ClientConfig& config, int timeout_ms, bool stop_when_all_down) {
  ProbeState state;
  JSM_ASSIGN_OR_RETURN(RdKafkaConfPtr conf,
                       NewClientConf(config, {{"client.id", "jsm-probe"},
                                              // Reconnect quickly while probing (defaults: 100 ms to 10 s).
                                              {"reconnect.backoff.max.ms", "1000"}}));
  rd_kafka_conf_set_error_cb(conf.get(), &ProbeState::OnError);
  rd_kafka_conf_set_opaque(conf.get(), &state);
  JSM_ASSIGN_OR_RETURN(rd_kafka_t * rk, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Status result = Status::Ok();
  while (true) {
    rd_kafka_poll(rk, 0);  // serves the error callback
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      if (state.permanent) {
        result = std::unexpected(*state.permanent);
        break;
      }
      if (stop_when_all_down && state.all_down) {
        result = MakeError(ErrorCode::kUnavailable,
                           "no Kafka broker of '" + config.bootstrap_servers + "' is reachable: " + state.last_reason);
        break;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      std::lock_guard<std::mutex> lock(state.mutex);
      std::string message = "no Kafka broker of '" + config.bootstrap_servers + "' answered within " +
                            std::to_string(timeout_ms / 1000) + " s";
      if (!state.last_reason.empty()) message += ": " + state.last_reason;
      result = MakeError(ErrorCode::kUnavailable, std::move(message));
      break;
    }
    const rd_kafka_metadata_t* metadata = nullptr;
    const int slice = static_cast<int>(std::min<int64_t>(left.count(), 250));
    if (rd_kafka_metadata(rk, /*all_topics=*/0, nullptr, &metadata, slice) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(metadata);
      break;
    }
  }
  rd_kafka_destroy(rk);
  return result;
}

}  // namespace jsm::kafka
