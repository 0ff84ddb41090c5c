#include "pipeline/refine_stage.h"

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/logging.h"
#include "delta/rewrite.h"
#include "kafka/dead_letter_lineage.h"
#include "kafka/rdkafka_log.h"
#include "pipeline/backfill.h"
#include "pipeline/bronze_headers.h"
#include "pipeline/bronze_table.h"
#include "pipeline/erase.h"
#include "pipeline/silver_table.h"
#include "pipeline/table_schemas.h"

namespace jsm::pipeline {

/// How long one Step waits for its dead letters to be acknowledged before it
/// fails transiently (the runner starts the stage again; the letters stay tracked).
constexpr int kDeadLetterFlushMs = 30000;

/// dlq.reason and dlq.error of a tombstone: a message whose value is null.
constexpr std::string_view kNullValueReason = "null_value";
constexpr std::string_view kNullValueError = "the message value is null (a tombstone), not an order event";

const std::vector<std::string>& RefineStage::BronzeColumnsRead() {
  static const std::vector<std::string> columns = {"value",       "key",     "topic",     "partition",
                                                   "offset",      "kafka_timestamp", "ingested_at", "headers",
                                                   "value_raw",   "key_raw"};
  return columns;
}

Result<std::unique_ptr<RefineStage>> RefineStage::Create(storage::ObjectStore* store, const PipelineOptions& options,
                                                         kafka::DeadLetterWriter* dead_letters) {
  std::unique_ptr<RefineStage> stage(new RefineStage());
  stage->options_ = options;
  stage->dead_letters_ = dead_letters;
  JSM_ASSIGN_OR_RETURN(stage->lineage_key_, DlqSigningKey::Create(store));
  JSM_ASSIGN_OR_RETURN(stage->bronze_, OpenBronzeTable(store));
  JSM_ASSIGN_OR_RETURN(stage->silver_, OpenSilverTable(store));
  JSM_ASSIGN_OR_RETURN(stage->quarantine_, delta::DeltaTable::OpenOrCreate(store, kQuarantineTable,
                                                                         "pedidos_quarantine", QuarantineSchema()));
  stage->tables_ = options.normalization ? options.normalization : model::DefaultNormalizationTables();
  stage->parser_ = std::make_unique<model::OrderParser>(options.max_event_bytes, stage->tables_);
  stage->product_names_ = std::make_unique<ProductNames>(&stage->tables_->product_names);
  if (options.pseudonymize_customer) {
    JSM_ASSIGN_OR_RETURN(stage->pseudonymizer_, Pseudonymizer::FromEnvironment(options.pseudonym_key_env));
  }
  stage->silver_batch_ = RecordBatch(SilverSchema());
  stage->candidates_ = RecordBatch(SilverSchema());
  JSM_ASSIGN_OR_RETURN(stage->expectations_, CompileExpectations(options.expectations, SilverSchema()));
  stage->quarantine_batch_ = RecordBatch(QuarantineSchema());
  JSM_ASSIGN_OR_RETURN(stage->event_log_, EventLog::Open(store, options));
  JSM_RETURN_IF_ERROR(stage->RebuildDedupeIndex());
  JSM_RETURN_IF_ERROR(stage->RebuildProductNames());
  return stage;
}

Status RefineStage::RebuildProductNames() {
  const double started = MonotonicSeconds();
  product_names_->Clear();
  const model::ProductNameRules& rules = tables_->product_names;
  for (const auto& [path, add] : silver_->snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch rows, silver_->ReadDataFile(path, {"product_no", "product_name", "product_name_raw"}));
    const Column& product_no = rows.column(0);
    const Column& name = rows.column(1);
    const Column& raw = rows.column(2);
    for (size_t row = 0; row < product_no.size(); ++row) {
      // product_name_raw is null when the event's spelling was the canonical name.
      const std::string_view spelling = raw.IsValid(row) ? raw.StringAt(row) : name.StringAt(row);
      product_names_->Count(product_no.StringAt(row), rules.FixTypos(spelling, &typo_scratch_));
    }
  }
  Log().info(R"("product names rebuilt","stage":"refine","products":{},"spellings":{},"seconds":{:.3f})",
             product_names_->products(), product_names_->spellings(), MonotonicSeconds() - started);
  return Status::Ok();
}

