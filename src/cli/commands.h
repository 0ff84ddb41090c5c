#pragma once
/// The `jsm` subcommands. Each registers its options on the CLI11 app and
/// returns the process exit code when run. Only this module prints.

#include <CLI/CLI.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_code.h"
#include "model/order_source.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/stage_health.h"

namespace jsm::cli {


/// Set by SIGINT/SIGTERM.
std::atomic<bool>& StopRequested();
/// Installs the SIGINT/SIGTERM handlers (a second signal exits at once).
void InstallSignalHandlers();

/// Where replayed orders come from: --input CSV or --synthetic N [--seed S].
struct InputOptions {
  std::string csv;
  int64_t synthetic = -1;
  uint64_t seed = 42;
  /// Adds the options to `command`.
  void Register(CLI::App* command, int64_t default_synthetic);
  /// Opens the source; a CSV file is first read to its end (CheckOrders: every line well-formed,
  /// no event larger than `max_message_bytes`), so that a bad file produces nothing. Null with a
  /// message on stderr and `*exit_code` set when it cannot (4 for a file that is refused).
  std::unique_ptr<model::OrderSource> Open(int64_t max_message_bytes, int* exit_code) const;
  int64_t default_synthetic_ = 0;
};

/// `jsm run`.
std::function<int()> RegisterRunCommand(CLI::App* app);
/// `jsm produce`.
std::function<int()> RegisterProduceCommand(CLI::App* app);
/// `jsm broker`.
std::function<int()> RegisterBrokerCommand(CLI::App* app);
/// `jsm table`.
std::function<int()> RegisterTableCommand(CLI::App* app);
/// `jsm quality report`.
std::function<int()> RegisterQualityCommand(CLI::App* app);
/// `jsm config check`.
std::function<int()> RegisterConfigCommand(CLI::App* app);
/// `jsm topics ensure`.
std::function<int()> RegisterTopicsCommand(CLI::App* app);
/// `jsm dlq list|replay|discard`.
std::function<int()> RegisterDlqCommand(CLI::App* app);
/// `jsm erase`.
std::function<int()> RegisterEraseCommand(CLI::App* app);
/// `jsm serve`.
std::function<int()> RegisterServeCommand(CLI::App* app);
/// A running `jsm serve` listener (also started by `jsm run --serve`); stops when released.
struct ServeSession;
/// Starts serving `lakehouse` on `listen` (token: `token`, else JSM_SERVE_TOKEN); null
/// with the message printed and `*exit_code` set when it cannot. `session->url` is its base URL.
/// `web_dir` holds the dashboard served at /; empty = DefaultDashboardDir(). `store_settings`
/// are the config's `[storage.*]` sections (Azure credentials of an az:// lakehouse). `kafka` (null
/// or an embedded bootstrap = none) gives the broker, topic and group whose consumer lag is served.
/// `allowed_hosts`: names a request's Host header may carry besides IP literals, localhost and the
/// listen host (--allow-host; any other name is refused, against DNS rebinding).
std::shared_ptr<ServeSession> StartServing(const std::string& lakehouse, const std::string& listen,
                                           const std::string& token, int* exit_code, const std::string& web_dir = "",
                                           const storage::StoreSettings& store_settings = {},
                                           const pipeline::PipelineOptions* kafka = nullptr,
                                           const pipeline::StageHealth* health = nullptr,
                                           const std::vector<std::string>& allowed_hosts = {});
/// The built dashboard next to the binary: <dir of jsm>/../web/dashboard/dist (a build tree in
/// the source tree, as `make build` makes), else <dir of jsm>/web, else ./web/dashboard/dist;
/// empty when none holds an index.html.
std::string DefaultDashboardDir();
/// The base URL of a session.
const std::string& ServeUrl(const ServeSession& session);

/// Settings from `config` (defaults when empty) with the command-line overrides
/// that are not empty applied; prints the error and returns nullopt on a bad file.
std::optional<pipeline::PipelineOptions> LoadOptions(const std::string& config, const std::string& lakehouse,
                                                     const std::string& bootstrap, const std::string& topic);

/// Ok when `lakehouse` can be looked at without creating it: an object-store URI (checked when its
/// tables are read) or an existing local directory (path or file:// URI). kNotFound when the directory
/// does not exist, kInvalidArgument when the path is not a directory.
Status CheckLakehouseExists(const std::string& lakehouse);

/// The message.max.bytes of a producer with the `[kafka.properties]` of `options`; prints the error,
/// sets `*exit_code` (4: a bad Kafka setting) and returns -1 when librdkafka rejects a property.
int64_t MaxMessageBytes(const pipeline::PipelineOptions& options, int* exit_code);

/// A CLI11 check that an option's value is a number >= 0, saying so in one short line
/// ("must be 0 or more, got -1"); use it instead of CLI::NonNegativeNumber.
CLI::Validator NonNegativeNumber();

/// Prints "jsm: error: <message>" to stderr, each line of the message terminal-safe (terminal_text.h).
void PrintError(const std::string& message);

}  // namespace jsm::cli
