#include <cstdio>

#include "cli/commands.h"
#include "common/terminal_text.h"
#include "pipeline/pipeline_options.h"
#include "storage/azure_credentials.h"
#include "storage/azure_uri.h"

namespace jsm::cli {
namespace {

/// Checks `[storage.azure]` and, for an Azure lakehouse, that credentials resolve (no request
/// is sent). Returns a one-line summary that never holds a secret, or the error.
Result<std::string> CheckAzure(const pipeline::PipelineOptions& options) {
  const storage::AzureSettings& azure = options.storage.azure;
  const EnvLookup env = ProcessEnvironment();
  JSM_RETURN_IF_ERROR(storage::ValidateAzureSettings(azure, env));
  if (!storage::IsAzureUri(options.lakehouse)) {
    return azure.empty() ? std::string() : std::string("; [storage.azure] valid (unused: the lakehouse is local)");
  }
  JSM_ASSIGN_OR_RETURN(const storage::AzureLocation location, storage::ParseAzureUri(options.lakehouse));
  JSM_ASSIGN_OR_RETURN(const storage::AzureCredentials credentials,
                       storage::ResolveAzureCredentials(location, azure, env));
  const char* auth = !credentials.account_key.empty() ? "shared key"
                     : !credentials.sas_token.empty() ? "SAS token"
                                                      : "none (public access)";
  return "; azure account " + credentials.account + ", endpoint " + credentials.blob_endpoint + ", auth " + auth +
         (azure.has_secret() ? " from [storage.azure]" : " from the environment");
}

int Check(const std::string& path) {
  auto options = pipeline::LoadPipelineOptions(path);
  if (!options) {
    PrintError(options.error().message());
    return kExitUsage;
  }
  auto azure = CheckAzure(*options);
  if (!azure) {
    PrintError(azure.error().message());
    return kExitUsage;
  }
  const auto& tables = options->normalization ? options->normalization : model::DefaultNormalizationTables();
  std::printf("%s: ok (lakehouse %s, bootstrap %s, topic %s, %zu expectations; normalization: %zu country aliases, "
              "%zu date formats, %zu currency rates, %zu product-name overrides, %zu typo fixes)%s\n",
              TerminalSafe(path).c_str(), TerminalSafe(options->lakehouse).c_str(),
              TerminalSafe(options->bootstrap).c_str(), TerminalSafe(options->topic).c_str(),
              options->expectations.size(), tables->countries.size(), tables->date_formats.size(),
              tables->currencies.size(), tables->product_names.overrides(), tables->product_names.typo_fixes(),
              TerminalSafe(*azure).c_str());
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
               "as FILE:LINE); [storage.azure] (every ${VAR} set, key base64, endpoint http(s)) and, for an Azure\n"
               "lakehouse, that credentials resolve (no request is sent; secrets are never printed).\n"
               "Exit code 0 when valid, 2 otherwise.");
  check->add_option("file", *path, "the settings file (e.g. config/pipeline.toml)")->required();
  return [path] { return Check(*path); };
}

}  // namespace jsm::cli
