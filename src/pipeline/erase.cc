#include "pipeline/erase.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "delta/table_properties.h"
#include "pipeline/aggregate_stage.h"
#include "pipeline/bronze_table.h"
#include "pipeline/event_log.h"
#include "pipeline/pseudonymizer.h"
#include "pipeline/refine_stage.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsWordChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
         c == '-';
}

/// True if `text` has a member "CustomerNo" whose value (a string or a number) is exactly `customer`.
bool MentionsCustomer(std::string_view text, std::string_view customer) {
  static constexpr std::string_view kMember = "\"CustomerNo\"";
  for (size_t at = text.find(kMember); at != std::string_view::npos; at = text.find(kMember, at + 1)) {
    size_t i = at + kMember.size();
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i < text.size() && text[i] == '"') ++i;
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (text.substr(i, customer.size()) != customer) continue;
    const size_t end = i + customer.size();
    if (end == text.size() || !IsWordChar(text[end])) return true;
  }
  return false;
}

bool LooksPseudonymized(std::string_view value) {
  return value.size() == kPseudonymChars &&
         std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// True if the newest silver file holds a pseudonymized customer_no.
Result<bool> SilverIsPseudonymized(const delta::DeltaTable& silver) {
  const delta::AddFile* newest = nullptr;
  for (const auto& [path, add] : silver.snapshot().files) {
    if (newest == nullptr || add.modification_time > newest->modification_time) newest = &add;
  }
  if (newest == nullptr) return false;
  JSM_ASSIGN_OR_RETURN(RecordBatch batch, silver.ReadDataFile(newest->path, {"customer_no"}));
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (batch.column(0).IsValid(row)) return LooksPseudonymized(batch.column(0).StringAt(row));
  }
  return false;
}

/// Opens `path`, or null if the table does not exist.
Result<std::unique_ptr<delta::DeltaTable>> OpenIfExists(storage::ObjectStore* store, const char* path) {
  auto table = delta::DeltaTable::Open(store, path);
  if (!table && table.error().code() == ErrorCode::kNotFound) return std::unique_ptr<delta::DeltaTable>();
  return table;
}

/// Extra content of a table's erase commit.
struct EraseCommitExtras {
  std::vector<delta::Action> actions;
  std::map<std::string, std::string> metrics;
  bool commit_when_no_match = false;
};

Result<TableErasure> EraseFromTable(delta::DeltaTable* table, const delta::RowMatcher& matcher,
                                    std::vector<std::string> match_columns, const EraseRequest& request,
                                    const PipelineOptions& options, EraseCommitExtras extras = {}) {
  TableErasure erasure;
  erasure.table = table->path();
  delta::RewriteOptions rewrite;
  rewrite.match_columns = std::move(match_columns);
  rewrite.dry_run = request.dry_run;
  rewrite.predicate = "[\"customer erasure (jsm erase)\"]";  // never the customer's number
  rewrite.extra_actions = std::move(extras.actions);
  rewrite.extra_metrics = std::move(extras.metrics);
  rewrite.commit_when_no_match = extras.commit_when_no_match;
  rewrite.writer = options.parquet;
  JSM_ASSIGN_OR_RETURN(erasure.metrics, delta::DeleteRows(table, matcher, std::move(rewrite)));
  JSM_ASSIGN_OR_RETURN(delta::TableProperties properties, delta::ReadTableProperties(table->snapshot().metadata));
  erasure.deleted_file_retention_ms = properties.deleted_file_retention_ms;
  if (erasure.metrics.version >= 0 && !erasure.metrics.removed.empty()) {
    erasure.vacuum_from_ms = erasure.metrics.committed_at_ms + properties.deleted_file_retention_ms;
  }
  return erasure;
}

