// libFuzzer target for the settings loader (pipeline/pipeline_options.h): any
// bytes as a TOML config file must load over the defaults or be an error naming
// the file, never a crash, a hang or a sanitizer report. The file lives in a
// scratch folder of this process that also holds the shipped normalization files,
// so relative [normalization] paths name real data files. Inputs that could name
// a file under /dev, /proc, /sys or /run (or hold \u escapes that could spell
// one) are skipped: reading those is the operator's choice, not a parser bug.
// Seeds: corpus/settings_toml/, keywords: settings_toml.dict.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "model/normalization_tables.h"
#include "pipeline/pipeline_options.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

/// The scratch folder, created once with copies of the shipped normalization files.
const std::string& ScratchDir() {
  static const std::string dir = [] {
    static const std::string path = "/tmp/jsm_settings_fuzz_" + std::to_string(getpid());
    std::filesystem::create_directories(path);
    std::atexit([] { std::filesystem::remove_all(path); });
    for (const char* name : {"countries.csv", "date_formats.txt", "currencies.csv", "product_name_overrides.csv",
                             "typo_fixes.csv"}) {
      WriteFile(path + "/" + name, jsm::model::BuiltinNormalizationFile(name));
    }
    return path;
  }();
  return dir;
}

bool MayNameSpecialFile(std::string_view text) {
  for (std::string_view word : {"dev/", "proc/", "sys/", "run/", "\\u", "\\U"}) {
    if (text.find(word) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (MayNameSpecialFile(text)) return 0;
  const std::string path = ScratchDir() + "/pipeline.toml";
  WriteFile(path, text);
  auto options = jsm::pipeline::LoadPipelineOptions(path);
  if (!options) {
    Require(options.error().message().find(path) != std::string::npos ||
            options.error().message().find(ScratchDir()) != std::string::npos);
    return 0;
  }
  Require(options->normalization != nullptr);
  Require(options->ingest_commit_messages > 0 && options->refine_max_rows > 0);
  return 0;
}