void RefineStage::CanonicalizeProductNames() {
  // silver_batch_ holds the event spellings (whitespace collapsed) in product_name:
  // count each row's spelling after the typo fixes; rows whose canonical name
  // differs from their spelling are noted, and only then is the column rewritten
  // (the usual case, one spelling per product, leaves it untouched).
  Column& names = silver_batch_.column(kSilverProductName);
  Column& raw = silver_batch_.column(kSilverProductNameRaw);
  const Column& product_no = silver_batch_.column(kSilverProductNo);
  const model::ProductNameRules& rules = tables_->product_names;
  renamed_rows_.clear();
  renamed_chars_.clear();
  const size_t rows = names.size();
  for (size_t row = 0; row < rows; ++row) {
    const std::string_view spelling = names.StringAt(row);
    const std::string_view canonical =
        product_names_->Count(product_no.StringAt(row), rules.FixTypos(spelling, &typo_scratch_));
    if (canonical != spelling) {
      renamed_rows_.push_back({row, renamed_chars_.size(), canonical.size()});
      renamed_chars_.append(canonical);
    }
  }
  raw.Clear();
  if (renamed_rows_.empty()) {
    for (size_t row = 0; row < rows; ++row) raw.AppendNull();
    return;
  }
  std::swap(raw_names_, names);
  names.Clear();
  size_t next = 0;
  for (size_t row = 0; row < rows; ++row) {
    const std::string_view spelling = raw_names_.StringAt(row);
    if (next < renamed_rows_.size() && renamed_rows_[next].row == row) {
      const RenamedRow& renamed = renamed_rows_[next++];
      names.AppendString(std::string_view(renamed_chars_).substr(renamed.offset, renamed.size));
      raw.AppendString(spelling);
    } else {
      names.AppendString(spelling);
      raw.AppendNull();
    }
  }
}

void RefineStage::QuarantineCurrency(const RecordBatch& bronze, size_t row, std::string_view value,
                                     const model::NormalizedOrder& order, RefineCounts* counts) {
  if (!FirstInQuarantine(OrderRecordKey(order, &key_scratch_), counts)) return;
  ++counts->quarantined;
  RecordBatch& q = quarantine_batch_;
  q.column(0).AppendString(value);  // parsed, so valid UTF-8
  q.column(1).AppendString(model::CurrencyStatusCode(order.currency_status));
  q.column(2).AppendString(order.transaction_no);
  q.column(3).AppendInt(order.order_date);
  q.column(4).AppendString(order.product_no);
  q.column(5).AppendNull();  // unit_price is GBP, which this order has none of
  q.column(6).AppendInt(order.quantity);
  q.column(7).AppendFrom(bronze.column(kBronzeTopic), row);
  q.column(8).AppendFrom(bronze.column(kBronzePartition), row);
  q.column(9).AppendFrom(bronze.column(kBronzeOffset), row);
  q.column(10).AppendFrom(bronze.column(kBronzeIngestedAt), row);
}

void RefineStage::QuarantineAmount(const RecordBatch& bronze, size_t row, std::string_view value,
                                   const model::NormalizedOrder& order, RefineCounts* counts) {
  if (!FirstInQuarantine(OrderRecordKey(order, &key_scratch_), counts)) return;
  ++counts->quarantined;
  RecordBatch& q = quarantine_batch_;
  q.column(0).AppendString(value);  // parsed, so valid UTF-8
  q.column(1).AppendString(model::AmountStatusCode(order.amount_status));
  q.column(2).AppendString(order.transaction_no);
  q.column(3).AppendInt(order.order_date);
  q.column(4).AppendString(order.product_no);
  // unit_price is DECIMAL(18,2) here too: a price it cannot hold stays only in `value`.
  if (order.amount_status == model::AmountStatus::kUnitPriceOutOfRange) q.column(5).AppendNull();
  else q.column(5).AppendInt(order.unit_price_cents);
  q.column(6).AppendInt(order.quantity);
  q.column(7).AppendFrom(bronze.column(kBronzeTopic), row);
  q.column(8).AppendFrom(bronze.column(kBronzePartition), row);
  q.column(9).AppendFrom(bronze.column(kBronzeOffset), row);
  q.column(10).AppendFrom(bronze.column(kBronzeIngestedAt), row);
}

