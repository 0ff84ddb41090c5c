#include "cli/run_progress.h"

namespace jsm::cli {

std::string GroupThousands(int64_t value) {
  // The magnitude in unsigned arithmetic, so that INT64_MIN has one too.
  const unsigned long long magnitude = static_cast<unsigned long long>(value);
  const std::string digits = std::to_string(value < 0 ? 0ULL - magnitude : magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

std::string FormatRunProgress(const pipeline::RunProgress& progress) {
  std::string line;
  auto part = [&](const char* label, int64_t count) {
    if (!line.empty()) line += " | ";
    line += label;
    line += ' ';
    line += GroupThousands(count);
  };
  if (progress.produced > 0) part("produced", progress.produced);
  part("in bronze", progress.in_bronze);
  if (progress.refined > 0) part("refined", progress.refined);
  if (progress.aggregated > 0) part("aggregated", progress.aggregated);
  const int64_t events = progress.produced > 0 ? progress.produced : progress.in_bronze;
  if (progress.seconds > 0.5) {
    line += " | " + GroupThousands(static_cast<int64_t>(static_cast<double>(events) / progress.seconds)) + " events/s";
  }
  return line;
}

void TerminalProgress::ClearLocked() {
  if (shown_) std::fputs("\r\033[K", out_);
  shown_ = false;
}

void TerminalProgress::Update(const pipeline::RunProgress& progress) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  ClearLocked();
  std::fputs(FormatRunProgress(progress).c_str(), out_);
  std::fflush(out_);
  shown_ = true;
}

void TerminalProgress::Line(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  ClearLocked();
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void TerminalProgress::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  ClearLocked();
  std::fflush(out_);
  finished_ = true;
}

}  // namespace jsm::cli
