#include "delivery/outbound_pool.h"

#include <algorithm>

namespace rehook {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

OutboundPool::OutboundPool(asio::any_io_executor executor, std::size_t max_idle_per_host,
                           std::chrono::milliseconds idle_timeout)
    : max_idle_per_host_(max_idle_per_host),
      idle_timeout_(idle_timeout),
      sweep_timer_(std::move(executor)) {}

OutboundPool::~OutboundPool() { Close(); }

std::unique_ptr<OutboundConnection> OutboundPool::Take(const std::string& key) {
  auto found = idle_.find(key);
  if (found == idle_.end()) return nullptr;
  Idle& idle = found->second;
  const auto now = Clock::now();
  std::unique_ptr<OutboundConnection> taken;
  while (!taken && !idle.empty()) {
    std::unique_ptr<OutboundConnection> candidate = std::move(idle.back());
    idle.pop_back();
    if (Usable(*candidate, now)) {
      candidate->StopWatching();
      taken = std::move(candidate);
    } else {
      candidate->Close();
    }
  }
  if (idle.empty()) idle_.erase(found);
  return taken;
}

void OutboundPool::Put(const std::string& key, std::unique_ptr<OutboundConnection> connection) {
  if (closed_ || max_idle_per_host_ == 0 || idle_timeout_.count() <= 0) {
    connection->Close();
    return;
  }
  connection->MarkIdle();
  connection->WatchWhileIdle();
  Idle& idle = idle_[key];
  if (idle.size() >= max_idle_per_host_) {
    idle.front()->Close();
    idle.erase(idle.begin());
  }
  idle.push_back(std::move(connection));
  ScheduleSweep();
}

void OutboundPool::Close() {
  closed_ = true;
  sweep_timer_.cancel();
  for (auto& [key, idle] : idle_) {
    for (auto& connection : idle) connection->Close();
  }
  idle_.clear();
}

std::size_t OutboundPool::idle_count() const {
  std::size_t count = 0;
  for (const auto& [key, idle] : idle_) count += idle.size();
  return count;
}

bool OutboundPool::Usable(const OutboundConnection& connection, Clock::time_point now) const {
  return now - connection.idle_since() < idle_timeout_ && !connection.StirredWhileIdle();
}

void OutboundPool::ScheduleSweep() {
  if (sweep_scheduled_ || closed_ || idle_.empty()) return;
  auto oldest = Clock::time_point::max();
  for (const auto& [key, idle] : idle_) oldest = std::min(oldest, idle.front()->idle_since());
  sweep_scheduled_ = true;
  sweep_timer_.expires_at(oldest + idle_timeout_);
  // Weak: a completion already queued when the pool is destroyed must not touch it.
  sweep_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (!self) return;
    self->sweep_scheduled_ = false;
    if (!error) self->Sweep();
  });
}

void OutboundPool::Sweep() {
  const auto now = Clock::now();
  for (auto entry = idle_.begin(); entry != idle_.end();) {
    Idle& idle = entry->second;
    std::erase_if(idle, [&](std::unique_ptr<OutboundConnection>& connection) {
      if (Usable(*connection, now)) return false;
      connection->Close();
      return true;
    });
    entry = idle.empty() ? idle_.erase(entry) : std::next(entry);
  }
  ScheduleSweep();
}

}  // namespace rehook
