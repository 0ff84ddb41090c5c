// `jsm table`: look at and maintain one Delta table of the lakehouse: history,
// describe, show (with time travel), optimize, vacuum, checkpoint, restore.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/clock.h"
#include "common/csv_cell.h"
#include "common/terminal_text.h"
#include "delta/checkpoint.h"
#include "delta/history.h"
#include "delta/log_repair.h"
#include "delta/json_writer.h"
#include "delta/optimize.h"
#include "delta/restore.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/table.h"
#include "delta/table_properties.h"
#include "delta/vacuum.h"
#include "delta/value_text.h"
#include "pipeline/bronze_repair.h"
#include "pipeline/restore_guard.h"
#include "pipeline/table_schemas.h"
#include "storage/object_store.h"

namespace jsm::cli {
namespace {

/// Options shared by every `jsm table` subcommand.
struct TableArgs {
  std::string lakehouse;  ///< --lakehouse; empty = the config's lakehouse.uri, else ./lakehouse
  std::string config;     ///< --config: its [lakehouse] uri and [storage.azure] credentials
  std::string table;
  std::string format = "table";
  int64_t limit = 20;          ///< `show --limit`: at most 20 rows unless told (0 = all)
  int64_t history_limit = 0;   ///< `history --limit`: every version unless told
  int64_t version = -1;
  std::string timestamp;
  std::vector<std::string> where;
  std::vector<std::string> columns;
  int64_t target_size = 128LL << 20;
  double retain_hours = -1;
  bool dry_run = false;
  bool force = false;
};

/// An opened table and the store it lives in.
struct OpenedTable {
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<delta::DeltaTable> table;
};

std::string FormatMillis(int64_t ms) {
  std::string text = FormatTimestampMicros(ms * 1000);  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  return text.substr(0, 10) + " " + text.substr(11, 12) + "Z";
}

/// Milliseconds since the epoch of --timestamp: "YYYY-MM-DD[ HH:MM:SS[.fff]]" (UTC) or epoch ms.
Result<int64_t> ParseTimestampArg(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(text);
  }
  Field field{"timestamp", DataType::kTimestamp};
  auto value = delta::ParseValueText(text, field);
  if (!value) {
    return MakeError(ErrorCode::kInvalidArgument, "--timestamp '" + text +
                                                      "' is neither 'YYYY-MM-DD HH:MM:SS[.fff]' (UTC) nor epoch ms");
  }
  return std::get<int64_t>(*value) / 1000;
}

/// The store holding the table of `args`, and the table's path in it.
Result<std::unique_ptr<storage::ObjectStore>> OpenTableStore(const TableArgs& args, std::string* table_path) {
  const std::optional<pipeline::PipelineOptions> options = LoadOptions(args.config, args.lakehouse, "", "");
  if (!options) return MakeError(ErrorCode::kInvalidArgument, "bad --config " + args.config);
  std::string store_root = options->lakehouse;
  std::string path = args.table;
  // A table given as a URI (az://..., abfss://..., file://...) or an absolute path is its own store root.
  const bool table_is_uri = args.table.find("://") != std::string::npos;
  if (table_is_uri || std::filesystem::path(args.table).is_absolute()) {
    store_root = args.table;
    path.clear();
  }
  // Object-store URIs are checked by opening the table (its _delta_log must be there).
  if (store_root.find("://") == std::string::npos && !std::filesystem::exists(store_root)) {
    return MakeError(ErrorCode::kNotFound, "no Delta table " + args.table + ": " + store_root + " does not exist");
  }
  *table_path = path;
  return storage::OpenStore(store_root, options->storage, /*create_missing=*/false);
}

/// Opens the table of `args` (latest, or at --version / --timestamp when `time_travel`).
Result<OpenedTable> Open(const TableArgs& args, bool time_travel) {
  OpenedTable opened;
  std::string path;
  JSM_ASSIGN_OR_RETURN(opened.store, OpenTableStore(args, &path));
  if (time_travel && args.version >= 0 && !args.timestamp.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "give --version or --timestamp, not both");
  }
  if (time_travel && args.version >= 0) {
    JSM_ASSIGN_OR_RETURN(opened.table, delta::DeltaTable::OpenAtVersion(opened.store.get(), path, args.version));
  } else if (time_travel && !args.timestamp.empty()) {
    JSM_ASSIGN_OR_RETURN(const int64_t ms, ParseTimestampArg(args.timestamp));
    JSM_ASSIGN_OR_RETURN(opened.table, delta::DeltaTable::OpenAtTimestamp(opened.store.get(), path, ms));
  } else {
    JSM_ASSIGN_OR_RETURN(opened.table, delta::DeltaTable::Open(opened.store.get(), path));
  }
  return opened;
}

