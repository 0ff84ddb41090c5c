#include "pipeline/pipeline_options.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <limits>

#include "common/terminal_text.h"
#include "kafka/client_conf.h"
#include "pipeline/table_schemas.h"


namespace jsm::pipeline {
namespace {

std::string Where(const std::string& path, const toml::source_region& region) {
  return path + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

template <class T>
Status Read(const toml::node& node, const std::string& path, const std::string& key, T* out) {
  auto value = node.value<T>();
  if (!value) {
    return MakeError(ErrorCode::kInvalidArgument,
                     Where(path, node.source()) + ": '" + key + "' has the wrong type");
  }
  *out = *value;
  return Status::Ok();
}

Status ReadCompression(const toml::node& node, const std::string& path, parquet::Compression* out) {
  std::string name;
  JSM_RETURN_IF_ERROR(Read(node, path, "parquet.compression", &name));
  if (name == "zstd") *out = parquet::Compression::kZstd;
  else if (name == "snappy") *out = parquet::Compression::kSnappy;
  else if (name == "none") *out = parquet::Compression::kUncompressed;
  else
    return MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) +
                                                      ": parquet.compression must be zstd, snappy or none, not '" +
                                                      name + "'");
  return Status::Ok();
}

/// Reads `[storage.azure]`: string values only, unknown keys named.
Status ReadAzureSettings(const toml::node& node, const std::string& path, storage::AzureSettings* out) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'storage.azure' must be a table");
  }
  out->source = path + " [storage.azure]";
  for (auto&& [key_name, value] : *table) {
    const std::string key(key_name.str());
    std::string* target = key == "account"             ? &out->account
                          : key == "key"               ? &out->key
                          : key == "sas_token"         ? &out->sas_token
                          : key == "connection_string" ? &out->connection_string
                          : key == "endpoint"          ? &out->endpoint
                                                       : nullptr;
    if (target == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       Where(path, key_name.source()) + ": unknown setting 'storage.azure." + key +
                           "' (account, key, sas_token, connection_string, endpoint)");
    }
    JSM_RETURN_IF_ERROR(Read(value, path, "storage.azure." + key, target));
  }
  return Status::Ok();
}

/// Reads `[[expectations]]`: an array of tables with name, rule and action.
Status ReadExpectations(const toml::node& node, const std::string& path, std::vector<ExpectationSpec>* out) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     Where(path, node.source()) + ": 'expectations' must be an array of tables ([[expectations]])");
  }
  out->clear();
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, Where(path, element.source()) + ": an expectation must be a table");
    }
    ExpectationSpec spec;
    spec.where = Where(path, element.source());
    for (auto&& [key_name, value] : *table) {
      const std::string key(key_name.str());
      std::string* target = key == "name" ? &spec.name : key == "rule" ? &spec.rule : key == "action" ? &spec.action
                                                                                                    : nullptr;
      if (target == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument, Where(path, key_name.source()) + ": unknown expectation key '" +
                                                          key + "' (name, rule, action)");
      }
      JSM_RETURN_IF_ERROR(Read(value, path, "expectations." + key, target));
      if (key == "rule") spec.where = Where(path, value.source());
    }
    if (spec.rule.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, Where(path, element.source()) + ": expectation '" + spec.name +
                                                        "' has no rule");
    }
    out->push_back(std::move(spec));
  }
  return Status::Ok();
}

/// A number setting that must be within [low, high], named with FILE:LINE:COLUMN.
Status InRange(const toml::node& node, const std::string& path, const std::string& key, int64_t value, int64_t low,
               int64_t high, std::string_view why = {}) {
  if (value >= low && value <= high) return Status::Ok();
  std::string message = Where(path, node.source()) + ": '" + key + "' is " + std::to_string(value) + ", must be ";
  message += high == std::numeric_limits<int64_t>::max() ? std::to_string(low) + " or more"
                                                          : std::to_string(low) + " to " + std::to_string(high);
  if (!why.empty()) message += " (" + std::string(why) + ")";
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

/// Kafka's rule for topic names: 1 to 249 of [a-zA-Z0-9._-], not "." or "..".
Status CheckTopicName(const toml::node& node, const std::string& path, const std::string& key, const std::string& name) {
  const bool legal_chars = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
  if (!name.empty() && name.size() <= 249 && legal_chars && name != "." && name != "..") return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   Where(path, node.source()) + ": '" + key + "' is '" + TerminalSafe(name) +
                       "': a Kafka topic name is 1 to 249 letters, digits, '.', '_' or '-'");
}