Status RefineStage::RebuildDedupeIndex() {
  const double started = MonotonicSeconds();
  dedupe_.Clear();
  size_t rows = 0;
  for (const auto& [path, add] : silver_->snapshot().files) rows += add.num_records > 0 ? add.num_records : 0;
  dedupe_.Reserve(rows + static_cast<size_t>(options_.refine_max_rows));  // no rehash while rebuilding
  for (const auto& [path, add] : silver_->snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch ids, silver_->ReadDataFile(path, {"_record_id"}));
    const Column& column = ids.column(0);
    for (size_t row = 0; row < column.size(); ++row) {
      RecordKey key;
      if (!ParseRecordKeyHex(column.StringAt(row), &key)) {
        return MakeError(ErrorCode::kCorruption, "silver file " + path + " row " + std::to_string(row) +
                                                     ": _record_id is not 32 hex digits");
      }
      dedupe_.Insert(key);
    }
  }
  Log().info(R"("dedupe index rebuilt","stage":"refine","keys":{},"bytes":{},"seconds":{:.3f})", dedupe_.size(),
             dedupe_.memory_bytes(), MonotonicSeconds() - started);
  JSM_RETURN_IF_ERROR(RebuildQuarantineDedupeIndex());
  dedupe_dirty_ = false;
  return Status::Ok();
}

Status RefineStage::RebuildQuarantineDedupeIndex() {
  // Quarantine has no record id column: its rows are keyed as they were when
  // quarantined, by parsing the kept event again (pseudonymized as refine does for
  // a candidate; an unconvertible currency is quarantined before that). A value that
  // no longer parses (the rules changed) has no key; it cannot be repeated as an order.
  const double started = MonotonicSeconds();
  quarantine_dedupe_.Clear();
  size_t rows = 0;
  for (const auto& [path, add] : quarantine_->snapshot().files) rows += add.num_records > 0 ? add.num_records : 0;
  quarantine_dedupe_.Reserve(rows);
  model::NormalizedOrder order;
  for (const auto& [path, add] : quarantine_->snapshot().files) {
    JSM_ASSIGN_OR_RETURN(RecordBatch values, quarantine_->ReadDataFile(path, {"value"}));
    const Column& column = values.column(0);
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.IsNull(row) || parser_->Parse(column.StringAt(row), &order) != model::RejectReason::kNone) continue;
      // Orders quarantined before pseudonymization (currency, amounts) are keyed as they came.
      if (order.currency_status == model::CurrencyStatus::kOk && order.amount_status == model::AmountStatus::kOk &&
          pseudonymizer_ != nullptr && !order.customer_no.empty()) {
        order.customer_no = pseudonymizer_->Pseudonym(order.customer_no);
      }
      quarantine_dedupe_.Insert(OrderRecordKey(order, &key_scratch_));
    }
  }
  Log().info(R"("quarantine dedupe index rebuilt","stage":"refine","rows":{},"keys":{},"seconds":{:.3f})", rows,
             quarantine_dedupe_.size(), MonotonicSeconds() - started);
  return Status::Ok();
}

bool RefineStage::FirstInQuarantine(const RecordKey& key, RefineCounts* counts) {
  if (quarantine_redo_ || quarantine_dedupe_.Insert(key)) return true;
  ++counts->duplicates;
  ++counts->quarantine_duplicates;
  return false;
}

