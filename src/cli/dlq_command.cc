/// `jsm dlq list|replay|discard`: looking at, fixing and replaying, or discarding dead letters.

#include <cstdio>
#include <map>
#include <optional>

#include <simdjson.h>

#include "cli/commands.h"
#include "common/clock.h"
#include "common/terminal_text.h"
#include "common/time_argument.h"
#include "delta/json_writer.h"
#include "kafka/dead_letter_lineage.h"
#include "pipeline/dlq_session.h"
#include "storage/base64.h"
#include "storage/object_store.h"

namespace jsm::cli {
namespace {

struct DlqArgs {
  std::string config;
  std::string lakehouse;
  std::string bootstrap;
  std::string topic;
  std::string reason;
  std::string since;
  std::string format = "table";
  bool all = false;
  std::vector<std::string> sets;
  int max_attempts = 0;  // 0 = from the config (default 3)
  bool dry_run = false;
  int timeout_s = 30;
};

/// `text` made terminal-safe (terminal_text.h, so on one line), cut to `width`
/// bytes at a character boundary with "..." when longer.
std::string Shorten(std::string_view text, size_t width) {
  std::string out = TerminalSafe(text);
  if (out.size() > width) {
    size_t cut = width - 3;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::string TimeText(int64_t ms) { return ms >= 0 ? kafka::FormatDeadLetterTime(ms) : "-"; }

std::string OriginText(const kafka::StoredDeadLetter& l) {
  if (l.original_topic.empty()) return "-";
  return l.original_topic + "/" + std::to_string(l.original_partition) + "@" +
         std::to_string(l.original_offset);
}

void PrintJsonLetter(const kafka::StoredDeadLetter& l, const char* status, const char* decision,
                     const std::string& note) {
  delta::JsonWriter json;
  json.BeginObject();
  json.Key("dlq_topic");
  json.String(l.dlq_topic);
  json.Key("partition");
  json.Int(l.partition);
  json.Key("offset");
  json.Int(l.offset);
  json.Key("status");
  json.String(status);
  if (decision != nullptr) {
    json.Key("decision");
    json.String(decision);
  }
  if (!note.empty()) {
    json.Key("note");
    json.String(note);
  }
  json.Key("reason");
  json.String(l.reason);
  json.Key("error");
  json.String(l.error);
  json.Key("stage");
  json.String(l.stage);
  json.Key("original_topic");
  json.String(l.original_topic);
  json.Key("original_partition");
  json.Int(l.original_partition);
  json.Key("original_offset");
  json.Int(l.original_offset);
  json.Key("attempts");
  json.Int(l.attempts);
  json.Key("first_failed_at");
  json.String(TimeText(l.first_failed_at_ms));
  json.Key("failed_at");
  json.String(TimeText(l.failed_at_ms));
  // Bytes that are not UTF-8 cannot be JSON text: such a key or value is {"base64":"..."}.
  const auto bytes = [&json](std::string_view text) {
    if (simdjson::validate_utf8(text.data(), text.size())) {
      json.String(text);
    } else {
      json.BeginObject();
      json.Member("base64", std::string_view(storage::Base64Encode(text)));
      json.EndObject();
    }
  };
  json.Key("key");
  if (l.has_key)
    bytes(l.key);
  else
    json.Null();
  json.Key("value");
  if (l.has_value)
    bytes(l.value);
  else
    json.Null();
  json.Key("headers");
  json.BeginObject();
  for (const kafka::Header& h : l.headers) {
    const bool text_name = simdjson::validate_utf8(h.name.data(), h.name.size());
    json.Key(text_name ? h.name : "base64:" + storage::Base64Encode(h.name));
    bytes(h.value);
  }
  json.EndObject();
  if (!l.problems.empty()) {
    json.Key("problems");
    json.BeginArray();
    for (const std::string& p : l.problems) json.String(p);
    json.EndArray();
  }
  json.EndObject();
  std::printf("%s\n", TerminalSafeJson(json.str()).c_str());
}

void PrintTableHeader(bool with_decision) {
  if (with_decision) std::printf("%-8s ", "action");
  std::printf("%-14s %-14s %-8s %-8s %-26s %3s %-24s %s\n", "dlq offset", "reason", "status", "stage",
              "original", "att", "failed_at", "error");
}

void PrintTableRow(const kafka::StoredDeadLetter& l, const char* status, const char* decision,
                   const std::string& note) {
  if (decision != nullptr) std::printf("%-8s ", decision);
  const std::string where = std::to_string(l.partition) + "@" + std::to_string(l.offset);
  std::printf("%-14s %-14s %-8s %-8s %-26s %3d %-24s %s\n", where.c_str(), Shorten(l.reason, 14).c_str(),
              status, Shorten(l.stage, 8).c_str(), Shorten(OriginText(l), 26).c_str(), l.attempts,
              TimeText(l.failed_at_ms).c_str(), Shorten(note.empty() ? l.error : note, 60).c_str());
}

/// What every dlq subcommand opens: settings, lakehouse and the DLQ read once.
struct Opened {
  pipeline::PipelineOptions options;
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<pipeline::DlqSession> session;
  pipeline::DlqFilter filter;
};

/// Fills `opened`; prints the error and returns its exit code on failure.
int Open(const DlqArgs& args, Opened* opened) {
  std::optional<pipeline::PipelineOptions> loaded =
      LoadOptions(args.config, args.lakehouse, args.bootstrap, args.topic);
  if (!loaded) return kExitUsage;
  opened->options = *loaded;
  if (opened->options.bootstrap.empty() || opened->options.bootstrap == "embedded") {
    PrintError(
        "`jsm dlq` needs a real broker: pass --bootstrap HOST:PORT,... or set [kafka] bootstrap "
        "(the embedded broker lives only as long as the process that started it)");
    return kExitUsage;
  }
  opened->filter.reason = args.reason;
  if (!args.since.empty()) {
    auto since = ParseTimeArgument(args.since, NowMicros());
    if (!since) {
      PrintError("--since: " + since.error().message());
      return kExitUsage;
    }
    opened->filter.since_ms = *since / 1000;
  }
  auto store = storage::OpenStore(opened->options.lakehouse, opened->options.storage, /*create_missing=*/false);
  if (!store) {
    PrintError(store.error().ToString());
    return ExitCodeFor(store.error());
  }
  opened->store = std::move(*store);
  auto session = pipeline::DlqSession::Open(opened->store.get(), opened->options, args.timeout_s * 1000);
  if (!session) {
    PrintError(session.error().ToString());
    return ExitCodeFor(session.error());
  }
  opened->session = std::move(*session);
  return kExitOk;
}

void PrintReasonCounts(const std::map<std::string, int64_t>& counts, int64_t total, const char* what) {
  std::printf("%lld %s", static_cast<long long>(total), what);
  for (const auto& [reason, count] : counts) {
    std::printf("%s %s %lld", &reason == &counts.begin()->first ? ":" : ",", TerminalSafe(reason).c_str(),
                static_cast<long long>(count));
  }
  std::printf("\n");
}

int List(const DlqArgs& args) {
  Opened opened;
  if (int code = Open(args, &opened); code != kExitOk) return code;
  pipeline::DlqSession& session = *opened.session;
  auto selected = session.Select(opened.filter, args.all);
  if (!selected) {
    PrintError(selected.error().ToString());
    return ExitCodeFor(selected.error());
  }
  std::map<std::string, int64_t> per_reason;
  const bool json = args.format == "json";
  if (!json) PrintTableHeader(false);
  for (const kafka::StoredDeadLetter* letter : *selected) {
    const size_t index = static_cast<size_t>(letter - session.letters().data());
    const std::string& done = session.handled_as(index);
    const char* status = done == "replay"    ? "replayed"
                         : done == "discard" ? "discarded"
                         : done == "park"    ? "parked"
                         : done.empty()      ? "pending"
                                             : "handled";
    std::string note;
    if (!letter->problems.empty()) note = "header problems: " + letter->problems.front();
    if (json)
      PrintJsonLetter(*letter, status, nullptr, note);
    else
      PrintTableRow(*letter, status, nullptr, note);
    per_reason[letter->reason.empty() ? "(none)" : letter->reason]++;
  }
  if (!json) {
    PrintReasonCounts(per_reason, static_cast<int64_t>(selected->size()),
                      args.all ? "letter(s)" : "pending letter(s)");
  }
  std::fflush(stdout);
  return kExitOk;
}

int Act(const DlqArgs& args, bool replay) {
  std::vector<pipeline::FieldAssignment> sets;
  for (const std::string& text : args.sets) {
    auto set = pipeline::ParseFieldAssignment(text);
    if (!set) {
      PrintError(set.error().message());
      return kExitUsage;
    }
    sets.push_back(std::move(*set));
  }
  Opened opened;
  if (int code = Open(args, &opened); code != kExitOk) return code;
  pipeline::DlqSession& session = *opened.session;
  auto selected = session.Select(opened.filter, /*include_handled=*/false);
  if (!selected) {
    PrintError(selected.error().ToString());
    return ExitCodeFor(selected.error());
  }
  const int max_attempts =
      args.max_attempts > 0 ? args.max_attempts : static_cast<int>(opened.options.dlq_max_attempts);
  const std::vector<pipeline::DlqDecision> decisions =
      replay ? pipeline::PlanReplay(*selected, sets, max_attempts) : pipeline::PlanDiscard(*selected);
  const bool json = args.format == "json";
  if (!json) PrintTableHeader(true);
  std::map<std::string, int64_t> counts;
  for (const pipeline::DlqDecision& d : decisions) {
    const char* name = pipeline::DlqDecisionName(d.kind);
    if (json)
      PrintJsonLetter(*d.letter, "pending", name, d.note);
    else
      PrintTableRow(*d.letter, "pending", name, d.note);
    counts[name]++;
  }
  pipeline::DlqExecution done;
  if (!args.dry_run) {
    auto executed = session.Execute(decisions);
    if (!executed) {
      PrintError(executed.error().ToString());
      return ExitCodeFor(executed.error());
    }
    done = *executed;
    if (!done.offsets_warning.empty()) {
      std::fprintf(stderr,
                   "jsm: warning: the work is recorded in _system/event_log, but group %s's offsets "
                   "(for lag tools) were not committed: %s\n",
                   kafka::kDeadLetterGroup, done.offsets_warning.c_str());
    }
  }
  if (!json) {
    PrintReasonCounts(counts, static_cast<int64_t>(decisions.size()),
                      args.dry_run ? "letter(s) selected (dry run: nothing changed)" : "letter(s) selected");
    if (!args.dry_run) {
      std::printf("replayed %lld to %s, parked %lld in %s, discarded %lld, skipped %lld\n",
                  static_cast<long long>(done.replayed), opened.options.topic.c_str(),
                  static_cast<long long>(done.parked), pipeline::kDlqParkedTable,
                  static_cast<long long>(done.discarded), static_cast<long long>(done.skipped));
    }
  }
  std::fflush(stdout);
  return counts.contains("skip") ? kExitUnbalanced : kExitOk;
}

void AddCommon(CLI::App* command, DlqArgs* args) {
  command->add_option("--config", args->config, "TOML settings file ([kafka], [lakehouse], [storage.azure], [dlq])")
      ->check(CLI::ExistingFile);
  command->add_option("--bootstrap", args->bootstrap, "HOST:PORT,... of the brokers (a real broker)");
  command->add_option("--topic", args->topic,
                      "order topic (default pedidos); letters are read from <topic>.dlq");
  command->add_option(
      "--lakehouse", args->lakehouse,
      "lakehouse root holding _system/event_log and _system/dlq_parked: a directory, az://container/path or "
      "abfss://... (see docs/azure.md; default: the config's lakehouse.uri, else ./lakehouse)");
  command->add_option("--reason", args->reason, "only letters with this dlq.reason (e.g. wrong_type)");
  command->add_option(
      "--since", args->since,
      "only letters that failed at or after this time: 2026-11-24, 2026-11-24T10:00Z, or an age "
      "like 30m, 12h, 7d");
  command->add_option("--format", args->format, "table (readable) or json (one object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  command->add_option("--timeout", args->timeout_s, "seconds to wait for each broker call")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

}  // namespace

std::function<int()> RegisterDlqCommand(CLI::App* app) {
  auto args = std::make_shared<DlqArgs>();
  auto action = std::make_shared<std::string>();
  CLI::App* dlq = app->add_subcommand(
      "dlq",
      "Dead letters of <topic>.dlq: list them, replay them (optionally fixed), or discard them.\n"
      "Every replay, park and discard is recorded in _system/event_log; a letter is handled at most once.");
  dlq->require_subcommand(1);

  CLI::App* list = dlq->add_subcommand(
      "list",
      "Print the letters not yet handled (--all: every letter, with its status) and counts per reason.");
  AddCommon(list, args.get());
  list->add_flag("--all", args->all, "also letters already replayed, discarded or parked");
  list->callback([action] { *action = "list"; });

  CLI::App* replay = dlq->add_subcommand(
      "replay",
      "Re-publish the selected letters' values to <topic> with dlq.attempts + 1 and lineage headers\n"
      "(dlq.replayed_from, dlq.replayed_at, dlq.first_failed_at), signed in dlq.signature with the key\n"
      "of JSM_DLQ_SIGNING_KEY (else _system/dlq_signing_key, made once): refine believes only signed\n"
      "lineage. A letter that already failed max_attempts times is parked in _system/dlq_parked instead.\n"
      "Exit 3 if a letter was skipped.");
  AddCommon(replay, args.get());
  replay->add_option(
      "--set", args->sets,
      "FIELD=VALUE applied to each value's JSON object before replay (repeatable). VALUE is JSON "
      "when it parses as JSON (3, true, \"85123\"), else a string; a value that is not a JSON "
      "object is skipped and reported");
  replay
      ->add_option("--max-attempts", args->max_attempts,
                   "park instead of replaying a letter that failed this many times (default: [dlq] "
                   "max_attempts, 3)")
      ->check(CLI::Range(1, 1000000));
  replay->add_flag("--dry-run", args->dry_run, "print what would be done, change nothing");
  replay->callback([action] { *action = "replay"; });

  CLI::App* discard = dlq->add_subcommand(
      "discard", "Mark the selected letters handled without replaying them (recorded in _system/event_log).");
  AddCommon(discard, args.get());
  discard->add_flag("--dry-run", args->dry_run, "print what would be discarded, change nothing");
  discard->callback([action] { *action = "discard"; });

  return [args, action] {
    if (*action == "list") return List(*args);
    if (*action == "replay") return Act(*args, true);
    if (*action == "discard") return Act(*args, false);
    return static_cast<int>(kExitUsage);
  };
}

}  // namespace jsm::cli
