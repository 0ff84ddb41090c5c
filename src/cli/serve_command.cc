#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "server/access_control.h"
#include "server/api_router.h"
#include "server/http_server.h"

namespace jsm::cli {
namespace {

struct ServeArgs {
  std::string lakehouse = "lakehouse";
  std::string listen = "127.0.0.1:8080";
  std::string token;
};

int Serve(const ServeArgs& args) {
  auto address = server::ParseListenAddress(args.listen);
  if (!address) {
    PrintError(address.error().message());
    return kExitUsage;
  }
  std::string token = args.token;
  if (token.empty()) {
    if (const char* env = std::getenv("JSM_SERVE_TOKEN")) token = env;
  }
  server::AccessControl access(token, server::IsLoopbackHost(address->host));
  if (auto valid = access.Validate(); !valid) {
    PrintError(valid.error().message());
    return kExitUsage;
  }
  if (!std::filesystem::is_directory(args.lakehouse)) {
    PrintError("no lakehouse at " + args.lakehouse + " (give --lakehouse DIR)");
    return kExitError;
  }
  auto store = storage::OpenStore(args.lakehouse);
  if (!store) {
    PrintError(store.error().ToString());
    return kExitError;
  }
  server::ApiRouter router(store->get(), access);
  auto http = server::HttpServer::Start(&router, *address);
  if (!http) {
    PrintError(http.error().message());
    return kExitError;
  }
  // The first line is the base URL alone, for scripts (useful with port 0).
  const bool v6 = address->host.find(':') != std::string::npos;
  std::printf("http://%s%s%s:%d\n", v6 ? "[" : "", address->host.c_str(), v6 ? "]" : "", (*http)->port());
  std::printf("serving %s: /api/tables, /metrics, /healthz, /readyz%s; Ctrl-C stops\n", args.lakehouse.c_str(),
              token.empty() ? "" : " (token required)");
  std::fflush(stdout);
  while (!StopRequested().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*http)->Stop();
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterServeCommand(CLI::App* app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app->add_subcommand(
      "serve",
      "Serve the lakehouse over HTTP: /api/tables (JSON list), /api/tables/<layer>/<name>?limit=&order=&filter=&version=\n"
      "&format=json|csv, /metrics (Prometheus text), /healthz, /readyz. See docs/serve.md.");
  command->add_option("--lakehouse", args->lakehouse, "lakehouse root directory")->capture_default_str();
  command->add_option("--listen", args->listen,
                      "HOST:PORT to listen on (port 0 = any free port, printed on the first line); beyond loopback a "
                      "token is required")
      ->capture_default_str();
  command->add_option("--token", args->token,
                      "token every request but /healthz must carry (Authorization: Bearer TOKEN or ?token=); "
                      "default: the JSM_SERVE_TOKEN environment variable");
  return [args] { return Serve(*args); };
}

}  // namespace jsm::cli
