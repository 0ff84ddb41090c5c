#include "cli/commands.h"

namespace jsm::cli {

void InputOptions::Register(CLI::App* command, int64_t default_synthetic) {
  default_synthetic_ = default_synthetic;
  auto* input = command->add_option("--input", csv,
                                    "replay a CSV file (TransactionNo,Date,ProductNo,ProductName,Price,Quantity,"
                                    "CustomerNo,Country[,Currency]) as order events, in file order")
                    ->check(CLI::ExistingFile);
  auto* generated = command->add_option("--synthetic", synthetic,
                                        "generate N synthetic orders shaped like the real data (default " +
                                            std::to_string(default_synthetic) + " when no --input)")
                        ->check(CLI::NonNegativeNumber);
  input->excludes(generated);
  command->add_option("--seed", seed, "seed of the synthetic generator")->capture_default_str();
}

std::unique_ptr<model::OrderSource> InputOptions::Open() const {
  if (!csv.empty()) {
    auto source = model::CsvOrderSource::Open(csv);
    if (!source) {
      PrintError(source.error().ToString());
      return nullptr;
    }
    return std::move(*source);
  }
  return std::make_unique<model::SyntheticOrderSource>(synthetic >= 0 ? synthetic : default_synthetic_, seed);
}

}  // namespace jsm::cli
