#pragma once
/// One pipeline per lakehouse, by design: the single-writer stages (refine, aggregate) each
/// hold a lease on `_system/leases/<stage>` in the lakehouse while they run. A second
/// `jsm run` of the same stage on the same lakehouse waits as a standby (continuous runs) and
/// takes over when the holder stops, or is refused (bounded runs); the first keeps running
/// either way. On local disk the lease is an flock (released by the kernel however the holder
/// ends); on Azure Blob a Lease Blob lease of 15 s renewed every 5 s, which a killed holder
/// loses after its term. Advisory: Delta's optimistic concurrency keeps the tables correct
/// whatever the leases say (docs/faults.md, One pipeline per lakehouse).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Where the lease of `stage` lives in the lakehouse.
std::string StageLeasePath(std::string_view stage);

/// A held stage lease; released when destroyed.
class StageLease {
 public:
  /// Takes the lease of `stage` now, or kAlreadyExists (saying by whom where the store knows)
  /// while another process holds it. A store without leases gives a lease that holds nothing.
  /// `on_lost` (may be empty) is called once, from the renewal thread, if the lease is lost.
  static Result<std::unique_ptr<StageLease>> TryAcquire(storage::ObjectStore* store, std::string_view stage,
                                                        std::function<void(const Error&)> on_lost = {});
  ~StageLease();
  StageLease(const StageLease&) = delete;
  StageLease& operator=(const StageLease&) = delete;

 private:
  StageLease() = default;
  void KeepRenewing();
  /// One renewal; the error that ends this lease if it was lost to another holder.
  std::optional<Error> RenewOnce();

  storage::ObjectStore* store_ = nullptr;
  std::string stage_;
  std::unique_ptr<storage::StoreLease> lease_;
  std::function<void(const Error&)> on_lost_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread renewer_;
};

/// "pid N on HOST since TIME": who holds a lease, for the one who waits for it.
std::string LeaseHolderNote();

}  // namespace jsm::pipeline
