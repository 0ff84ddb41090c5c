#include "cli/commands.h"

namespace jsm::cli {

std::optional<pipeline::PipelineOptions> LoadOptions(const std::string& config, const std::string& lakehouse,
                                                     const std::string& bootstrap, const std::string& topic) {
  pipeline::PipelineOptions options;
  if (!config.empty()) {
    auto loaded = pipeline::LoadPipelineOptions(config);
    if (!loaded) {
      PrintError(loaded.error().message());
      return std::nullopt;
    }
    options = *loaded;
  }
  if (!lakehouse.empty()) options.lakehouse = lakehouse;
  if (!bootstrap.empty()) options.bootstrap = bootstrap;
  if (!topic.empty()) options.topic = topic;
  return options;
}

}  // namespace jsm::cli
