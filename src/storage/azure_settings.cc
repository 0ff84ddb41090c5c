#include "storage/azure_settings.h"

namespace jsm::storage {

bool AzureSettings::empty() const { return account.empty() && endpoint.empty() && !has_secret(); }

bool AzureSettings::has_secret() const { return !connection_string.empty() || !key.empty() || !sas_token.empty(); }

Result<AzureSettings> ExpandAzureSettings(const AzureSettings& settings, const EnvLookup& env) {
  AzureSettings out = settings;
  const std::pair<const char*, std::string*> fields[] = {{"account", &out.account},
                                                         {"key", &out.key},
                                                         {"sas_token", &out.sas_token},
                                                         {"connection_string", &out.connection_string},
                                                         {"endpoint", &out.endpoint}};
  for (const auto& [name, value] : fields) {
    JSM_ASSIGN_OR_RETURN(*value, ExpandEnvironmentReferences(*value, settings.source + " " + name, env));
  }
  return out;
}

}  // namespace jsm::storage
