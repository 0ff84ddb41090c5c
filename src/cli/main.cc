/// `jsm`: the JSM Pipeline command line.

#include <cstdio>

#include "cli/commands.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"JSM Pipeline: Kafka order events -> bronze/silver/gold Delta Lake tables.\n"
               "Run `jsm <command> --help` for the options of a command."};
  app.set_version_flag("--version", std::string("jsm ") + JSM_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off (logs are JSON lines on stderr)")
      ->capture_default_str();
  auto run = jsm::cli::RegisterRunCommand(&app);
  auto produce = jsm::cli::RegisterProduceCommand(&app);
  auto broker = jsm::cli::RegisterBrokerCommand(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  if (!jsm::SetLogLevel(log_level)) {
    jsm::cli::PrintError("unknown --log-level '" + log_level + "'");
    return jsm::cli::kExitUsage;
  }
  jsm::cli::InstallSignalHandlers();
  if (app.got_subcommand("run")) return run();
  if (app.got_subcommand("produce")) return produce();
  if (app.got_subcommand("broker")) return broker();
  return jsm::cli::kExitUsage;
}