/// "embedded", or HOST:PORT,... with a host and a port 1..65535 in each.
Status CheckBootstrap(const toml::node& node, const std::string& path, const std::string& servers) {
  if (servers == "embedded") return Status::Ok();
  auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'kafka.bootstrap' is '" +
                                                      TerminalSafe(servers) + "': " + why +
                                                      " (\"embedded\" or HOST:PORT,...)");
  };
  if (servers.empty()) return bad("empty");
  size_t start = 0;
  while (start <= servers.size()) {
    const size_t comma = std::min(servers.find(',', start), servers.size());
    const std::string server = servers.substr(start, comma - start);
    const size_t colon = server.rfind(':');
    if (server.empty() || colon == std::string::npos || colon == 0) return bad("'" + server + "' is not HOST:PORT");
    for (char c : server) {
      if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) {
        return bad("'" + server + "' holds a space or a control character");
      }
    }
    const std::string port = server.substr(colon + 1);
    int value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return bad("port '" + port + "' of '" + server + "' is not 1 to 65535");
    }
    start = comma + 1;
  }
  return Status::Ok();
}

/// A lakehouse URI `jsm run` can open: a local path, file://, az:// or abfss://.
Status CheckLakehouseUri(const toml::node& node, const std::string& path, const std::string& uri) {
  if (uri.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'lakehouse.uri' is empty");
  }
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return Status::Ok();
  const std::string scheme = uri.substr(0, scheme_end);
  if (scheme == "file" || scheme == "az" || scheme == "abfss") return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'lakehouse.uri' scheme '" +
                                                    TerminalSafe(scheme) +
                                                    "' is not supported (a local path, file://, az:// or abfss://)");
}

}  // namespace

Status ValidatePipelineOptions(const PipelineOptions& options) {
  JSM_RETURN_IF_ERROR(CompileExpectations(options.expectations, SilverSchema()));
  return Status::Ok();
}

