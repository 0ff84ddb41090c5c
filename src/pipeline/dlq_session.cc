#include "pipeline/dlq_session.h"

#include <map>

#include "common/clock.h"
#include "kafka/dead_letter.h"
#include "kafka/dead_letter_lineage.h"
#include "kafka/producer.h"
#include "pipeline/dlq_signing_key.h"

namespace jsm::pipeline {

Result<std::unique_ptr<DlqSession>> DlqSession::Open(storage::ObjectStore* store,
                                                     const PipelineOptions& options, int timeout_ms) {
  std::unique_ptr<DlqSession> session(new DlqSession());
  session->store_ = store;
  session->options_ = options;
  session->dlq_topic_ = kafka::DeadLetterTopic(options.topic);
  JSM_ASSIGN_OR_RETURN(session->signing_key_, DlqSigningKey::Create(store));
  const kafka::ClientConfig config{options.bootstrap, options.kafka_properties};
  JSM_ASSIGN_OR_RETURN(session->reader_, kafka::DeadLetterReader::Create(config, timeout_ms));
  JSM_ASSIGN_OR_RETURN(session->cluster_id_, session->reader_->ClusterId());
  JSM_ASSIGN_OR_RETURN(session->letters_, session->reader_->ReadAll(session->dlq_topic_));
  JSM_ASSIGN_OR_RETURN(const auto handled, ReadHandledLetters(store));
  session->handled_.reserve(session->letters_.size());
  for (const kafka::StoredDeadLetter& letter : session->letters_) {
    auto it = handled.find(DlqLetterKey(letter, session->cluster_id_));
    session->handled_.push_back(it == handled.end() ? std::string() : it->second);
  }
  session->lineage_resolved_.assign(session->letters_.size(), false);
  return session;
}

Result<std::vector<const kafka::StoredDeadLetter*>> DlqSession::Select(const DlqFilter& filter,
                                                                       bool include_handled) {
  // Lineage first, in one pass per original topic: the filter does not depend on it, but attempts do.
  std::map<std::string, std::vector<size_t>> lookups;
  for (size_t i = 0; i < letters_.size(); ++i) {
    const kafka::StoredDeadLetter& letter = letters_[i];
    if ((!include_handled && handled(i)) || lineage_resolved_[i] || !MatchesFilter(letter, filter)) continue;
    if (letter.original_topic.empty() || letter.original_partition < 0 || letter.original_offset < 0)
      continue;
    // A letter of a replayed event made by a refine that reads bronze's headers
    // carries its lineage (dlq.replayed_from, attempts counted): nothing to look up.
    if (kafka::FindHeader(letter.headers, "dlq.replayed_from") != nullptr) {
      lineage_resolved_[i] = true;
      continue;
    }
    lookups[letter.original_topic].push_back(i);
  }
  for (const auto& [topic, indexes] : lookups) {
    std::vector<kafka::DeadLetterReader::Position> positions;
    positions.reserve(indexes.size());
    for (size_t i : indexes)
      positions.emplace_back(letters_[i].original_partition, letters_[i].original_offset);
    auto headers = reader_->ReadHeadersAt(topic, positions);
    if (!headers) {
      if (headers.error().code() == ErrorCode::kNotFound)
        continue;  // the main topic is gone: no lineage to read
      return std::unexpected(headers.error().WithContext("lineage of dead letters from '" + topic + "'"));
    }
    const kafka::LineageSigner* signer = nullptr;
    bool signer_loaded = false;
    for (size_t i : indexes) {
      kafka::StoredDeadLetter& letter = letters_[i];
      auto found = headers->find({letter.original_partition, letter.original_offset});
      // Believed only when `jsm dlq replay` signed it: the letter holds the message's key and value.
      if (found != headers->end() && kafka::HasDeadLetterHeaders(found->second)) {
        if (!signer_loaded) {
          JSM_ASSIGN_OR_RETURN(signer, signing_key_->ForVerifying());
          signer_loaded = true;
        }
        const kafka::SignedMessage message{topic, letter.has_key, letter.key, letter.has_value, letter.value};
        kafka::CarryLineage(kafka::TrustedReplayLineage(found->second, message, signer), &letter);
      }
      lineage_resolved_[i] = true;
    }
  }
  std::vector<const kafka::StoredDeadLetter*> selected;
  for (size_t i = 0; i < letters_.size(); ++i) {
    if (!include_handled && handled(i)) continue;
    if (MatchesFilter(letters_[i], filter)) selected.push_back(&letters_[i]);
  }
  return selected;
}

Result<DlqExecution> DlqSession::Execute(const std::vector<DlqDecision>& decisions) {
  DlqExecution done;
  const int64_t now_ms = NowMillis();
  std::vector<DlqAction> parks;
  bool any_replay = false;
  for (const DlqDecision& d : decisions) {
    if (d.kind == DlqDecision::Kind::kReplay) any_replay = true;
    if (d.kind == DlqDecision::Kind::kSkip) ++done.skipped;
  }
  if (any_replay) {
    kafka::ProducerOptions producer_options;
    producer_options.compression = options_.producer_compression;
    JSM_ASSIGN_OR_RETURN(
        std::unique_ptr<kafka::Producer> producer,
        kafka::Producer::Create(kafka::ClientConfig{options_.bootstrap, options_.kafka_properties},
                                producer_options));
    // The lineage is signed over the replayed message, so refine believes it, and only it.
    JSM_ASSIGN_OR_RETURN(const kafka::LineageSigner* signer, signing_key_->ForSigning());
    for (const DlqDecision& d : decisions) {
      if (d.kind != DlqDecision::Kind::kReplay) continue;
      std::vector<kafka::Header> headers = kafka::ReplayHeaders(*d.letter, d.next_attempt, now_ms);
      signer->AddSignature(&headers, kafka::SignedMessage{options_.topic, d.has_key, d.key, d.has_value, d.value});
      // A view with a null data() is produced as a null value: a tombstone's letter stays one.
      const std::string_view value = d.has_value ? std::string_view(d.value) : std::string_view();
      Status sent = d.has_key ? producer->Produce(options_.topic, d.key, value, headers)
                              : producer->ProduceWithoutKey(options_.topic, value, headers);
      if (!sent) return std::unexpected(sent.error().WithContext("replaying dead letter " + d.letter->Id()));
      ++done.replayed;
    }
    // Recorded only once delivered: a crash before the journal commit replays again
    // (at least once), and silver's dedupe by record id drops the second copy.
    JSM_RETURN_IF_ERROR(producer->Flush(60000));
  }
  std::vector<DlqAction> actions = ActionsOf(decisions, options_.topic);
  for (const DlqAction& action : actions) {
    if (action.kind == DlqActionKind::kPark) parks.push_back(action);
    if (action.kind == DlqActionKind::kDiscard) ++done.discarded;
  }
  done.parked = static_cast<int64_t>(parks.size());
  const int64_t now_us = now_ms * 1000;
  JSM_ASSIGN_OR_RETURN(done.parked_version, ParkLetters(store_, options_, parks, cluster_id_, now_us));
  JSM_RETURN_IF_ERROR(RecordDlqActions(store_, options_, actions, cluster_id_, std::to_string(now_ms),
                                       done.parked_version, now_us));
  if (Status committed = MarkHandledAndCommitOffsets(actions); !committed) {
    done.offsets_warning = committed.error().ToString();
  }
  return done;
}

Status DlqSession::MarkHandledAndCommitOffsets(const std::vector<DlqAction>& actions) {
  for (const DlqAction& action : actions) {
    const size_t index = static_cast<size_t>(action.letter - letters_.data());
    if (index < letters_.size()) handled_[index] = std::string(DlqActionName(action.kind));
  }
  // Group jsm-dlq's offset of a partition: its first letter not yet handled (the
  // end when all are), so `kafka-consumer-groups --describe` shows pending letters as lag.
  std::map<int32_t, int64_t> commit;
  std::set<int32_t> pending;
  for (size_t i = 0; i < letters_.size(); ++i) {  // in partition and offset order
    const kafka::StoredDeadLetter& letter = letters_[i];
    if (pending.contains(letter.partition)) continue;
    if (handled(i)) {
      commit[letter.partition] = letter.offset + 1;
    } else {
      commit[letter.partition] = letter.offset;
      pending.insert(letter.partition);
    }
  }
  return reader_->CommitOffsets(dlq_topic_, commit);
}

}  // namespace jsm::pipeline
