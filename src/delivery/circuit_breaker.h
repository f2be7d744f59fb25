#pragma once
// One circuit breaker per destination. After `failure_threshold` consecutive failed deliveries
// the circuit opens and nothing is sent to the destination; after `cooldown_ms` it half-opens
// and lets a single probe through: success closes it, failure opens it again for another
// cool-down. Protects a struggling service from a flood and saves futile attempts.
//
// In memory, per node, and thread-safe. When several nodes share one database (`shared`), each
// node also collects what it saw for CircuitSync to fold into the circuit all nodes share, and
// adopts the shared state back, so that a destination failing on one node is spared by all.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "domain/circuit.h"

namespace rehook {

struct BreakerOptions {
  int failure_threshold = 5;
  TimeMs cooldown_ms = 30'000;
  bool shared = false;  // collect reports for CircuitSync (several nodes)
};

enum class CircuitState { closed, open, half_open };
std::string_view CircuitStateName(CircuitState state);

struct CircuitSnapshot {
  CircuitState state = CircuitState::closed;
  int consecutive_failures = 0;
  TimeMs opened_at = 0;  // when it last opened (0: never)
  TimeMs retry_at = 0;   // open: when it will half-open
};

class CircuitBreakers;

// Leave to send one delivery, from CircuitBreakers::Enter. Its outcome is reported with
// Succeeded() or Failed(); a pass dropped without either (the delivery was never made: an
// exception, an erased event, an invalid URL) gives a half-open circuit's probe slot back, so
// no path can leave a circuit waiting forever for a probe that never reports.
class CircuitPass {
 public:
  CircuitPass(CircuitPass&& other) noexcept;
  CircuitPass& operator=(CircuitPass&&) = delete;
  CircuitPass(const CircuitPass&) = delete;
  ~CircuitPass();

  void Succeeded();
  void Failed();
  void Report(bool success) { success ? Succeeded() : Failed(); }

 private:
  friend class CircuitBreakers;
  CircuitPass(CircuitBreakers& breakers, std::string destination, bool probe)
      : breakers_(&breakers), destination_(std::move(destination)), probe_(probe) {}

  CircuitBreakers* breakers_;  // null once reported (or moved from)
  std::string destination_;
  bool probe_;  // holds the half-open circuit's one probe slot
};

class CircuitBreakers {
 public:
  CircuitBreakers(const Clock& clock, BreakerOptions options) : clock_(clock), options_(options) {}

  // May a delivery go to `destination` now? While open: no. Half-open: yes for exactly one
  // probe at a time (the caller must then report its outcome).
  bool Allow(const std::string& destination);
  // Allow() as a pass that reports back on every path (prefer it to Allow/Release).
  std::optional<CircuitPass> Enter(const std::string& destination);
  // A pass whatever the circuit's state, for a send a user asked for deliberately (a manual
  // resend goes out even while the circuit is open). Its outcome counts like any other: a
  // success closes the circuit, a failure keeps it open.
  CircuitPass Overrule(const std::string& destination);
  void RecordSuccess(const std::string& destination);
  void RecordFailure(const std::string& destination);
  // Gives back a probe slot taken by Allow() without an outcome (the delivery was not made).
  void Release(const std::string& destination);

  CircuitSnapshot Snapshot(const std::string& destination);
  // Every destination this node has a breaker for (one it has delivered to), for /metrics.
  std::vector<std::pair<std::string, CircuitSnapshot>> SnapshotAll();
  // When a delivery refused by Allow() should be tried again.
  TimeMs RetryAt(const std::string& destination);
  void Forget(const std::string& destination);

  const BreakerOptions& options() const { return options_; }

  // Told when this node opens a closed circuit (`open`) or closes an open or half-open one
  // (`closed`): once per change. Not for a failed probe reopening a circuit (the same outage),
  // nor for states adopted from other nodes (the node that saw the change tells). Called on the
  // thread that recorded the outcome, outside the breakers' lock. Set before use.
  // `failures`: the consecutive failures that opened it (0 when it closed).
  using ChangeListener =
      std::function<void(const std::string& destination, CircuitState to, int failures)>;
  void SetChangeListener(ChangeListener listener) { listener_ = std::move(listener); }
  // Shared circuits: the outcomes seen since the last call, one report per destination.
  std::vector<CircuitReport> TakeReports();
  // Shared circuits: takes the state all nodes agreed on (another node may have opened or
  // closed the circuit, or counted failures of its own).
  void Adopt(const CircuitRecord& record);

 private:
  struct Breaker {
    int consecutive_failures = 0;
    TimeMs opened_at = 0;
    TimeMs retry_at = 0;  // > 0 while open or half-open
    bool probe_in_flight = false;
  };
  CircuitState StateOf(const Breaker& breaker, TimeMs now) const;
  // Allow(); `probe` tells whether the leave given is the half-open circuit's probe.
  bool Admit(const std::string& destination, bool& probe);

  const Clock& clock_;
  BreakerOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Breaker> breakers_;
  std::unordered_map<std::string, CircuitReport> reports_;  // shared circuits only
  ChangeListener listener_;
};

}  // namespace rehook