Result<PipelineOptions> LoadPipelineOptions(const std::string& path, PipelineOptions options) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return MakeError(ErrorCode::kInvalidArgument,
                     Where(path, error.source()) + ": " + std::string(error.description()));
  }
  for (auto&& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    if (section == "expectations") {
      JSM_RETURN_IF_ERROR(ReadExpectations(section_node, path, &options.expectations));
      continue;
    }
    const toml::table* table = section_node.as_table();
    if (table == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       Where(path, section_node.source()) + ": '" + section + "' must be a [section]");
    }
    for (auto&& [item_key, node] : *table) {
      const std::string key(item_key.str());
      const std::string full = section + "." + key;
      Status status;
      int64_t number = 0;
      if (full == "lakehouse.uri") {
        status = Read(node, path, full, &options.lakehouse);
        if (status) status = CheckLakehouseUri(node, path, options.lakehouse);
      } else if (full == "storage.azure") {
        status = ReadAzureSettings(node, path, &options.storage.azure);
      } else if (full == "kafka.bootstrap") {
        status = Read(node, path, full, &options.bootstrap);
        if (status) status = CheckBootstrap(node, path, options.bootstrap);
      } else if (full == "kafka.topic") {
        status = Read(node, path, full, &options.topic);
        if (status) status = CheckTopicName(node, path, full, options.topic);
      } else if (full == "kafka.group_id") {
        status = Read(node, path, full, &options.group_id);
        if (status && options.group_id.empty()) {
          status = MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'kafka.group_id' is empty");
        }
      } else if (full == "kafka.static_membership") {
        status = Read(node, path, full, &options.static_membership);
      } else if (full == "kafka.compression") {
        status = Read(node, path, full, &options.producer_compression);
        const std::string& codec = options.producer_compression;
        if (status && codec != "none" && codec != "gzip" && codec != "snappy" && codec != "lz4" && codec != "zstd") {
          status = MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'kafka.compression' is '" +
                                                               TerminalSafe(codec) +
                                                               "', must be none, gzip, snappy, lz4 or zstd");
        }
      } else if (full == "kafka.properties") {
        const toml::table* properties = node.as_table();
        if (properties == nullptr) {
          status = MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": '" + full + "' must be a table");
        } else {
          for (auto&& [name, value] : *properties) {
            std::string text;
            status = Read(value, path, full + "." + std::string(name.str()), &text);
            if (!status) break;
            // Asked of librdkafka itself, with ${VAR} expanded (and the value never printed if secret).
            auto accepted = kafka::NewClientConf(kafka::ClientConfig{"", {{std::string(name.str()), text}}}, {});
            if (!accepted) {
              status = std::unexpected(accepted.error().WithContext(Where(path, value.source()) + ": " + full));
              break;
            }
            options.kafka_properties[std::string(name.str())] = text;
          }
        }
      } else if (full == "ingest.commit_messages") {
        status = Read(node, path, full, &options.ingest_commit_messages);
        if (status) status = InRange(node, path, full, options.ingest_commit_messages, 1, 100'000'000);
      } else if (full == "ingest.commit_interval_ms") {
        status = Read(node, path, full, &options.ingest_commit_interval_ms);
        if (status) status = InRange(node, path, full, options.ingest_commit_interval_ms, 1, 3'600'000);
      } else if (full == "ingest.max_lag") {
        status = Read(node, path, full, &options.max_ingest_lag);
        if (status) status = InRange(node, path, full, options.max_ingest_lag, 0, std::numeric_limits<int64_t>::max(), "0 = no pacing");
      } else if (full == "refine.max_rows") {
        status = Read(node, path, full, &options.refine_max_rows);
        if (status) status = InRange(node, path, full, options.refine_max_rows, 1, 100'000'000);
      } else if (full == "refine.max_event_bytes") {
        status = Read(node, path, full, &number);
        if (status && (number < 1 || number > kMaxEventBytesLimit)) {
          status = MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": '" + full + "' is " +
                                                               std::to_string(number) + ", must be 1 to " +
                                                               std::to_string(kMaxEventBytesLimit) + " bytes");
        }
        if (status) options.max_event_bytes = static_cast<size_t>(number);
      } else if (full == "dlq.max_attempts") {
        status = Read(node, path, full, &options.dlq_max_attempts);
        if (status) status = InRange(node, path, full, options.dlq_max_attempts, 1, 1000, "a letter is parked after this many");
      } else if (full == "privacy.pseudonymize_customer") {
        status = Read(node, path, full, &options.pseudonymize_customer);
      } else if (full == "privacy.key_env") {
        status = Read(node, path, full, &options.pseudonym_key_env);
        if (status && options.pseudonym_key_env.empty()) {
          status = MakeError(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": 'privacy.key_env' is empty");
        }
      } else if (section == "normalization") {
        std::string* target = key == "countries"                ? &options.normalization_paths.countries
                               : key == "date_formats"           ? &options.normalization_paths.date_formats
                               : key == "currencies"             ? &options.normalization_paths.currencies
                               : key == "product_name_overrides" ? &options.normalization_paths.product_name_overrides
                               : key == "typo_fixes"             ? &options.normalization_paths.typo_fixes
                                                                 : nullptr;
        if (target == nullptr) {
          status = MakeError(ErrorCode::kInvalidArgument,
                             Where(path, item_key.source()) + ": unknown setting '" + full +
                                 "' (countries, date_formats, currencies, product_name_overrides, typo_fixes)");
        } else {
          status = Read(node, path, full, target);
          // Relative paths are relative to the folder of the config file.
          if (status && !target->empty() && std::filesystem::path(*target).is_relative()) {
            *target = (std::filesystem::path(path).parent_path() / *target).lexically_normal().string();
          }
        }
      } else if (full == "parquet.compression") {
        status = ReadCompression(node, path, &options.parquet.compression);
      } else if (full == "parquet.row_group_bytes") {
        status = Read(node, path, full, &options.parquet.row_group_bytes);
        if (status) status = InRange(node, path, full, options.parquet.row_group_bytes, 1024, int64_t{1} << 32);
      } else {
        status = MakeError(ErrorCode::kInvalidArgument,
                           Where(path, item_key.source()) + ": unknown setting '" + full + "'");
      }
      JSM_RETURN_IF_ERROR(status);
    }
  }
  if (options.ingest_commit_messages <= 0 || options.ingest_commit_interval_ms <= 0 || options.refine_max_rows <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, path + ": commit sizes and intervals must be positive");
  }
  JSM_ASSIGN_OR_RETURN(options.normalization, model::LoadNormalizationTables(options.normalization_paths));
  JSM_RETURN_IF_ERROR(ValidatePipelineOptions(options));
  return options;
}

}  // namespace jsm::pipeline
