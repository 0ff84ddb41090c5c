#pragma once
/// The routes of `jsm serve`, independent of the HTTP library so they can be
/// tested without sockets: /healthz, /readyz, /metrics, /api/health (consumer
/// lag and commit conflicts as JSON, for the dashboard), /api/tables and
/// /api/tables/<layer>/<name>. Only GET (and HEAD) are served.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "delta/json_writer.h"
#include "serve/access_control.h"
#include "serve/prometheus_metrics.h"
#include "serve/static_files.h"
#include "storage/object_store.h"

namespace jsm::serve {

/// A request as the router needs it (path and parameters already URL-decoded).
struct HttpRequest {
  std::string method = "GET";
  std::string path;
  std::multimap<std::string, std::string> params;
  std::string accept;         ///< the Accept header
  std::string authorization;  ///< the Authorization header
  std::string host;           ///< the Host header (empty: none, HTTP/1.0)
};

/// A response to send.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Routes requests to the lakehouse's tables and metrics. Thread-safe.
class ApiRouter {
 public:
  /// `store` must outlive the router. `web` serves the dashboard at / (empty = no dashboard).
  /// `lag` (may be null: no Kafka settings, no lag figures) must outlive the router. `health`
  /// (may be null: `jsm serve` alone) is the stages of the `jsm run` this router serves in:
  /// /readyz answers 503 while one of them keeps failing, and /metrics shows it.
  ApiRouter(storage::ObjectStore* store, AccessControl access, StaticFiles web = StaticFiles(),
            const LagMonitor* lag = nullptr, const pipeline::StageHealth* health = nullptr)
      : store_(store),
        access_(std::move(access)),
        metrics_(store, lag, health),
        web_(std::move(web)),
        lag_(lag),
        health_(health) {}

  /// The answer to `request`, with the security headers every answer carries.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request);
  HttpResponse ListTablesResponse();
  HttpResponse TableResponse(const HttpRequest& request, std::string_view rest);
  HttpResponse MetricsResponse();
  HttpResponse ReadyResponse();
  HttpResponse HealthResponse();

  storage::ObjectStore* store_;
  AccessControl access_;
  MetricsCollector metrics_;
  StaticFiles web_;
  const LagMonitor* lag_;
  const pipeline::StageHealth* health_;
};

/// The "lag" object of /api/health and /readyz: configured, kafka_up, topic, group,
/// error, refreshed_at (Unix seconds), total and per partition (partition,
/// high_watermark, low_watermark, bronze_offset, group_offset, lag).
void WriteLagJson(const LagReport& report, delta::JsonWriter* json);

/// A JSON error body {"error": message} with `status`; bytes of `message` that are not
/// UTF-8 (a request path quoted in it) become U+FFFD, so the body is always valid JSON.
HttpResponse ErrorResponse(int status, std::string_view message);

/// The headers every answer of the server carries (X-Content-Type-Options, X-Frame-Options,
/// Referrer-Policy, Content-Security-Policy).
void AddSecurityHeaders(HttpResponse* response);

/// True for the routes that answer with data (/readyz, /metrics, /api/...): never a dashboard file.
bool IsDataPath(std::string_view path);

/// The HTTP status of an error: 400 invalid argument, 404 not found, 503 unavailable, 500 otherwise.
int StatusOf(const Error& error);

}  // namespace jsm::serve