Result<int64_t> RefineStage::QuarantineDuplicatesAfter(int64_t consumed) const {
  int64_t repeats = 0;
  for (int64_t version = quarantine_->version(); version >= 0; --version) {
    JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, quarantine_->ReadCommit(version));
    const delta::CommitInfo* info = nullptr;
    int64_t refined_through = -1;
    for (const delta::Action& action : commit.actions) {
      if (const auto* txn = std::get_if<delta::Txn>(&action); txn != nullptr && txn->app_id == kRefineAppId) {
        refined_through = txn->version;
      }
      if (const auto* found = std::get_if<delta::CommitInfo>(&action)) info = found;
    }
    if (refined_through < 0) continue;  // not a refine commit (optimize, erase)
    if (refined_through <= consumed) break;
    if (info != nullptr) {
      auto it = info->operation_metrics.find("numQuarantineDuplicateRows");
      if (it != info->operation_metrics.end()) repeats += std::strtoll(it->second.c_str(), nullptr, 10);
    }
  }
  return repeats;
}

void RefineStage::AppendCandidate(const RecordBatch& bronze, size_t row, std::string_view value,
                                  const model::NormalizedOrder& order, std::string_view raw_customer) {
  RecordBatch& s = candidates_;
  s.column(kSilverTransactionNo).AppendString(order.transaction_no);
  s.column(kSilverIsCancellation).AppendInt(order.is_cancellation ? 1 : 0);
  s.column(kSilverOrderDate).AppendInt(order.order_date);
  s.column(kSilverProductNo).AppendString(order.product_no);
  s.column(kSilverProductName).AppendString(order.product_name);
  s.column(kSilverUnitPrice).AppendInt(order.unit_price_cents);
  s.column(kSilverQuantity).AppendInt(order.quantity);
  s.column(kSilverLineTotal).AppendInt(order.line_total_cents);
  if (raw_customer.empty()) s.column(kSilverCustomerNo).AppendNull();
  else s.column(kSilverCustomerNo).AppendString(raw_customer);
  if (pseudonymizer_ != nullptr) {
    if (order.customer_no.empty()) pseudonyms_.AppendNull();
    else pseudonyms_.AppendString(order.customer_no);
  }
  if (order.country.empty()) s.column(kSilverCountry).AppendNull();
  else s.column(kSilverCountry).AppendString(order.country);
  if (order.country_code.empty()) s.column(kSilverCountryCode).AppendNull();
  else s.column(kSilverCountryCode).AppendString(order.country_code);
  s.column(kSilverTopic).AppendFrom(bronze.column(kBronzeTopic), row);
  s.column(kSilverPartition).AppendFrom(bronze.column(kBronzePartition), row);
  s.column(kSilverOffset).AppendFrom(bronze.column(kBronzeOffset), row);
  s.column(kSilverIngestedAt).AppendFrom(bronze.column(kBronzeIngestedAt), row);
  const RecordKey key = OrderRecordKey(order, &key_scratch_);
  hex_scratch_.clear();
  AppendRecordKeyHex(key, &hex_scratch_);
  s.column(kSilverRecordId).AppendString(hex_scratch_);
  if (order.currency.empty()) {
    s.column(kSilverCurrency).AppendNull();
    s.column(kSilverOriginalUnitPrice).AppendNull();
  } else {
    s.column(kSilverCurrency).AppendString(order.currency);
    s.column(kSilverOriginalUnitPrice).AppendInt(order.original_unit_price_cents);
  }
  s.column(kSilverProductNameRaw).AppendNull();  // set by CanonicalizeProductNames
  keys_.push_back(key);
  raw_values_.push_back(value);  // parsed, so valid UTF-8: it may go to the quarantine's string column
}

void RefineStage::ClearBatch() {
  silver_batch_.Clear();
  quarantine_batch_.Clear();
  candidates_.Clear();
  bronze_batches_.clear();
  raw_values_.clear();
  keys_.clear();
  pseudonyms_.Clear();
  kafka_timestamps_ms_.clear();
}

