#include <csignal>
#include <unistd.h>

#include "cli/commands.h"

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

void PrintError(const std::string& message) { std::fprintf(stderr, "jsm: error: %s\n", message.c_str()); }

}  // namespace jsm::cli
