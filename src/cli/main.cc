/// `jsm`: the JSM Pipeline command line.

#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"JSM Pipeline: Kafka order events -> bronze/silver/gold Delta Lake tables.\n"
               "Run `jsm <command> --help` for the options of a command.\n"
               "Exit codes: 0 ok, 1 error (retrying may help), 2 usage, 3 books unbalanced or quality below threshold,\n"
               "4 refused, nothing (more) written: retrying will not help (see README, Exit codes)."};
  app.set_version_flag("--version", std::string("jsm ") + JSM_VERSION);
  app.require_subcommand(1);
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off (default: warn when stderr is a terminal, info otherwise)");
  std::string log_format = "auto";
  app.add_option("--log-format", log_format,
                 "json (one object per line), text (for a person) or auto: text when stderr is a terminal, "
                 "json otherwise")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "json", "text"}));
  // One line per subcommand: its name and what runs it.
  const std::vector<std::pair<std::string, std::function<int()>>> commands = {
      {"run", jsm::cli::RegisterRunCommand(&app)},
      {"produce", jsm::cli::RegisterProduceCommand(&app)},
      {"broker", jsm::cli::RegisterBrokerCommand(&app)},
      {"table", jsm::cli::RegisterTableCommand(&app)},
      {"quality", jsm::cli::RegisterQualityCommand(&app)},
      {"config", jsm::cli::RegisterConfigCommand(&app)},
      {"topics", jsm::cli::RegisterTopicsCommand(&app)},
      {"dlq", jsm::cli::RegisterDlqCommand(&app)},
      {"erase", jsm::cli::RegisterEraseCommand(&app)},
      {"serve", jsm::cli::RegisterServeCommand(&app)},
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints the message (or the help/version) and gives its own code (105 validation,
    // 106 required, 109 extras, ...); every one that is not --help/--version is a usage error.
    return app.exit(error) == 0 ? jsm::cli::kExitOk : jsm::cli::kExitUsage;
  }
  const bool terminal = jsm::StderrIsTerminal();
  if (log_level.empty()) log_level = terminal ? "warn" : "info";
  jsm::SetLogFormat(log_format == "auto" ? (terminal ? "text" : "json") : log_format);
  if (!jsm::SetLogLevel(log_level)) {
    jsm::cli::PrintError("unknown --log-level '" + log_level + "'");
    return jsm::cli::kExitUsage;
  }
  jsm::cli::InstallSignalHandlers();
  for (const auto& [name, command] : commands) {
    if (app.got_subcommand(name)) return command();
  }
  return jsm::cli::kExitUsage;
}
