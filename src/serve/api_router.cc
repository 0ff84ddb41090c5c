#include "serve/api_router.h"

#include <algorithm>

#include "common/clock.h"
#include "common/logging.h"
#include "delta/json_writer.h"
#include "delta/table.h"
#include "kafka/rdkafka_log.h"
#include "serve/table_catalog.h"
#include "serve/table_query.h"

namespace jsm::serve {
namespace {

/// Length of the well-formed UTF-8 sequence at the start of `text` (1-4), or 0.
size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) > 0x9F)) return 0;  // overlong, surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if ((lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) > 0x8F)) return 0;  // overlong, > U+10FFFF
    return 4;
  }
  return 0;
}

/// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD, so
/// a message quoting a request's path or parameters stays valid JSON.
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

}  // namespace

HttpResponse ErrorResponse(int status, std::string_view message) {
  delta::JsonWriter json;
  json.BeginObject();
  const std::string text = ValidUtf8(message);
  json.Member("error", std::string_view(text));
  json.EndObject();
  HttpResponse response;
  response.status = status;
  response.body = json.Take() + "\n";
  return response;
}

HttpResponse StorageErrorResponse(std::string_view what, const Error& error) {
  // The error's own text may name absolute paths or quote the storage service: the log has it.
  Log().warn(R"("http request failed","what":{},"error":{})", kafka::JsonQuoted(what),
             kafka::JsonQuoted(error.ToString()));
  return ErrorResponse(StatusOf(error), std::string(what) + " (" + std::string(ErrorCodeName(error.code())) +
                                            "; the server's log says more)");
}

