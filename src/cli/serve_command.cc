#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "pipeline/ingest_stage.h"
#include "serve/access_control.h"
#include "serve/consumer_lag.h"
#include "serve/api_router.h"
#include "serve/http_server.h"

namespace jsm::cli {
namespace {

/// How often, and how long at most per request, the broker is asked for watermarks.
constexpr int kLagRefreshMs = 2000;
constexpr int kLagTimeoutMs = 2000;

}  // namespace

struct ServeSession {
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<serve::LagMonitor> lag;  ///< consumer lag (no broker given: reports "not configured")
  std::unique_ptr<serve::ApiRouter> router;
  std::unique_ptr<serve::HttpServer> http;
  std::string url;
  std::string web_dir;  ///< the dashboard's directory, empty = none found
};

std::string DefaultDashboardDir() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  std::vector<std::filesystem::path> candidates;
  if (!error) {
    candidates.push_back(exe.parent_path().parent_path() / "web" / "dashboard" / "dist");
    candidates.push_back(exe.parent_path() / "web");
  }
  candidates.push_back(std::filesystem::path("web") / "dashboard" / "dist");
  for (const auto& dir : candidates) {
    if (std::filesystem::is_regular_file(dir / "index.html", error)) return dir.lexically_normal().string();
  }
  return "";
}

std::shared_ptr<ServeSession> StartServing(const std::string& lakehouse, const std::string& listen,
                                           const std::string& flag_token, int* exit_code, const std::string& web_dir,
                                           const storage::StoreSettings& store_settings,
                                           const pipeline::PipelineOptions* kafka,
                                           const pipeline::StageHealth* health,
                                           const std::vector<std::string>& allowed_hosts) {
  auto address = serve::ParseListenAddress(listen);
  if (!address) {
    PrintError(address.error().message());
    *exit_code = kExitUsage;
    return nullptr;
  }
  std::string token = flag_token;
  if (token.empty()) {
    if (const char* env = std::getenv("JSM_SERVE_TOKEN")) token = env;
  }
  std::vector<std::string> host_names = allowed_hosts;
  host_names.push_back(address->host);
  serve::AccessControl access(token, serve::IsLoopbackHost(address->host), std::move(host_names));
  if (auto valid = access.Validate(); !valid) {
    PrintError(valid.error().message());
    *exit_code = kExitUsage;
    return nullptr;
  }
  auto session = std::make_shared<ServeSession>();
  auto store = storage::OpenStore(lakehouse, store_settings, /*create_missing=*/false);
  if (!store) {
    PrintError(store.error().ToString());
    *exit_code = ExitCodeForLookup(store.error());
    return nullptr;
  }
  session->store = std::move(*store);
  std::string web = web_dir.empty() ? DefaultDashboardDir() : web_dir;
  if (!web_dir.empty() && !std::filesystem::is_regular_file(std::filesystem::path(web_dir) / "index.html")) {
    PrintError("no dashboard at " + web_dir + " (no index.html; build it with `make dashboard`)");
    *exit_code = kExitUsage;
    return nullptr;
  }
  session->web_dir = web;
  if (kafka != nullptr && kafka->bootstrap != "embedded") {
    const std::string group = pipeline::IngestStage::GroupId(*kafka);
    auto source = serve::NewKafkaWatermarkSource(kafka::ClientConfig{kafka->bootstrap, kafka->kafka_properties},
                                                 kafka->topic, group, kLagTimeoutMs);
    if (!source) {
      PrintError("consumer lag: " + source.error().ToString());
      *exit_code = kExitUsage;
      return nullptr;
    }
    session->lag = std::make_unique<serve::LagMonitor>(session->store.get(), std::move(*source), kafka->topic, group);
    session->lag->Start(kLagRefreshMs);
  } else if (kafka != nullptr) {
    session->lag = std::make_unique<serve::LagMonitor>(
        "the embedded broker lives inside this jsm run: consumer lag is reported on a shared broker "
        "(jsm run --bootstrap HOST:PORT --serve ...)");
  } else {
    session->lag = std::make_unique<serve::LagMonitor>();
  }
  session->router = std::make_unique<serve::ApiRouter>(session->store.get(), access, serve::StaticFiles(web),
                                                       session->lag.get(), health);
  auto http = serve::HttpServer::Start(session->router.get(), *address);
  if (!http) {
    PrintError(http.error().message());
    // An address in use is the command line's to change (usage); anything else may pass on retry.
    *exit_code = http.error().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitError;
    return nullptr;
  }
  session->http = std::move(*http);
  const bool v6 = address->host.find(':') != std::string::npos;
  session->url = "http://" + std::string(v6 ? "[" : "") + address->host + (v6 ? "]" : "") + ":" +
                 std::to_string(session->http->port());
  return session;
}

