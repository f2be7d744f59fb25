#include "delivery/circuit_breaker.h"

#include <utility>

namespace rehook {

std::string_view CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::closed:
      return "closed";
    case CircuitState::open:
      return "open";
    case CircuitState::half_open:
      return "half_open";
  }
  return "closed";
}

CircuitState CircuitBreakers::StateOf(const Breaker& breaker, TimeMs now) const {
  if (breaker.retry_at == 0) return CircuitState::closed;
  return now < breaker.retry_at ? CircuitState::open : CircuitState::half_open;
}

bool CircuitBreakers::Allow(const std::string& destination) {
  bool probe = false;
  return Admit(destination, probe);
}

bool CircuitBreakers::Admit(const std::string& destination, bool& probe) {
  std::lock_guard lock(mutex_);
  auto it = breakers_.find(destination);
  if (it == breakers_.end()) return true;
  Breaker& breaker = it->second;
  switch (StateOf(breaker, clock_.Now())) {
    case CircuitState::closed:
      return true;
    case CircuitState::open:
      return false;
    case CircuitState::half_open:
      if (breaker.probe_in_flight) return false;
      breaker.probe_in_flight = true;
      probe = true;
      return true;
  }
  return true;
}

std::optional<CircuitPass> CircuitBreakers::Enter(const std::string& destination) {
  bool probe = false;
  if (!Admit(destination, probe)) return std::nullopt;
  return CircuitPass(*this, destination, probe);
}

CircuitPass CircuitBreakers::Overrule(const std::string& destination) {
  return CircuitPass(*this, destination, false);
}

CircuitPass::CircuitPass(CircuitPass&& other) noexcept
    : breakers_(std::exchange(other.breakers_, nullptr)),
      destination_(std::move(other.destination_)),
      probe_(other.probe_) {}

CircuitPass::~CircuitPass() {
  // Only the probe's slot is given back: a pass taken while the circuit was closed must not
  // free the slot of a probe another delivery holds now.
  if (breakers_ && probe_) breakers_->Release(destination_);
}

void CircuitPass::Succeeded() {
  if (auto* breakers = std::exchange(breakers_, nullptr)) breakers->RecordSuccess(destination_);
}

void CircuitPass::Failed() {
  if (auto* breakers = std::exchange(breakers_, nullptr)) breakers->RecordFailure(destination_);
}

void CircuitBreakers::RecordSuccess(const std::string& destination) {
  bool closed_it = false;
  {
    std::lock_guard lock(mutex_);
    auto it = breakers_.find(destination);
    if (it == breakers_.end()) return;  // closed, no failures: the default, and the common case
    closed_it = it->second.retry_at != 0;
    breakers_.erase(it);
    // Only a success that ends a run of failures changes the shared circuit, so the common case
    // (all is well) costs the database nothing.
    if (options_.shared) {
      CircuitReport& report = reports_[destination];
      report.trailing_failures = 0;
      report.saw_success = true;
    }
  }
  if (closed_it && listener_) listener_(destination, CircuitState::closed, 0);
}

void CircuitBreakers::RecordFailure(const std::string& destination) {
  bool opened_it = false;
  int failures = 0;
  {
    std::lock_guard lock(mutex_);
    Breaker& breaker = breakers_[destination];
    TimeMs now = clock_.Now();
    ++breaker.consecutive_failures;
    if (options_.shared) ++reports_[destination].trailing_failures;
    bool probe_failed = breaker.probe_in_flight;
    breaker.probe_in_flight = false;
    if (probe_failed || breaker.consecutive_failures >= options_.failure_threshold) {
      opened_it = breaker.retry_at == 0;  // was closed (a failed probe reopens: not a change)
      failures = breaker.consecutive_failures;
      breaker.opened_at = now;
      breaker.retry_at = now + options_.cooldown_ms;
    }
  }
  if (opened_it && listener_) listener_(destination, CircuitState::open, failures);
}

void CircuitBreakers::Release(const std::string& destination) {
  std::lock_guard lock(mutex_);
  auto it = breakers_.find(destination);
  if (it != breakers_.end()) it->second.probe_in_flight = false;
}

CircuitSnapshot CircuitBreakers::Snapshot(const std::string& destination) {
  std::lock_guard lock(mutex_);
  auto it = breakers_.find(destination);
  if (it == breakers_.end()) return {};
  const Breaker& breaker = it->second;
  return CircuitSnapshot{StateOf(breaker, clock_.Now()), breaker.consecutive_failures,
                         breaker.opened_at, breaker.retry_at};
}

std::vector<std::pair<std::string, CircuitSnapshot>> CircuitBreakers::SnapshotAll() {
  std::lock_guard lock(mutex_);
  const TimeMs now = clock_.Now();
  std::vector<std::pair<std::string, CircuitSnapshot>> all;
  all.reserve(breakers_.size());
  for (const auto& [destination, breaker] : breakers_) {
    all.emplace_back(destination,
                     CircuitSnapshot{StateOf(breaker, now), breaker.consecutive_failures,
                                     breaker.opened_at, breaker.retry_at});
  }
  return all;
}

TimeMs CircuitBreakers::RetryAt(const std::string& destination) {
  std::lock_guard lock(mutex_);
  auto it = breakers_.find(destination);
  TimeMs now = clock_.Now();
  if (it == breakers_.end()) return now;
  // Half-open with the probe under way: look again shortly rather than spin.
  if (it->second.retry_at <= now) return now + 1000;
  return it->second.retry_at;
}

void CircuitBreakers::Forget(const std::string& destination) {
  std::lock_guard lock(mutex_);
  breakers_.erase(destination);
  reports_.erase(destination);
}

std::vector<CircuitReport> CircuitBreakers::TakeReports() {
  std::lock_guard lock(mutex_);
  std::vector<CircuitReport> reports;
  reports.reserve(reports_.size());
  for (auto& [destination, report] : reports_) {
    report.destination_id = destination;
    reports.push_back(std::move(report));
  }
  reports_.clear();
  return reports;
}

void CircuitBreakers::Adopt(const CircuitRecord& record) {
  std::lock_guard lock(mutex_);
  if (record.consecutive_failures == 0 && record.retry_at == 0) {
    breakers_.erase(record.destination_id);
    return;
  }
  Breaker& breaker = breakers_[record.destination_id];
  breaker.consecutive_failures = record.consecutive_failures;
  breaker.opened_at = record.opened_at;
  breaker.retry_at = record.retry_at;
}

}  // namespace rehook