/// Prints the error; exit 4 for a table, version or lakehouse that is not there or an operation the
/// table refuses (append-only, a version it cannot restore), 1 for what a retry may fix.
int Fail(const Error& error) {
  PrintError(error.ToString());
  return ExitCodeForLookup(error);
}

/// Prints rows as an aligned text table, every cell made terminal-safe (terminal_text.h).
void PrintAligned(const std::vector<std::string>& raw_header, const std::vector<std::vector<std::string>>& raw_rows) {
  std::vector<std::string> header;
  for (const std::string& cell : raw_header) header.push_back(TerminalSafe(cell));
  std::vector<std::vector<std::string>> rows;
  for (const auto& raw_row : raw_rows) {
    std::vector<std::string>& row = rows.emplace_back();
    for (const std::string& cell : raw_row) row.push_back(TerminalSafe(cell));
  }
  std::vector<size_t> widths(header.size());
  for (size_t c = 0; c < header.size(); ++c) widths[c] = header[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += " | ";
      line += row[c];
      if (c + 1 < row.size()) line.append(widths[c] - row[c].size(), ' ');
    }
    std::printf("%s\n", line.c_str());
  };
  print_row(header);
  std::string rule;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) rule += "-+-";
    rule.append(widths[c], '-');
  }
  std::printf("%s\n", rule.c_str());
  for (const auto& row : rows) print_row(row);
}

std::string MapText(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out += ", ";
    out += key + "=" + value;
  }
  return out;
}

int Show(const TableArgs& args) {
  auto opened = Open(args, true);
  if (!opened) return Fail(opened.error());
  delta::ScanOptions scan;
  scan.columns = args.columns;
  scan.limit = args.limit > 0 ? args.limit : -1;
  for (const std::string& text : args.where) {
    auto predicate = delta::ParsePredicate(text);
    if (!predicate) return Fail(predicate.error());
    scan.filters.push_back(*predicate);
  }
  const delta::DeltaTable& table = *opened->table;
  auto result = delta::ScanTable(table, scan);
  if (!result) {
    return Fail(result.error().WithContext("reading table " + args.table + " at version " +
                                           std::to_string(table.version())));
  }
  const RecordBatch& batch = result->batch;
  const Schema& schema = batch.schema();
  if (args.format == "json") {
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      delta::JsonWriter json;
      json.BeginObject();
      for (size_t c = 0; c < schema.fields.size(); ++c) {
        const Field& field = schema.fields[c];
        const Column& column = batch.column(c);
        json.Key(field.name);
        if (column.IsNull(row)) {
          json.Null();
        } else if (field.type == DataType::kInt32 || field.type == DataType::kInt64) {
          json.Int(column.IntAt(row));
        } else if (field.type == DataType::kBoolean) {
          json.Bool(column.IntAt(row) != 0);
        } else if (field.type == DataType::kDouble) {
          json.Double(column.DoubleAt(row));
        } else {
          json.String(delta::FormatValueText(column, row, field));
        }
      }
      json.EndObject();
      std::printf("%s\n", TerminalSafeJson(json.str()).c_str());
    }
    return kExitOk;
  }
  std::vector<std::string> header;
  for (const Field& field : schema.fields) header.push_back(field.name);
  std::vector<std::vector<std::string>> rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      const Column& column = batch.column(c);
      cells.push_back(column.IsNull(row) ? (args.format == "csv" ? "" : "NULL")
                                         : delta::FormatValueText(column, row, schema.fields[c]));
    }
    rows.push_back(std::move(cells));
  }
  if (args.format == "csv") {
    // CSV is for files and spreadsheets: cells are exact (quoted, formulas neutralized), not terminal-escaped.
    auto print_csv = [&](const std::vector<std::string>& cells, bool is_header) {
      std::string line;
      for (size_t c = 0; c < cells.size(); ++c) {
        if (c) line += ',';
        const bool text = is_header || schema.fields[c].type == DataType::kString;
        AppendCsvCell(cells[c], text ? CsvCellKind::kText : CsvCellKind::kValue, &line);
      }
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), stdout);
    };
    print_csv(header, true);
    for (const auto& row : rows) print_csv(row, false);
    return kExitOk;
  }
  PrintAligned(header, rows);
  std::printf("(%zu rows; table %s version %lld; %lld of %lld files read)\n", batch.num_rows(), args.table.c_str(),
              static_cast<long long>(table.version()), static_cast<long long>(result->files_read),
              static_cast<long long>(result->files_total));
  return kExitOk;
}

