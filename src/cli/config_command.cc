#include <cstdio>

#include "cli/commands.h"
#include "pipeline/pipeline_options.h"

namespace jsm::cli {
namespace {

int Check(const std::string& path) {
  auto options = pipeline::LoadPipelineOptions(path);
  if (!options) {
    PrintError(options.error().message());
    return kExitUsage;
  }
  const auto& tables = options->normalization ? options->normalization : model::DefaultNormalizationTables();
  std::printf("%s: ok (lakehouse %s, bootstrap %s, topic %s, %zu expectations; normalization: %zu country aliases, "
              "%zu date formats, %zu currency rates, %zu product-name overrides, %zu typo fixes)\n",
              path.c_str(), options->lakehouse.c_str(), options->bootstrap.c_str(), options->topic.c_str(),
              options->expectations.size(), tables->countries.size(), tables->date_formats.size(),
              tables->currencies.size(), tables->product_names.overrides(), tables->product_names.typo_fixes());
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterConfigCommand(CLI::App* app) {
  auto path = std::make_shared<std::string>();
  CLI::App* config = app->add_subcommand("config", "Pipeline configuration files.");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand(
      "check", "Validate a TOML settings file: every key, type and expectation rule, and the normalization data\n"
               "files its [normalization] section names; mistakes are reported as FILE:LINE:COLUMN (a data file's\n"
               "as FILE:LINE). Exit code 0 when valid, 2 otherwise.");
  check->add_option("file", *path, "the settings file (e.g. config/pipeline.toml)")->required();
  return [path] { return Check(*path); };
}

}  // namespace jsm::cli