Status RefineStage::ParseBronzeFile(const RecordBatch& bronze, RefineCounts* counts) {
  const BronzeMessageBytes bytes(bronze);
  const Column& kafka_timestamps = bronze.column(kBronzeKafkaTimestamp);
  // A bronze version from before the headers column (a rebuild's time travel) has none.
  const Column* headers = bronze.num_columns() > kBronzeHeaders ? &bronze.column(kBronzeHeaders) : nullptr;
  model::NormalizedOrder order;
  int64_t forged_lineage = 0;  ///< dead letters of this file whose dlq.* headers were not believed (logged once)
  for (size_t row = 0; row < bronze.num_rows(); ++row) {
    ++counts->input_rows;
    if (kafka_timestamps.IsValid(row)) kafka_timestamps_ms_.push_back(kafka_timestamps.IntAt(row) / 1000);
    const std::optional<std::string_view> message_value = bytes.Value(row);
    const std::string_view value = message_value.value_or(std::string_view());
    // A tombstone (null value) is no event: dead-lettered as such, with a null value.
    model::RejectReason reason =
        message_value ? parser_->Parse(value, &order) : model::RejectReason::kNone;
    if (!message_value || reason != model::RejectReason::kNone) {
      kafka::DeadLetter letter;
      const std::optional<std::string_view> key = bytes.Key(row);
      letter.has_key = key.has_value();
      if (letter.has_key) letter.key = *key;
      letter.has_value = message_value.has_value();
      letter.value = value;
      letter.reason = message_value ? model::RejectReasonCode(reason) : kNullValueReason;
      letter.error = message_value ? std::string_view(parser_->error()) : kNullValueError;
      letter.stage = "refine";
      letter.original_topic = bronze.column(kBronzeTopic).StringAt(row);
      letter.original_partition = static_cast<int32_t>(bronze.column(kBronzePartition).IntAt(row));
      letter.original_offset = bronze.column(kBronzeOffset).IntAt(row);
      letter.original_timestamp_ms = kafka_timestamps.IsNull(row) ? -1 : kafka_timestamps.IntAt(row) / 1000;
      letter.source_topic = letter.original_topic;
      letter.source_partition = letter.original_partition;
      letter.source_offset = letter.original_offset;
      // A replayed letter that fails again keeps counting: attempts, first failure
      // and original coordinates come from the replay's headers, kept in bronze, but
      // only when `jsm dlq replay` signed them over this very message; any other dlq.*
      // headers stay in bronze and the letter is a first failure at the real coordinates.
      kafka::ReplayLineage lineage;
      if (headers != nullptr && headers->IsValid(row)) {
        auto parsed = ParseHeadersJson(headers->StringAt(row));
        if (parsed && kafka::HasDeadLetterHeaders(*parsed)) {
          JSM_ASSIGN_OR_RETURN(const kafka::LineageSigner* signer, lineage_key_->ForVerifying());
          const kafka::SignedMessage message{letter.original_topic, letter.has_key, letter.key, letter.has_value,
                                             value};
          kafka::LineageTrust trust = kafka::LineageTrust::kNone;
          lineage = kafka::TrustedReplayLineage(*parsed, message, signer, &trust);
          if (trust != kafka::LineageTrust::kVerified) {
            letter.lineage_ignored = kafka::LineageTrustName(trust);
            if (forged_lineage++ == 0) {
              Log().warn(R"("dead-letter lineage headers not signed by jsm dlq replay, ignored","stage":"refine","trust":"{}","partition":{},"offset":{})",
                         letter.lineage_ignored, letter.original_partition, letter.original_offset);
            }
          }
        } else if (!parsed) {
          Log().warn(R"("bronze headers unreadable, dead-lettered without lineage","stage":"refine","partition":{},"offset":{},"error":{})",
                     letter.original_partition, letter.original_offset, kafka::JsonQuoted(parsed.error().ToString()));
        }
      }
      kafka::CarryLineage(lineage, &letter);
      if (send_letters_) JSM_RETURN_IF_ERROR(dead_letters_->Send(letter));
      ++counts->dead_letters;
      continue;
    }
    if (order.currency_status != model::CurrencyStatus::kOk) {
      QuarantineCurrency(bronze, row, value, order, counts);
      continue;
    }
    if (order.amount_status != model::AmountStatus::kOk) {
      QuarantineAmount(bronze, row, value, order, counts);
      continue;
    }
    ++counts->parsed;
    // Pseudonymize before the record key is computed: a _record_id over the raw
    // CustomerNo would let anyone recover it by trying every customer number.
    const std::string_view raw_customer = order.customer_no;
    if (pseudonymizer_ != nullptr && !order.customer_no.empty()) {
      order.customer_no = pseudonymizer_->Pseudonym(order.customer_no);
    }
    AppendCandidate(bronze, row, value, order, raw_customer);
  }
  if (forged_lineage > 1) {
    Log().warn(R"("dead-letter lineage headers not signed by jsm dlq replay, ignored","stage":"refine","letters":{})",
               forged_lineage);
  }
  return Status::Ok();
}

