#include "pipeline/stage_lease.h"

#include <unistd.h>

#include <chrono>

#include "common/clock.h"
#include "common/logging.h"
#include "common/process_slot.h"
#include "kafka/rdkafka_log.h"

namespace jsm::pipeline {

std::string StageLeasePath(std::string_view stage) { return "_system/leases/" + std::string(stage); }

std::string LeaseHolderNote() {
  return "pid " + std::to_string(::getpid()) + " on " + HostName() + " since " + FormatTimestampMicros(NowMicros());
}

Result<std::unique_ptr<StageLease>> StageLease::TryAcquire(storage::ObjectStore* store, std::string_view stage,
                                                           std::function<void(const Error&)> on_lost) {
  std::unique_ptr<StageLease> held(new StageLease());
  held->store_ = store;
  held->stage_ = std::string(stage);
  held->on_lost_ = std::move(on_lost);
  auto lease = store->TryLease(StageLeasePath(stage), "jsm run, " + held->stage_ + " stage, " + LeaseHolderNote());
  if (!lease) {
    if (lease.error().code() != ErrorCode::kUnsupported) return std::unexpected(lease.error());
    Log().debug(R"("no stage lease: the store has none","stage":"{}")", held->stage_);
    return held;
  }
  held->lease_ = std::move(*lease);
  if (held->lease_->term_s() > 0) held->renewer_ = std::thread([self = held.get()] { self->KeepRenewing(); });
  return held;
}

void StageLease::KeepRenewing() {
  const auto every = std::chrono::milliseconds(lease_->term_s() * 1000 / 3);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every, [&] { return stopping_; })) {
    lock.unlock();  // the store may take its time: never block the destructor's stop on it
    std::optional<Error> lost = RenewOnce();
    lock.lock();
    if (lost) {
      if (on_lost_) on_lost_(*lost);
      return;
    }
  }
}

std::optional<Error> StageLease::RenewOnce() {
  Status renewed = lease_->Renew();
  if (renewed) return std::nullopt;
  // A store that cannot be reached is no sign of a loss: a lease that expired meanwhile is
  // renewed again if nobody took it, and refused (kConflict) if someone did.
  if (renewed.error().code() != ErrorCode::kConflict) {
    Log().warn(R"("stage lease renewal failed, retrying","stage":"{}","error":{})", stage_,
               kafka::JsonQuoted(renewed.error().ToString()));
    return std::nullopt;
  }
  // Gone (expired during an outage, or the store forgot it on a restart): taken again if
  // nobody else holds it; lost only if somebody does.
  auto again = store_->TryLease(StageLeasePath(stage_), "jsm run, " + stage_ + " stage, " + LeaseHolderNote());
  if (again) {
    Log().warn(R"("stage lease was gone and is taken again","stage":"{}","error":{})", stage_,
               kafka::JsonQuoted(renewed.error().ToString()));
    lease_ = std::move(*again);
    return std::nullopt;
  }
  if (again.error().code() != ErrorCode::kAlreadyExists) return std::nullopt;  // cannot tell yet: ask again
  return Error(ErrorCode::kConflict, "the " + stage_ + " lease of the lakehouse was lost (" + again.error().message() +
                                         "): another jsm run is taking over; this one stops");
}

StageLease::~StageLease() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  lease_.reset();  // released after the renewals stopped
}

}  // namespace jsm::pipeline
