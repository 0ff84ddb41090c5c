#include <csignal>
#include <unistd.h>

#include "cli/commands.h"
#include "common/terminal_text.h"

namespace jsm::cli {

std::atomic<bool>& StopRequested() {
  static std::atomic<bool> stop{false};
  return stop;
}

namespace {
extern "C" void OnStopSignal(int) {
  if (StopRequested().exchange(true)) _exit(130);  // second signal: stop now
}
}  // namespace

void InstallSignalHandlers() {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
}

void PrintError(const std::string& message) {
  // Errors quote data (a CSV header, a dead letter's text): each line is made terminal-safe.
  std::string text;
  size_t begin = 0;
  while (true) {
    const size_t end = message.find('\n', begin);
    AppendTerminalSafe(std::string_view(message).substr(begin, end == std::string::npos ? end : end - begin), &text);
    if (end == std::string::npos) break;
    text.push_back('\n');
    begin = end + 1;
  }
  std::fprintf(stderr, "jsm: error: %s\n", text.c_str());
}

}  // namespace jsm::cli
