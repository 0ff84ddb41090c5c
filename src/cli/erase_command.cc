/// `jsm erase --customer N`: the LGPD right to erasure (docs/privacy.md).

#include <cstdio>

#include "cli/commands.h"
#include "common/clock.h"
#include "pipeline/erase.h"
#include "storage/object_store.h"

namespace jsm::cli {
namespace {

struct EraseArgs {
  std::string customer;
  std::string lakehouse;
  std::string config;
  bool dry_run = false;
  std::string format = "text";
};

std::string FormatMillis(int64_t ms) { return FormatTimestampMicros(ms * 1000); }

std::string Days(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g days", static_cast<double>(ms) / 86400000.0);
  return text;
}

void PrintJson(const pipeline::EraseReport& report) {
  std::printf("{\"dry_run\":%s,\"pseudonymized\":%s,\"erased_at\":\"%s\",\"tables\":[", report.dry_run ? "true" : "false",
              report.pseudonymized ? "true" : "false", FormatMillis(report.erased_at_ms).c_str());
  for (size_t t = 0; t < report.tables.size(); ++t) {
    const auto& e = report.tables[t];
    std::printf("%s{\"table\":\"%s\",\"rows_deleted\":%lld,\"rows_copied\":%lld,\"version\":%lld,"
                "\"deleted_file_retention_ms\":%lld,\"vacuum_from\":%s,\"removed_files\":[",
                t ? "," : "", e.table.c_str(), static_cast<long long>(e.metrics.rows_deleted),
                static_cast<long long>(e.metrics.rows_copied), static_cast<long long>(e.metrics.version),
                static_cast<long long>(e.deleted_file_retention_ms),
                e.vacuum_from_ms < 0 ? "null" : ("\"" + FormatMillis(e.vacuum_from_ms) + "\"").c_str());
    for (size_t f = 0; f < e.metrics.removed.size(); ++f) {
      const auto& file = e.metrics.removed[f];
      std::printf("%s{\"path\":\"%s\",\"size\":%lld,\"rows_deleted\":%lld}", f ? "," : "", file.path.c_str(),
                  static_cast<long long>(file.size), static_cast<long long>(file.rows_deleted));
    }
    std::printf("]}");
  }
  std::printf("],\"gold_recomputed\":%s,\"gold_silver_version\":%lld}\n", report.gold_recomputed ? "true" : "false",
              static_cast<long long>(report.gold_silver_version));
}

void PrintText(const pipeline::EraseReport& report) {
  std::printf("%s at %s%s\n", report.dry_run ? "dry run (nothing written)" : "customer erased",
              FormatMillis(report.erased_at_ms).c_str(),
              report.pseudonymized ? " (silver searched for the raw number and its pseudonym)" : "");
  for (const auto& e : report.tables) {
    std::printf("%-28s %8lld rows %s, %lld files %s", e.table.c_str(), static_cast<long long>(e.metrics.rows_deleted),
                report.dry_run ? "to delete" : "deleted", static_cast<long long>(e.metrics.removed.size()),
                report.dry_run ? "to rewrite" : "rewritten");
    if (e.metrics.version >= 0) std::printf(" -> version %lld", static_cast<long long>(e.metrics.version));
    std::printf("\n");
    if (e.metrics.removed.empty()) continue;
    if (e.vacuum_from_ms >= 0) {
      std::printf("  VACUUM deletes these old files physically from %s (erase time + delta.deletedFileRetentionDuration"
                  " = %s); until then time travel still shows the rows:\n",
                  FormatMillis(e.vacuum_from_ms).c_str(), Days(e.deleted_file_retention_ms).c_str());
    } else {
      std::printf("  files that would be removed (VACUUM could delete them %s after the erase):\n",
                  Days(e.deleted_file_retention_ms).c_str());
    }
    for (const auto& file : e.metrics.removed) {
      std::printf("    %s (%lld bytes, %lld rows of the customer)\n", file.path.c_str(),
                  static_cast<long long>(file.size), static_cast<long long>(file.rows_deleted));
    }
  }
  if (report.gold_recomputed) {
    std::printf("gold recomputed from silver version %lld\n", static_cast<long long>(report.gold_silver_version));
  }
}

int Erase(const EraseArgs& args) {
  auto options = LoadOptions(args.config, args.lakehouse, "", "");
  if (!options) return kExitUsage;
  if (auto exists = CheckLakehouseExists(options->lakehouse); !exists) {
    PrintError(exists.error().ToString());
    return ExitCodeForLookup(exists.error());
  }
  auto store = storage::OpenStore(options->lakehouse, options->storage, /*create_missing=*/false);
  if (!store) {
    PrintError(store.error().ToString());
    return ExitCodeForLookup(store.error());
  }
  auto report = pipeline::EraseCustomer(store->get(), *options, pipeline::EraseRequest{args.customer, args.dry_run});
  if (!report) {
    PrintError(report.error().ToString());
    return ExitCodeForLookup(report.error());  // an empty customer, no bronze/silver table: refused
  }
  if (args.format == "json") PrintJson(*report);
  else PrintText(*report);
  return kExitOk;
}

}  // namespace

std::function<int()> RegisterEraseCommand(CLI::App* app) {
  auto args = std::make_shared<EraseArgs>();
  CLI::App* erase = app->add_subcommand(
      "erase",
      "Erase every row of one customer (LGPD): bronze raw messages, the quarantine and silver are\n"
      "rewritten through Delta remove + add (one DELETE commit per table) and gold is recomputed.\n"
      "Run it with the pipeline stopped and caught up. Old files stay readable by time travel until\n"
      "VACUUM deletes them; the report says from when. See docs/privacy.md.");
  erase->add_option("--customer", args->customer, "CustomerNo to erase, as in the events (e.g. 17850)")->required();
  erase->add_option("--lakehouse", args->lakehouse, "lakehouse root: a directory, az://container/path or abfss://... (see docs/azure.md; default: the config's lakehouse.uri, else ./lakehouse)");
  erase->add_option("--config", args->config,
                    "pipeline config (TOML); with [privacy] pseudonymize_customer the key's environment variable "
                    "must be set, and silver is searched for the customer's pseudonym");
  erase->add_flag("--dry-run", args->dry_run, "count the rows and list the files, write nothing");
  erase->add_option("--format", args->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [args] { return Erase(*args); };
}

}  // namespace jsm::cli
