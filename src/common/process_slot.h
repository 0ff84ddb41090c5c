#pragma once
/// A small number that one process holds exclusively among the processes of this machine
/// asking for the same name, released by the kernel when the process ends, however it ends
/// (an flock(2) on a file under the temporary directory). A process restarted after a kill -9
/// therefore gets the number its predecessor had: what a Kafka static member id needs
/// (docs/kafka.md, "Fast restarts").

#include <string>
#include <string_view>

#include "common/status.h"

namespace jsm {

/// One held slot; move-only, released on destruction.
class ProcessSlot {
 public:
  /// The lowest free slot of `name` (any bytes; made safe for a file name) in [0, max_slots),
  /// under `directory` (empty: $TMPDIR or /tmp, then jsm-slots-<uid>). kResourceExhausted
  /// when all are held, kIoError/kPermissionDenied when the lock files cannot be made.
  static Result<ProcessSlot> Acquire(std::string_view name, int max_slots = 64, std::string directory = "");

  ProcessSlot(ProcessSlot&& other) noexcept;
  ProcessSlot& operator=(ProcessSlot&& other) noexcept;
  ProcessSlot(const ProcessSlot&) = delete;
  ProcessSlot& operator=(const ProcessSlot&) = delete;
  ~ProcessSlot();

  /// The slot number held.
  int number() const { return number_; }

 private:
  ProcessSlot(int fd, int number) : fd_(fd), number_(number) {}
  int fd_ = -1;
  int number_ = -1;
};

/// This machine's host name, bytes outside [A-Za-z0-9._-] as '_' ("localhost" if unknown): with
/// a slot number, an id that differs between the processes of one machine and between machines.
std::string HostName();

}  // namespace jsm