void LogErasure(EventLog* event_log, const TableErasure& erasure) {
  BatchEvent event;
  event.stage = "erase";
  event.target_table = erasure.table;
  event.target_version = erasure.metrics.version;
  event.source_range = "customer erasure: " + std::to_string(erasure.metrics.removed.size()) + " files rewritten";
  event.rows_in = erasure.metrics.rows_deleted + erasure.metrics.rows_copied;
  event.rows_out = erasure.metrics.rows_copied;
  (void)event_log->Append(event);  // the erase stands even if its log row cannot be written
}

}  // namespace

void MarkCustomerRows(const Column& customer_no, const std::vector<std::string>& values, std::vector<uint8_t>* doomed) {
  for (size_t row = 0; row < customer_no.size(); ++row) {
    if (customer_no.IsNull(row)) continue;
    const std::string_view value = customer_no.StringAt(row);
    if (std::find(values.begin(), values.end(), value) != values.end()) (*doomed)[row] = 1;
  }
}

void MarkCustomerMessages(const RecordBatch& messages, std::string_view customer, model::OrderParser* parser,
                          std::vector<uint8_t>* doomed) {
  model::NormalizedOrder order;
  const BronzeMessageBytes bytes(messages);
  for (size_t row = 0; row < messages.num_rows(); ++row) {
    const std::optional<std::string_view> message_value = bytes.Value(row);
    if (!message_value) continue;
    const std::string_view value = *message_value;
    if (parser->Parse(value, &order) == model::RejectReason::kNone) {
      if (order.customer_no == customer) (*doomed)[row] = 1;
    } else if (MentionsCustomer(value, customer)) {
      (*doomed)[row] = 1;
    }
  }
}