Status RefineStage::SplitCandidates(RefineCounts* counts) {
  CheckExpectations(expectations_, candidates_, &outcome_);
  // The expectations saw the event's customer numbers; silver keeps the pseudonyms.
  if (pseudonymizer_ != nullptr) std::swap(candidates_.column(kSilverCustomerNo), pseudonyms_);
  if (outcome_.fail_expectation >= 0) {
    const size_t index = static_cast<size_t>(outcome_.fail_expectation);
    const Expectation& failed = expectations_[index];
    const size_t row = outcome_.fail_row;
    return MakeError(ErrorCode::kInvalidArgument,
                     "expectation '" + failed.name + "' (action fail, rule: " + failed.rule.text + ") failed on " +
                         std::to_string(outcome_.failed[index]) + " rows, first at " +
                         std::string(candidates_.column(kSilverTopic).StringAt(row)) + " partition " +
                         std::to_string(candidates_.column(kSilverPartition).IntAt(row)) + " offset " +
                         std::to_string(candidates_.column(kSilverOffset).IntAt(row)) + " (transaction " +
                         std::string(candidates_.column(kSilverTransactionNo).StringAt(row)) +
                         "); nothing of this batch was committed");
  }
  std::vector<uint8_t>& keep = outcome_.keep;
  RecordBatch& q = quarantine_batch_;
  for (size_t row = 0; row < keep.size(); ++row) {
    if (!keep[row]) {
      if (!FirstInQuarantine(keys_[row], counts)) continue;
      q.column(0).AppendString(raw_values_[row]);
      q.column(1).AppendString(BrokenExpectationNames(expectations_, outcome_.broken[row]));
      q.column(2).AppendFrom(candidates_.column(kSilverTransactionNo), row);
      q.column(3).AppendFrom(candidates_.column(kSilverOrderDate), row);
      q.column(4).AppendFrom(candidates_.column(kSilverProductNo), row);
      q.column(5).AppendFrom(candidates_.column(kSilverUnitPrice), row);
      q.column(6).AppendFrom(candidates_.column(kSilverQuantity), row);
      q.column(7).AppendFrom(candidates_.column(kSilverTopic), row);
      q.column(8).AppendFrom(candidates_.column(kSilverPartition), row);
      q.column(9).AppendFrom(candidates_.column(kSilverOffset), row);
      q.column(10).AppendFrom(candidates_.column(kSilverIngestedAt), row);
      ++counts->quarantined;
    } else if (!dedupe_.Insert(keys_[row])) {
      keep[row] = 0;
      ++counts->duplicates;
    }
  }
  silver_batch_.AppendSelected(candidates_, keep);
  CanonicalizeProductNames();
  counts->silver_rows = static_cast<int64_t>(silver_batch_.num_rows());
  return Status::Ok();
}

