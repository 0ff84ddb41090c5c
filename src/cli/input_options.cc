#include "cli/commands.h"
#include "kafka/producer.h"
#include "pipeline/order_feed.h"

namespace jsm::cli {

void InputOptions::Register(CLI::App* command, int64_t default_synthetic) {
  default_synthetic_ = default_synthetic;
  auto* input = command->add_option("--input", csv,
                                    "replay a CSV file (TransactionNo,Date,ProductNo,ProductName,Price,Quantity,"
                                    "CustomerNo,Country[,Currency]) as order events, in file order; the whole "
                                    "file is checked first, and a malformed line or one too large for a Kafka "
                                    "message refuses it (exit 4) before anything is produced")
                    ->check(CLI::ExistingFile);
  auto* generated = command->add_option("--synthetic", synthetic,
                                        "generate N synthetic orders shaped like the real data (default " +
                                            std::to_string(default_synthetic) + " when no --input)")
                        ->check(NonNegativeNumber());
  input->excludes(generated);
  command->add_option("--seed", seed, "seed of the synthetic generator")->capture_default_str();
}

std::unique_ptr<model::OrderSource> InputOptions::Open(int64_t max_message_bytes, int* exit_code) const {
  if (csv.empty()) {
    return std::make_unique<model::SyntheticOrderSource>(synthetic >= 0 ? synthetic : default_synthetic_, seed);
  }
  // The file is read twice: once to its end to check it, then to replay it. Replay must not stop
  // halfway on a bad line, leaving the lines before it produced.
  auto refuse = [&](const Error& error) -> std::unique_ptr<model::OrderSource> {
    PrintError(error.ToString());
    *exit_code = ExitCodeForLookup(error);  // 4: a bad header, line or size, or the file is gone
    return nullptr;
  };
  auto checked = model::CsvOrderSource::Open(csv);
  if (!checked) return refuse(checked.error());
  if (auto records = pipeline::CheckOrders(checked->get(), max_message_bytes); !records) {
    return refuse(records.error());
  }
  auto source = model::CsvOrderSource::Open(csv);
  if (!source) return refuse(source.error());
  return std::move(*source);
}

int64_t MaxMessageBytes(const pipeline::PipelineOptions& options, int* exit_code) {
  auto bytes = kafka::MaxMessageBytes(kafka::ClientConfig{"", options.kafka_properties});
  if (!bytes) {
    PrintError(bytes.error().ToString());
    *exit_code = ExitCodeFor(bytes.error());
    return -1;
  }
  return *bytes;
}

}  // namespace jsm::cli