const std::string& ServeUrl(const ServeSession& session) { return session.url; }

namespace {

struct ServeArgs {
  std::string lakehouse;  ///< empty = the config's lakehouse.uri, else ./lakehouse
  std::string config;
  std::string bootstrap;
  std::string topic;
  std::string listen = "127.0.0.1:8080";
  std::string token;
  std::string web;
  std::vector<std::string> allowed_hosts;
};

int Serve(const ServeArgs& args) {
  const std::optional<pipeline::PipelineOptions> options =
      LoadOptions(args.config, args.lakehouse, args.bootstrap, args.topic);
  if (!options) return kExitUsage;
  const std::string& lakehouse = options->lakehouse;
  if (auto exists = CheckLakehouseExists(lakehouse); !exists) {
    PrintError(exists.error().ToString() + " (give --lakehouse DIR or URI, or --config)");
    return ExitCodeForLookup(exists.error());
  }
  int exit_code = kExitOk;
  // Consumer lag needs a broker outside this process: none when the settings name the embedded one
  // (the default without --bootstrap or a config naming a broker).
  const bool shared = options->bootstrap != "embedded";
  auto session = StartServing(lakehouse, args.listen, args.token, &exit_code, args.web, options->storage,
                              shared ? &*options : nullptr, nullptr, args.allowed_hosts);
  if (!session) return exit_code;
  // The first line is the base URL alone, for scripts (useful with port 0).
  std::printf("%s\n", session->url.c_str());
  std::printf("serving %s: /api/tables, /api/health, /metrics, /healthz, /readyz; Ctrl-C stops\n", lakehouse.c_str());
  if (shared) {
    std::printf("consumer lag of topic %s from %s, every %d s\n", options->topic.c_str(), options->bootstrap.c_str(),
                kLagRefreshMs / 1000);
  } else {
    std::printf("no consumer lag (give --bootstrap HOST:PORT, or --config FILE naming a broker)\n");
  }
  if (session->web_dir.empty()) {
    std::printf("no dashboard found (run `make dashboard`, or give --web DIR)\n");
  } else {
    std::printf("dashboard at %s/ (from %s)\n", session->url.c_str(), session->web_dir.c_str());
  }
  std::fflush(stdout);
  while (!StopRequested().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  session->http->Stop();
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterServeCommand(CLI::App* app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app->add_subcommand(
      "serve",
      "Serve the lakehouse over HTTP: the live dashboard at /, /api/tables (JSON list), /api/tables/<layer>/<name>?limit=&order=&filter=&version=\n"
      "&format=json|csv, /metrics (Prometheus text), /api/health (consumer lag and commit conflicts, JSON), /healthz, /readyz.\n"
      "Consumer lag needs a broker (--bootstrap, or a --config naming one). See docs/serve.md.");
  command->add_option("--lakehouse", args->lakehouse,
                      "lakehouse root: a directory, az://container/path or abfss://container@account.dfs.core.windows.net/path "
                      "(default: the config's lakehouse.uri, else ./lakehouse)");
  command->add_option("--config", args->config,
                      "TOML settings file as `jsm run` takes it: its [lakehouse] uri, [storage.azure] credentials "
                      "(docs/azure.md) and [kafka] settings (bootstrap, topic, group, properties: the consumer lag series)")
      ->check(CLI::ExistingFile);
  command->add_option("--bootstrap", args->bootstrap,
                      "Kafka brokers HOST:PORT,... to read the order topic's watermarks from, for consumer lag in "
                      "/metrics and /api/health (none = no lag series)");
  command->add_option("--topic", args->topic, "order topic whose lag is reported (default pedidos)");
  command->add_option("--listen", args->listen,
                      "HOST:PORT to listen on (port 0 = any free port, printed on the first line); beyond loopback a "
                      "token is required")
      ->capture_default_str();
  command->add_option("--token", args->token,
                      "token every request but /healthz must carry (Authorization: Bearer TOKEN or ?token=); "
                      "default: the JSM_SERVE_TOKEN environment variable");
  command->add_option("--allow-host", args->allowed_hosts,
                      "a name clients reach this server by (repeatable; IP addresses, localhost and the --listen "
                      "host always work): a request whose Host header names anything else gets 421, so a web page "
                      "cannot read the lakehouse through DNS rebinding");
  command->add_option("--web", args->web,
                      "directory of the built dashboard served at / (default: <dir of jsm>/../web/dashboard/dist, i.e. "
                      "the source tree of build/jsm after `make dashboard`, then <dir of jsm>/web, then "
                      "./web/dashboard/dist; see docs/dashboard.md)");
  return [args] { return Serve(*args); };
}

}  // namespace jsm::cli