int Describe(const TableArgs& args) {
  auto opened = Open(args, true);
  if (!opened) return Fail(opened.error());
  const delta::Snapshot& snapshot = opened->table->snapshot();
  int64_t rows = 0, bytes = 0;
  bool rows_known = true;
  for (const auto& [path, add] : snapshot.files) {
    bytes += add.size;
    if (add.num_records < 0) rows_known = false;
    rows += std::max<int64_t>(add.num_records, 0);
  }
  std::printf("table        %s\n", args.table.c_str());
  std::printf("location     %s\n", opened->table->Location().c_str());
  std::printf("name         %s\n", TerminalSafe(snapshot.metadata.name).c_str());
  std::printf("id           %s\n", TerminalSafe(snapshot.metadata.id).c_str());
  std::printf("version      %lld\n", static_cast<long long>(snapshot.version));
  std::printf("protocol     reader %d, writer %d\n", snapshot.protocol.min_reader_version,
              snapshot.protocol.min_writer_version);
  std::string features;
  for (const auto* list : {&snapshot.protocol.reader_features, &snapshot.protocol.writer_features}) {
    for (const std::string& feature : *list) {
      if (features.find(feature) == std::string::npos) features += (features.empty() ? "" : ", ") + feature;
    }
  }
  if (!features.empty()) std::printf("features     %s\n", features.c_str());
  std::string partitions;
  for (const std::string& column : snapshot.metadata.partition_columns) partitions += (partitions.empty() ? "" : ", ") + column;
  std::printf("partitioned  %s\n", partitions.empty() ? "no" : ("by " + partitions).c_str());
  std::printf("files        %zu (%lld bytes)\n", snapshot.files.size(), static_cast<long long>(bytes));
  std::printf("rows         %s\n", rows_known ? std::to_string(rows).c_str() : (std::to_string(rows) + "+ (some files have no stats)").c_str());
  std::printf("properties   %s\n", snapshot.metadata.configuration.empty()
                                       ? "(none)"
                                       : TerminalSafe(MapText(snapshot.metadata.configuration)).c_str());
  std::printf("\nschema\n");
  std::vector<std::vector<std::string>> fields;
  for (const Field& field : snapshot.metadata.schema.fields) {
    fields.push_back({field.name, delta::DeltaTypeName(field), field.nullable ? "yes" : "no"});
  }
  PrintAligned({"column", "type", "nullable"}, fields);
  return kExitOk;
}