Result<StepResult> RefineStage::Step() {
  StepResult result;
  JSM_RETURN_IF_ERROR(bronze_->Refresh());
  const int64_t consumed = silver_->AppVersion(kRefineAppId);
  const int64_t available = bronze_limit_ >= 0 ? std::min(bronze_->version(), bronze_limit_) : bronze_->version();
  if (available <= consumed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return result;
  }
  JSM_RETURN_IF_ERROR(quarantine_->Refresh());
  if (const int64_t interrupted = InterruptedRebuild(*silver_, *quarantine_); interrupted >= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a rebuild from bronze version " + std::to_string(interrupted) +
                         " was interrupted after replacing quarantine but before replacing silver; run "
                         "`jsm run --stage refine --from-bronze-version " + std::to_string(interrupted) +
                         " --available-now` again (it replaces both tables)");
  }
  if (dedupe_dirty_) {
    JSM_RETURN_IF_ERROR(RebuildDedupeIndex());
    JSM_RETURN_IF_ERROR(RebuildProductNames());  // counted rows of a batch that did not land
  }
  // A quarantine commit ahead of silver means a crash between the two commits:
  // redo exactly that range, without writing its quarantine rows again.
  const int64_t quarantine_done = quarantine_->AppVersion(kRefineAppId);
  const bool redo = quarantine_done > consumed;
  int64_t redo_quarantine_duplicates = 0;
  if (redo) {
    JSM_ASSIGN_OR_RETURN(redo_quarantine_duplicates, QuarantineDuplicatesAfter(consumed));
  }
  quarantine_redo_ = redo;  // for the currency quarantine while parsing, and SplitCandidates
  const double started = MonotonicSeconds();
  RefineCounts counts;
  ClearBatch();
  int64_t last = consumed;
  for (int64_t version = consumed + 1; version <= available; ++version) {
    if (redo && version > quarantine_done) break;
    if (!redo && counts.input_rows >= options_.refine_max_rows) break;
    JSM_ASSIGN_OR_RETURN(delta::CommitEntry commit, bronze_->ReadCommit(version));
    // A bronze commit that removes data (jsm erase) re-adds rows refined before,
    // not new messages: it is consumed without reading its adds.
    if (delta::RemovesData(commit)) {
      counts.erased_bronze += delta::DeletedRows(commit);
      last = version;
      continue;
    }
    // After a rebuild from an earlier version, the versions refined before it sent their letters then.
    send_letters_ = version > LettersSentThrough();
    for (const delta::Action& action : commit.actions) {
      const auto* add = std::get_if<delta::AddFile>(&action);
      if (add == nullptr || !add->data_change) continue;
      JSM_ASSIGN_OR_RETURN(RecordBatch bronze, bronze_->ReadDataFile(add->path, BronzeColumnsRead()));
      bronze_batches_.push_back(std::move(bronze));
      JSM_RETURN_IF_ERROR(ParseBronzeFile(bronze_batches_.back(), &counts));
    }
    send_letters_ = true;
    last = version;
  }
  dedupe_dirty_ = true;  // until the silver commit below lands
  auto split = SplitCandidates(&counts);
  quarantine_redo_ = false;
  JSM_RETURN_IF_ERROR(split);
  if (redo) {
    // The crashed quarantine commit kept first occurrences only and counted the repeats.
    counts.quarantined -= redo_quarantine_duplicates;
    counts.duplicates += redo_quarantine_duplicates;
    counts.quarantine_duplicates += redo_quarantine_duplicates;
  }
  // Every dead letter of the batch is acknowledged before the commit moves past its
  // events; a broker outage is waited out (the letters are produced again with
  // backoff), and a Step run again after a timeout sends none of them twice.
  JSM_RETURN_IF_ERROR(dead_letters_->Flush(kDeadLetterFlushMs));
  const std::string range = std::to_string(consumed + 1) + "-" + std::to_string(last);
  if (quarantine_batch_.num_rows() > 0 && !redo) {
    JSM_ASSIGN_OR_RETURN(delta::AddFile add, quarantine_->WriteDataFile(quarantine_batch_, options_.parquet));
    delta::CommitInfo info;
    info.operation = "STREAMING UPDATE";
    info.operation_parameters["bronzeVersions"] = range;
    info.operation_metrics["numOutputRows"] = std::to_string(quarantine_batch_.num_rows());
    info.operation_metrics["numQuarantineDuplicateRows"] = std::to_string(counts.quarantine_duplicates);
    info.engine_info = "jsm-pipeline/" JSM_VERSION;
    std::vector<delta::Action> actions{std::move(add), delta::Txn{kRefineAppId, last, NowMillis()}};
    JSM_RETURN_IF_ERROR(quarantine_->Commit(std::move(actions), std::move(info)));
    batch_commit_conflicts_ += quarantine_->last_commit_conflicts();
  }
  std::vector<delta::Action> actions;
  if (silver_batch_.num_rows() > 0) {
    JSM_ASSIGN_OR_RETURN(delta::AddFile add, silver_->WriteDataFile(silver_batch_, options_.parquet));
    actions.push_back(std::move(add));
  }
  actions.push_back(delta::Txn{kRefineAppId, last, NowMillis()});
  delta::CommitInfo info;
  info.operation = "STREAMING UPDATE";
  info.operation_parameters["outputMode"] = "Append";
  info.operation_parameters["bronzeVersions"] = range;
  info.operation_metrics["numInputRows"] = std::to_string(counts.input_rows);
  info.operation_metrics["numOutputRows"] = std::to_string(counts.silver_rows);
  info.operation_metrics["numQuarantinedRows"] = std::to_string(counts.quarantined);
  info.operation_metrics["numDeadLetters"] = std::to_string(counts.dead_letters);
  info.operation_metrics["numDuplicateRows"] = std::to_string(counts.duplicates);
  info.operation_metrics["numQuarantineDuplicateRows"] = std::to_string(counts.quarantine_duplicates);
  if (counts.erased_bronze > 0) info.operation_metrics[kErasedBronzeRowsMetric] = std::to_string(counts.erased_bronze);
  info.engine_info = "jsm-pipeline/" JSM_VERSION;
  JSM_ASSIGN_OR_RETURN(int64_t version, silver_->Commit(std::move(actions), std::move(info)));
  batch_commit_conflicts_ += silver_->last_commit_conflicts();
  dead_letters_->Forget();
  dedupe_dirty_ = false;
  result.rows_in = counts.input_rows;
  result.committed = true;
  LogBatch(counts, version, range, started);
  Log().info(
      R"("silver commit","stage":"refine","version":{},"bronze_versions":"{}","rows_in":{},"rows_out":{},"quarantined":{},"dead_letters":{},"duplicates":{},"seconds":{:.3f})",
      version, range, counts.input_rows, counts.silver_rows, counts.quarantined, counts.dead_letters,
      counts.duplicates, MonotonicSeconds() - started);
  return result;
}

