#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "serve/access_control.h"
#include "serve/api_router.h"
#include "serve/http_server.h"

namespace jsm::cli {
namespace {

}  // namespace

struct ServeSession {
  std::unique_ptr<storage::ObjectStore> store;
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
                                           const storage::StoreSettings& store_settings) {
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
  serve::AccessControl access(token, serve::IsLoopbackHost(address->host));
  if (auto valid = access.Validate(); !valid) {
    PrintError(valid.error().message());
    *exit_code = kExitUsage;
    return nullptr;
  }
  auto session = std::make_shared<ServeSession>();
  auto store = storage::OpenStore(lakehouse, store_settings);
  if (!store) {
    PrintError(store.error().ToString());
    *exit_code = kExitError;
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
  session->router = std::make_unique<serve::ApiRouter>(session->store.get(), access, serve::StaticFiles(web));
  auto http = serve::HttpServer::Start(session->router.get(), *address);
  if (!http) {
    PrintError(http.error().message());
    *exit_code = kExitError;
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
  std::string listen = "127.0.0.1:8080";
  std::string token;
  std::string web;
};

int Serve(const ServeArgs& args) {
  const std::optional<pipeline::PipelineOptions> options = LoadOptions(args.config, args.lakehouse, "", "");
  if (!options) return kExitUsage;
  const std::string& lakehouse = options->lakehouse;
  // Object-store URIs are checked by opening the store.
  if (lakehouse.find("://") == std::string::npos && !std::filesystem::is_directory(lakehouse)) {
    PrintError("no lakehouse at " + lakehouse + " (give --lakehouse DIR or URI, or --config)");
    return kExitError;
  }
  int exit_code = kExitOk;
  auto session = StartServing(lakehouse, args.listen, args.token, &exit_code, args.web, options->storage);
  if (!session) return exit_code;
  // The first line is the base URL alone, for scripts (useful with port 0).
  std::printf("%s\n", session->url.c_str());
  std::printf("serving %s: /api/tables, /metrics, /healthz, /readyz; Ctrl-C stops\n", lakehouse.c_str());
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
      "&format=json|csv, /metrics (Prometheus text), /healthz, /readyz. See docs/serve.md.");
  command->add_option("--lakehouse", args->lakehouse,
                      "lakehouse root: a directory, az://container/path or abfss://container@account.dfs.core.windows.net/path "
                      "(default: the config's lakehouse.uri, else ./lakehouse)");
  command->add_option("--config", args->config,
                      "TOML settings file: its [lakehouse] uri and [storage.azure] credentials (docs/azure.md)");
  command->add_option("--listen", args->listen,
                      "HOST:PORT to listen on (port 0 = any free port, printed on the first line); beyond loopback a "
                      "token is required")
      ->capture_default_str();
  command->add_option("--token", args->token,
                      "token every request but /healthz must carry (Authorization: Bearer TOKEN or ?token=); "
                      "default: the JSM_SERVE_TOKEN environment variable");
  command->add_option("--web", args->web,
                      "directory of the built dashboard served at / (default: <dir of jsm>/../web/dashboard/dist, i.e. "
                      "the source tree of build/jsm after `make dashboard`, then <dir of jsm>/web, then "
                      "./web/dashboard/dist; see docs/dashboard.md)");
  return [args] { return Serve(*args); };
}

}  // namespace jsm::cli