int History(const TableArgs& args) {
  auto opened = Open(args, false);
  if (!opened) return Fail(opened.error());
  auto history = delta::ReadHistory(*opened->table, args.history_limit > 0 ? args.history_limit : 0);
  if (!history) return Fail(history.error());
  if (args.format == "json") {
    for (const delta::HistoryEntry& entry : *history) {
      delta::JsonWriter json;
      json.BeginObject();
      json.Member("version", entry.version);
      json.Member("timestamp", entry.timestamp_ms);
      json.Member("operation", std::string_view(entry.info.operation));
      json.Key("operationParameters");
      json.StringMap(entry.info.operation_parameters);
      json.Key("operationMetrics");
      json.StringMap(entry.info.operation_metrics);
      json.Member("filesAdded", entry.files_added);
      json.Member("filesRemoved", entry.files_removed);
      json.EndObject();
      std::printf("%s\n", TerminalSafeJson(json.str()).c_str());
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const delta::HistoryEntry& entry : *history) {
    rows.push_back({std::to_string(entry.version), FormatMillis(entry.timestamp_ms), entry.info.operation,
                    "+" + std::to_string(entry.files_added) + " -" + std::to_string(entry.files_removed),
                    MapText(entry.info.operation_parameters), MapText(entry.info.operation_metrics)});
  }
  PrintAligned({"version", "timestamp", "operation", "files", "parameters", "metrics"}, rows);
  return kExitOk;
}

int Optimize(const TableArgs& args) {
  auto opened = Open(args, false);
  if (!opened) return Fail(opened.error());
  delta::OptimizeOptions options;
  options.target_file_size = args.target_size;
  auto metrics = delta::Optimize(opened->table.get(), options);
  if (!metrics) {
    return Fail(metrics.error().WithContext("optimizing table " + args.table + " at version " +
                                            std::to_string(opened->table->version())));
  }
  if (metrics->version < 0) {
    std::printf("table %s: nothing to compact at version %lld\n", args.table.c_str(),
                static_cast<long long>(opened->table->version()));
    return kExitOk;
  }
  std::printf("table %s: version %lld compacts %lld files (%lld bytes) into %lld (%lld bytes), %lld rows, %lld partitions\n",
              args.table.c_str(), static_cast<long long>(metrics->version), static_cast<long long>(metrics->files_removed),
              static_cast<long long>(metrics->bytes_removed), static_cast<long long>(metrics->files_added),
              static_cast<long long>(metrics->bytes_added), static_cast<long long>(metrics->rows),
              static_cast<long long>(metrics->partitions_optimized));
  return kExitOk;
}

int Vacuum(const TableArgs& args) {
  auto opened = Open(args, false);
  if (!opened) return Fail(opened.error());
  delta::VacuumOptions options;
  if (args.retain_hours >= 0) options.retain_hours = args.retain_hours;
  options.dry_run = args.dry_run;
  options.force = args.force;
  auto result = delta::Vacuum(opened->table.get(), options);
  if (!result) return Fail(result.error());
  for (const std::string& file : result->files) std::printf("%s\n", file.c_str());
  std::printf("table %s: %s %zu files (%lld bytes) unreferenced for more than %g hours\n", args.table.c_str(),
              result->dry_run ? "would delete" : "deleted", result->files.size(),
              static_cast<long long>(result->bytes), static_cast<double>(result->retention_ms) / delta::kMillisPerHour);
  if (!result->dry_run) {
    std::printf("table %s: logged as versions %lld (VACUUM START) and %lld (VACUUM END)\n", args.table.c_str(),
                static_cast<long long>(result->start_version), static_cast<long long>(result->end_version));
  }
  return kExitOk;
}

int Restore(const TableArgs& args) {
  if ((args.version < 0) == args.timestamp.empty()) {
    PrintError("jsm table restore " + args.table + ": give --version V or --timestamp T");
    return kExitUsage;
  }
  auto opened = Open(args, false);
  if (!opened) return Fail(opened.error());
  auto at = Open(args, true);
  if (!at) return Fail(at.error());
  const int64_t version = at->table->version();
  if (!args.force) {
    if (auto refusal = pipeline::PipelineRestoreRefusal(args.table, opened->table->snapshot(), at->table->snapshot())) {
      PrintError("jsm table restore " + args.table + ": refused: " + *refusal);
      return kExitRefused;
    }
  }
  auto metrics = delta::Restore(opened->table.get(), version);
  if (!metrics) return Fail(metrics.error());
  std::printf("table %s: version %lld restores version %lld (%lld files removed, %lld restored)\n", args.table.c_str(),
              static_cast<long long>(metrics->version), static_cast<long long>(metrics->restored_version),
              static_cast<long long>(metrics->files_removed), static_cast<long long>(metrics->files_restored));
  return kExitOk;
}

int Checkpoint(const TableArgs& args) {
  auto opened = Open(args, false);
  if (!opened) return Fail(opened.error());
  auto last = opened->table->Checkpoint();
  if (!last) {
    return Fail(last.error().WithContext("checkpointing table " + args.table + " at version " +
                                         std::to_string(opened->table->version())));
  }
  std::printf("table %s: checkpoint of version %lld (%lld actions, %lld add files, %lld bytes)\n", args.table.c_str(),
              static_cast<long long>(last->version), static_cast<long long>(last->size),
              static_cast<long long>(last->num_of_add_files), static_cast<long long>(last->size_in_bytes));
  return kExitOk;
}

/// `jsm table repair`: a table an earlier release broke with bytes that are not UTF-8
/// (docs/delta.md, "Repairing a table"): the log read leniently and checkpointed with
/// clean statistics, then, for bronze/pedidos, its files rewritten into value_raw/key_raw.
int Repair(const TableArgs& args) {
  std::string path;
  auto store = OpenTableStore(args, &path);
  if (!store) return Fail(store.error());
  auto log = delta::RepairLog(store->get(), path);
  if (!log) return Fail(log.error().WithContext("repairing the log of table " + args.table));
  std::printf("table %s: log read to version %lld: %lld line(s) not UTF-8, %lld add(s) lost their statistics%s\n",
              args.table.c_str(), static_cast<long long>(log->version), static_cast<long long>(log->lines_not_utf8),
              static_cast<long long>(log->stats_dropped),
              log->checkpoint_written ? "; checkpoint written with clean statistics" : "; nothing to repair");
  std::string normalized = path;
  while (!normalized.empty() && normalized.back() == '/') normalized.pop_back();
  if (normalized == pipeline::kBronzeTable) {
    auto files = pipeline::RepairBronzeFiles(store->get());
    if (!files) return Fail(files.error().WithContext("rewriting the data files of table " + args.table));
    std::printf("table %s: %lld of %lld file(s) rewritten, %lld message(s) moved to value_raw/key_raw%s\n",
                args.table.c_str(), static_cast<long long>(files->files_rewritten),
                static_cast<long long>(files->files_scanned), static_cast<long long>(files->rows_moved),
                files->version >= 0 ? (" at version " + std::to_string(files->version)).c_str() : "");
  }
  auto reopened = delta::DeltaTable::Open(store->get(), path);
  if (!reopened) return Fail(reopened.error().WithContext("reopening table " + args.table + " after the repair"));
  std::printf("table %s: readable at version %lld\n", args.table.c_str(),
              static_cast<long long>((*reopened)->version()));
  return kExitOk;
}

CLI::App* AddTableSubcommand(CLI::App* parent, TableArgs* args, const std::string& name, const std::string& help) {
  CLI::App* command = parent->add_subcommand(name, help);
  command->add_option("table", args->table, "table path relative to the lakehouse (e.g. gold/daily_sales), absolute, or a URI (az://container/lake/gold/daily_sales)")
      ->required();
  command->add_option("--lakehouse", args->lakehouse, "lakehouse root: a directory, az://container/path or abfss://container@account.dfs.core.windows.net/path (default: the config's lakehouse.uri, else ./lakehouse)");
  command->add_option("--config", args->config,
                      "TOML settings file: its [lakehouse] uri and [storage.azure] credentials (docs/azure.md)");
  return command;
}

}  // namespace