void RefineStage::LogBatch(const RefineCounts& counts, int64_t silver_version, const std::string& range,
                           double started) {
  BatchEvent event;
  event.stage = "refine";
  event.target_table = kSilverTable;
  event.target_version = silver_version;
  event.source_range = "bronze " + range;
  event.rows_in = counts.input_rows;
  event.rows_out = counts.silver_rows;
  event.quarantined = counts.quarantined;
  event.dead_letters = counts.dead_letters;
  event.duplicates = counts.duplicates;
  event.commit_conflicts = std::exchange(batch_commit_conflicts_, 0);
  event.duration_ms = static_cast<int64_t>((MonotonicSeconds() - started) * 1000);
  FillLatency(&kafka_timestamps_ms_, NowMillis(), &event);
  for (size_t e = 0; e < expectations_.size(); ++e) {
    event.expectations.push_back(ExpectationResult{expectations_[e].name,
                                                   ExpectationActionName(expectations_[e].action),
                                                   counts.parsed - outcome_.failed[e], outcome_.failed[e]});
  }
  if (auto logged = event_log_->Append(event); !logged) {
    Log().warn(R"("event log append failed","stage":"refine","error":"{}")", logged.error().ToString());
  }
}

Status RefineStage::MarkTarget() {
  JSM_RETURN_IF_ERROR(bronze_->Refresh());
  target_version_ = bronze_limit_ >= 0 ? std::min(bronze_->version(), bronze_limit_) : bronze_->version();
  return Status::Ok();
}

int64_t RefineStage::LettersSentThrough() const {
  return std::max(silver_->AppVersion(kRefineAppId), silver_->AppVersion(kLettersSentAppId));
}

Result<bool> RefineStage::ReachedTarget() { return silver_->AppVersion(kRefineAppId) >= target_version_; }

}  // namespace jsm::pipeline
