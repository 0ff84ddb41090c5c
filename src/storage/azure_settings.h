#pragma once
/// `[storage.azure]` of a config file: the account, secrets and endpoint of the lakehouse on
/// Azure, as written (values may be "${VAR}" so secrets stay in the environment).

#include <string>

#include "common/environment.h"
#include "common/status.h"

namespace jsm::storage {

/// The `[storage.azure]` settings. Every field is optional; empty = not set.
struct AzureSettings {
  std::string account;            ///< storage account name
  std::string key;                ///< Shared Key (base64)
  std::string sas_token;          ///< SAS token, with or without the leading '?'
  std::string connection_string;  ///< a full connection string (wins over account/key/sas_token)
  std::string endpoint;           ///< blob endpoint override, e.g. http://127.0.0.1:10000/devstoreaccount1
  /// Where these came from, for messages: e.g. "config/pipeline.toml [storage.azure]".
  std::string source = "[storage.azure]";

  /// True when no field is set.
  bool empty() const;
  /// True when a secret (connection_string, key or sas_token) is set.
  bool has_secret() const;
};

/// The settings with every "${VAR}" reference expanded through `env`. An unset variable is
/// kInvalidArgument naming the source, the setting and the variable, never a value.
Result<AzureSettings> ExpandAzureSettings(const AzureSettings& settings, const EnvLookup& env);

}  // namespace jsm::storage
