#pragma once
// The keep-alive pool of one OutboundClient: idle connections per (scheme, host, port), reused
// most recently used first. Bounded two ways: at most max_idle_per_host idle connections per
// key, and none idle for longer than idle_timeout (a timer sweeps them, and drops connections
// the server has closed meanwhile, so idle sockets do not pile up while nothing is sent). Each
// idle connection is watched (OutboundConnection::WatchWhileIdle): one the server closed or
// sent anything on while it sat here is never handed out again.
// Internal to delivery/; used from the client's io_context only.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "delivery/outbound_connection.h"

namespace rehook {

class OutboundPool : public std::enable_shared_from_this<OutboundPool> {
 public:
  OutboundPool(boost::asio::any_io_executor executor, std::size_t max_idle_per_host,
               std::chrono::milliseconds idle_timeout);
  ~OutboundPool();
  OutboundPool(const OutboundPool&) = delete;
  OutboundPool& operator=(const OutboundPool&) = delete;

  // An idle connection for `key` that has neither expired nor stirred while idle, or null.
  std::unique_ptr<OutboundConnection> Take(const std::string& key);
  // Keeps `connection` for reuse. When `key` already has max_idle_per_host idle connections
  // the oldest of them is closed; after Close, `connection` itself is.
  void Put(const std::string& key, std::unique_ptr<OutboundConnection> connection);
  // Closes every idle connection and stops pooling (shutdown): the sweep timer is cancelled, so
  // the io_context can run out of work.
  void Close();

  std::size_t idle_count() const;

 private:
  using Idle = std::vector<std::unique_ptr<OutboundConnection>>;  // oldest first

  bool Usable(const OutboundConnection& connection,
              std::chrono::steady_clock::time_point now) const;
  void ScheduleSweep();
  void Sweep();

  std::size_t max_idle_per_host_;
  std::chrono::milliseconds idle_timeout_;
  std::unordered_map<std::string, Idle> idle_;
  boost::asio::steady_timer sweep_timer_;
  bool sweep_scheduled_ = false;
  bool closed_ = false;
};

}  // namespace rehook
