#pragma once
// Time limits for a connection's reads and writes without a timer per operation.
//
// beast::tcp_stream arms a timer around every read and write and cancels it afterwards: two
// timer-queue operations and a composed operation per request, ~9 % of an io thread's time at
// tens of thousands of requests per second (docs/PERFORMANCE.md). Here a connection keeps a
// Deadline, set with a plain store before it waits, and one sweeper per io thread cancels the
// socket operations of every connection whose deadline has passed, checking once per tick. A
// limit therefore fires between its deadline and one tick later.
//
// Everything here runs on the sweeper's io thread: connections register with the sweeper of
// the io_context their socket belongs to, and only touch their Deadline on that thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <unordered_set>

namespace rehook {

class DeadlineSweeper;

// A connection's current limit. Registers itself with `sweeper` for its lifetime.
class Deadline {
 public:
  Deadline(DeadlineSweeper& sweeper, boost::asio::ip::tcp::socket& socket);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // The socket's pending operations are cancelled (operation_aborted) once `limit` has passed.
  void ExpiresAfter(std::chrono::steady_clock::duration limit);
  // No limit (while a request is being handled, for instance).
  void Clear() { at_ = std::chrono::steady_clock::time_point::max(); }

 private:
  friend class DeadlineSweeper;
  DeadlineSweeper& sweeper_;
  boost::asio::ip::tcp::socket& socket_;
  std::chrono::steady_clock::time_point at_ = std::chrono::steady_clock::time_point::max();
};

class DeadlineSweeper {
 public:
  DeadlineSweeper(boost::asio::io_context& context, std::chrono::milliseconds tick);

  boost::asio::io_context& context() { return context_; }

  // Checks the registered deadlines every tick until Stop() and the last connection has gone.
  // Run it on the sweeper's io_context.
  boost::asio::awaitable<void> Run();
  // Thread-safe: posts to the sweeper's io thread.
  void Stop();

 private:
  friend class Deadline;
  void SweepOnce();

  boost::asio::io_context& context_;
  std::chrono::milliseconds tick_;
  boost::asio::steady_timer timer_;
  std::unordered_set<Deadline*> deadlines_;
  bool stopping_ = false;
};

}  // namespace rehook
