#include "delivery/circuit_breaker.h"

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
      return true;
  }
  return true;
}

void CircuitBreakers::RecordSuccess(const std::string& destination) {
  std::lock_guard lock(mutex_);
  breakers_.erase(destination);  // closed with no failures is the default state
}

void CircuitBreakers::RecordFailure(const std::string& destination) {
  std::lock_guard lock(mutex_);
  Breaker& breaker = breakers_[destination];
  TimeMs now = clock_.Now();
  ++breaker.consecutive_failures;
  bool probe_failed = breaker.probe_in_flight;
  breaker.probe_in_flight = false;
  if (probe_failed || breaker.consecutive_failures >= options_.failure_threshold) {
    breaker.opened_at = now;
    breaker.retry_at = now + options_.cooldown_ms;
  }
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
}

}  // namespace rehook