int StatusOf(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

void AddSecurityHeaders(HttpResponse* response) {
  // No MIME sniffing, no framing (clickjacking), no referrer, and a policy that lets the
  // dashboard load only its own files (no inline script, no other origin).
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("X-Frame-Options", "DENY");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  response->headers.emplace_back("Content-Security-Policy",
                                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

HttpResponse ApiRouter::Handle(const HttpRequest& request) {
  HttpResponse response = Route(request);
  AddSecurityHeaders(&response);
  return response;
}

bool IsDataPath(std::string_view path) {
  return path == "/readyz" || path == "/metrics" || path == "/api" || path.starts_with("/api/");
}

HttpResponse ApiRouter::Route(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = ErrorResponse(405, "only GET is served");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (request.path == "/healthz") {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = "ok\n";
    return response;
  }
  if (!access_.AllowsHost(request.host)) {
    return ErrorResponse(421, "Host '" + request.host +
                                  "' is not a name of this server (a page using DNS rebinding?); a name of yours "
                                  "is allowed with --allow-host NAME");
  }
  // The dashboard's own files hold no data: a page opened with ?token= loads them without it,
  // then sends the token with every data request.
  if (!IsDataPath(request.path)) {
    if (auto file = web_.Find(request.path)) {
      HttpResponse response;
      response.content_type = std::move(file->content_type);
      response.body = std::move(file->body);
      response.headers.emplace_back("Cache-Control", "no-cache");
      return response;
    }
  }
  const auto token = request.params.find("token");
  if (!access_.Allows(request.path, request.authorization, token == request.params.end() ? "" : token->second)) {
    HttpResponse response = ErrorResponse(401, "a valid token is required: Authorization: Bearer <token>");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  if (request.path == "/readyz") return ReadyResponse();
  if (request.path == "/metrics") return MetricsResponse();
  if (request.path == "/api/health") return HealthResponse();
  if (request.path == "/api/tables" || request.path == "/api/tables/") return ListTablesResponse();
  constexpr std::string_view kTablePrefix = "/api/tables/";
  if (request.path.starts_with(kTablePrefix)) {
    return TableResponse(request, std::string_view(request.path).substr(kTablePrefix.size()));
  }
  if (request.path == "/" && !web_.enabled()) {
    return ErrorResponse(404, "no dashboard: build it with `make dashboard` or give `--web DIR` (see docs/dashboard.md)");
  }
  return ErrorResponse(404, "no route " + request.path + " (try /, /api/tables, /api/health, /metrics, /healthz, /readyz)");
}

HttpResponse ApiRouter::ReadyResponse() {
  auto tables = ListTables(store_);
  if (!tables) {
    HttpResponse response = StorageErrorResponse("the lakehouse cannot be listed", tables.error());
    response.status = 503;
    return response;
  }
  const std::vector<pipeline::StageHealthEntry> stages =
      health_ != nullptr ? health_->Snapshot() : std::vector<pipeline::StageHealthEntry>();
  const bool failing = std::any_of(stages.begin(), stages.end(), [](const auto& s) { return s.failing; });
  delta::JsonWriter json;
  json.BeginObject();
  json.Member("ready", !failing);
  json.Member("tables", static_cast<int64_t>(tables->size()));
  if (health_ != nullptr) {
    // The stages of the run this server lives in: a failing one makes the process not ready.
    json.Key("stages");
    json.BeginArray();
    for (const pipeline::StageHealthEntry& stage : stages) {
      json.BeginObject();
      json.Member("stage", std::string_view(stage.stage));
      json.Member("failing", stage.failing);
      if (stage.failing) {
        json.Key("failing_for_s");
        json.Double(std::max(0.0, static_cast<double>(NowMicros()) / 1e6 - stage.failing_since_unix));
        json.Member("attempts", static_cast<int64_t>(stage.attempts));
        json.Member("last_error", std::string_view(ValidUtf8(stage.last_error)));
      }
      json.EndObject();
    }
    json.EndArray();
  }
  // Lag needs the Kafka settings (--bootstrap/--config); without them there are no lag series.
  json.Key("lag");
  WriteLagJson(lag_ == nullptr ? LagMonitor().Report() : lag_->Report(), &json);
  json.EndObject();
  HttpResponse response;
  if (failing) response.status = 503;
  response.body = json.Take() + "\n";
  return response;
}

void WriteLagJson(const LagReport& report, delta::JsonWriter* json) {
  json->BeginObject();
  json->Member("configured", report.configured);
  if (!report.configured) {
    json->Member("reason", report.reason.empty() ? std::string_view("no Kafka settings given") : std::string_view(report.reason));
    json->EndObject();
    return;
  }
  json->Member("kafka_up", report.kafka_up);
  json->Member("topic", std::string_view(report.topic));
  json->Member("group", std::string_view(report.group));
  if (!report.kafka_up) json->Member("error", std::string_view(report.error));
  json->Key("refreshed_at");
  json->Double(static_cast<double>(report.refreshed_at_us) / 1e6);
  if (report.kafka_up) {
    json->Member("total", report.total_lag());
    json->Key("partitions");
    json->BeginArray();
    for (const PartitionLag& p : report.partitions) {
      json->BeginObject();
      json->Member("partition", static_cast<int64_t>(p.partition));
      json->Member("high_watermark", p.high_watermark);
      json->Member("low_watermark", p.low_watermark);
      json->Member("bronze_offset", p.bronze_offset);
      if (p.group_offset) json->Member("group_offset", *p.group_offset);
      json->Member("lag", p.lag());
      json->EndObject();
    }
    json->EndArray();
  }
  json->EndObject();
}

HttpResponse ApiRouter::HealthResponse() {
  auto conflicts = metrics_.CommitConflicts();
  if (!conflicts) return StorageErrorResponse("the commit conflicts cannot be read", conflicts.error());
  delta::JsonWriter json;
  json.BeginObject();
  json.Key("lag");
  WriteLagJson(lag_ == nullptr ? LagMonitor().Report() : lag_->Report(), &json);
  json.Key("commit_conflicts");
  json.BeginObject();
  int64_t total = 0;
  for (const auto& [key, count] : *conflicts) total += count;
  json.Member("total", total);
  json.Key("by_table");
  json.BeginArray();
  for (const auto& [key, count] : *conflicts) {
    json.BeginObject();
    json.Member("stage", std::string_view(key.first));
    json.Member("table", std::string_view(key.second));
    json.Member("conflicts", count);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  json.EndObject();
  HttpResponse response;
  response.body = json.Take() + "\n";
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

HttpResponse ApiRouter::ListTablesResponse() {
  auto tables = ListTables(store_);
  if (!tables) return StorageErrorResponse("the lakehouse cannot be listed", tables.error());
  delta::JsonWriter json;
  json.BeginObject();
  json.Key("tables");
  json.BeginArray();
  for (const TableRef& ref : *tables) {
    auto table = delta::DeltaTable::Open(store_, ref.path());
    if (!table) continue;  // being created: listed once it has a commit
    int64_t rows = 0;
    for (const auto& [path, add] : (*table)->snapshot().files) rows += std::max<int64_t>(add.num_records, 0);
    json.BeginObject();
    json.Member("layer", std::string_view(ref.layer));
    json.Member("name", std::string_view(ref.name));
    json.Member("version", (*table)->version());
    json.Member("rows", rows);
    json.Member("files", static_cast<int64_t>((*table)->snapshot().files.size()));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  HttpResponse response;
  response.body = json.Take() + "\n";
  return response;
}

HttpResponse ApiRouter::TableResponse(const HttpRequest& request, std::string_view rest) {
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) {
    return ErrorResponse(404, "use /api/tables/<layer>/<name>");
  }
  auto ref = FindTable(store_, rest.substr(0, slash), rest.substr(slash + 1));
  if (!ref) return ErrorResponse(StatusOf(ref.error()), ref.error().message());
  auto query = ParseTableQuery(request.params, request.accept);
  if (!query) return ErrorResponse(400, query.error().message());
  auto rows = QueryTable(store_, ref->path(), *query);
  if (!rows) {
    // A request's own mistake (an unknown column) is told as it is; anything else by the table's
    // name, since the error's text names files where they are stored.
    const Error& error = rows.error();
    if (error.code() == ErrorCode::kInvalidArgument) return ErrorResponse(400, error.message());
    if (error.code() == ErrorCode::kNotFound && query->version >= 0) {
      HttpResponse response = StorageErrorResponse(
          ref->path() + " has no version " + std::to_string(query->version) + " (or its log was cleaned up)", error);
      response.status = 404;
      return response;
    }
    HttpResponse response = StorageErrorResponse(ref->path() + " cannot be read", error);
    response.status = 500;
    return response;
  }
  HttpResponse response;
  if (query->csv) {
    response.content_type = "text/csv; charset=utf-8";
    response.body = RowsToCsv(*rows);
  } else {
    response.body = RowsToJson(ref->path(), *rows) + "\n";
  }
  response.headers.emplace_back("X-Delta-Version", std::to_string(rows->version));
  return response;
}

HttpResponse ApiRouter::MetricsResponse() {
  auto text = metrics_.Render();
  if (!text) return StorageErrorResponse("the metrics cannot be read", text.error());
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(*text);
  return response;
}

}  // namespace jsm::serve