Result<EraseReport> EraseCustomer(storage::ObjectStore* store, const PipelineOptions& options,
                                  const EraseRequest& request) {
  std::string customer = request.customer;
  while (!customer.empty() && IsSpace(customer.back())) customer.pop_back();
  customer.erase(0, std::min(customer.size(), customer.find_first_not_of(" \t\r\n")));
  if (customer.empty()) return MakeError(ErrorCode::kInvalidArgument, "the customer number to erase is empty");

  EraseReport report;
  report.dry_run = request.dry_run;
  report.erased_at_ms = NowMillis();
  std::vector<std::string> silver_values{customer};
  if (options.pseudonymize_customer) {
    JSM_ASSIGN_OR_RETURN(auto pseudonymizer, Pseudonymizer::FromEnvironment(options.pseudonym_key_env));
    silver_values.emplace_back(pseudonymizer->Pseudonym(customer));
    report.pseudonymized = true;
  }

  JSM_ASSIGN_OR_RETURN(auto bronze, OpenIfExists(store, kBronzeTable));
  JSM_ASSIGN_OR_RETURN(auto quarantine, OpenIfExists(store, kQuarantineTable));
  JSM_ASSIGN_OR_RETURN(auto silver, OpenIfExists(store, kSilverTable));
  // Refine reads bronze commit by commit: a file erased from a commit it has not
  // reached yet would still be read. So silver must have caught up first.
  if (bronze != nullptr) {
    const int64_t refined = silver == nullptr ? -1 : silver->AppVersion(kRefineAppId);
    const int64_t quarantined = quarantine == nullptr ? -1 : quarantine->AppVersion(kRefineAppId);
    if (refined < bronze->version() || quarantined > refined) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "silver has refined bronze up to version " + std::to_string(refined) + " but bronze is at " +
                           std::to_string(bronze->version()) +
                           ": let the pipeline catch up (jsm run --available-now), stop it, then erase");
    }
  }

  if (silver != nullptr && !options.pseudonymize_customer) {
    JSM_ASSIGN_OR_RETURN(bool pseudonymized, SilverIsPseudonymized(*silver));
    if (pseudonymized) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "silver/pedidos holds pseudonymized customer numbers but pseudonymization is off in these "
                       "settings: pass the config with [privacy] pseudonymize_customer = true (and its key), or "
                       "the customer's silver rows would be missed");
    }
  }
  model::OrderParser parser(options.max_event_bytes);
  const delta::RowMatcher match_messages = [&](const RecordBatch& batch, std::vector<uint8_t>* doomed) {
    MarkCustomerMessages(batch, customer, &parser, doomed);
    return Status::Ok();
  };
  const delta::RowMatcher match_silver = [&](const RecordBatch& batch, std::vector<uint8_t>* doomed) {
    MarkCustomerRows(batch.column(0), silver_values, doomed);
    return Status::Ok();
  };

  JSM_ASSIGN_OR_RETURN(auto event_log, request.dry_run ? Result<std::unique_ptr<EventLog>>(nullptr)
                                                        : EventLog::Open(store, options));
  // Bronze first: once the silver commit below records the refine txn at the
  // bronze erase version, refine never looks at that bronze commit.
  if (bronze != nullptr) {
    // The value's bytes are in `value`, or in `value_raw` when they are not UTF-8 (a table from before has none).
    std::vector<std::string> value_columns{"value"};
    if (bronze->schema().FieldIndex("value_raw") >= 0) value_columns.emplace_back("value_raw");
    JSM_ASSIGN_OR_RETURN(TableErasure erasure,
                         EraseFromTable(bronze.get(), match_messages, value_columns, request, options));
    report.tables.push_back(std::move(erasure));
  }
  int64_t quarantine_erased = 0;
  if (quarantine != nullptr) {
    JSM_ASSIGN_OR_RETURN(TableErasure erasure,
                         EraseFromTable(quarantine.get(), match_messages, {"value"}, request, options));
    if (!request.dry_run) quarantine_erased = erasure.metrics.rows_deleted;
    report.tables.push_back(std::move(erasure));
  }
  if (silver != nullptr) {
    // The silver commit consumes every bronze erase commit refine has not seen
    // (this one, or one of an interrupted erase) and carries the rows erased from
    // bronze and the quarantine, so the books (reconciliation.h) still balance.
    EraseCommitExtras extras;
    const int64_t refined = silver->AppVersion(kRefineAppId);
    int64_t bronze_erased = 0;
    if (bronze != nullptr && !request.dry_run && bronze->version() > refined) {
      for (int64_t version = refined + 1; version <= bronze->version(); ++version) {
        JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, bronze->ReadCommit(version));
        bronze_erased += delta::DeletedRows(commit);
      }
      extras.actions.emplace_back(delta::Txn{kRefineAppId, bronze->version(), NowMillis()});
      extras.commit_when_no_match = true;
    }
    extras.metrics[kErasedBronzeRowsMetric] = std::to_string(bronze_erased);
    extras.metrics[kErasedQuarantineRowsMetric] = std::to_string(quarantine_erased);
    extras.commit_when_no_match |= quarantine_erased > 0;
    JSM_ASSIGN_OR_RETURN(TableErasure erasure, EraseFromTable(silver.get(), match_silver, {"customer_no"}, request,
                                                              options, std::move(extras)));
    report.tables.push_back(std::move(erasure));
  }
  if (request.dry_run) return report;
  for (const TableErasure& erasure : report.tables) {
    if (erasure.metrics.version >= 0) LogErasure(event_log.get(), erasure);
  }
  const bool silver_changed = !report.tables.empty() && report.tables.back().table == kSilverTable &&
                              report.tables.back().metrics.rows_deleted > 0;
  if (silver_changed) {
    // Gold is produced whole from silver: one aggregate step rebuilds it from the
    // current silver snapshot and rewrites every gold table with its txn.
    JSM_ASSIGN_OR_RETURN(auto aggregate, AggregateStage::Create(store, options));
    JSM_RETURN_IF_ERROR(aggregate->MarkTarget());
    JSM_ASSIGN_OR_RETURN(StepResult step, aggregate->Step());
    (void)step;
    JSM_ASSIGN_OR_RETURN(bool reached, aggregate->ReachedTarget());
    if (!reached) return MakeError(ErrorCode::kInternal, "gold did not reach the erased silver version");
    report.gold_recomputed = true;
    report.gold_silver_version = report.tables.back().metrics.version;
  }
  return report;
}

}  // namespace jsm::pipeline