std::function<int()> RegisterTableCommand(CLI::App* app) {
  auto args = std::make_shared<TableArgs>();
  CLI::App* table = app->add_subcommand("table", "Inspect and maintain one Delta table of the lakehouse.");
  table->require_subcommand(1);

  CLI::App* history = AddTableSubcommand(table, args.get(), "history", "Versions, timestamps, operations and metrics, newest first.");
  // Its own field: a default_val here would overwrite the limit of `show`, which shares TableArgs.
  history->add_option("--limit", args->history_limit, "newest N versions (0 = all)")->capture_default_str();
  history->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));

  CLI::App* describe = AddTableSubcommand(table, args.get(), "describe", "Schema, version, files, rows and properties.");
  describe->add_option("--version", args->version, "describe this version");
  describe->add_option("--timestamp", args->timestamp, "describe the version current at this UTC time");

  CLI::App* show = AddTableSubcommand(table, args.get(), "show", "Print rows (optionally of an older version).");
  show->add_option("--limit", args->limit, "at most N rows (0 = all)")->capture_default_str();
  show->add_option("--version", args->version, "read this version (time travel)");
  show->add_option("--timestamp", args->timestamp,
                   "read the version current at this time: 'YYYY-MM-DD HH:MM:SS' (UTC) or epoch ms");
  show->add_option("--format", args->format, "table, json (one object per line) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  show->add_option("--where", args->where, "filter 'column op literal' (op: = != < <= > >=); repeatable, all must hold");
  show->add_option("--columns", args->columns, "columns to print (default all)")->delimiter(',');

  CLI::App* optimize = AddTableSubcommand(table, args.get(), "optimize",
                                          "Compact small files into files of about --target-size (rows unchanged).");
  optimize->add_option("--target-size", args->target_size, "target file size in bytes")->capture_default_str();

  CLI::App* vacuum = AddTableSubcommand(table, args.get(), "vacuum",
                                        "Delete data files no longer referenced for longer than the retention; "
                                        "logged as VACUUM START and VACUUM END commits.");
  vacuum->add_option("--retain-hours", args->retain_hours,
                     "retention in hours (default: delta.deletedFileRetentionDuration, 168)");
  vacuum->add_flag("--dry-run", args->dry_run, "list the files and bytes that would be deleted; delete and log nothing");
  vacuum->add_flag("--force", args->force, "allow a retention shorter than the table's (breaks older time travel)");

  AddTableSubcommand(table, args.get(), "checkpoint", "Write a checkpoint of the current version.");
  AddTableSubcommand(table, args.get(), "repair",
                     "Make a table an earlier release broke with non-UTF-8 bytes readable again (docs/delta.md).");

  CLI::App* restore = AddTableSubcommand(table, args.get(), "restore", "Bring the table back to an earlier version, as a new commit.");
  restore->add_option("--version", args->version, "version to restore");
  restore->add_option("--timestamp", args->timestamp, "restore the version current at this UTC time");
  restore->add_flag("--force", args->force,
                    "restore a table a pipeline stage writes (bronze, silver, gold) anyway: without it such a restore "
                    "is refused with the command that rebuilds the table instead, since the stage would never "
                    "re-derive what the restore removes");

  return [args, table, history, describe, show, optimize, vacuum, restore] {
    // A settings file that does not load is a usage error, whichever subcommand reads it.
    if (!args->config.empty() && !LoadOptions(args->config, "", "", "")) return static_cast<int>(kExitUsage);
    if (history->parsed()) return History(*args);
    if (describe->parsed()) return Describe(*args);
    if (show->parsed()) return Show(*args);
    if (optimize->parsed()) return Optimize(*args);
    if (vacuum->parsed()) return Vacuum(*args);
    if (restore->parsed()) return Restore(*args);
    if (table->got_subcommand("checkpoint")) return Checkpoint(*args);
    if (table->got_subcommand("repair")) return Repair(*args);
    return static_cast<int>(kExitUsage);
  };
}

}  // namespace jsm::cli
