#include "http/deadline_sweeper.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>

namespace rehook {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A connected pair of loopback sockets on one io_context.
struct SocketPair {
  explicit SocketPair(asio::io_context& io) : server(io), client(io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
  tcp::socket server;
  tcp::socket client;
};

// Reads one byte from `socket` under `deadline`; the error it ends with.
asio::awaitable<void> ReadOne(tcp::socket& socket, std::optional<boost::system::error_code>& out) {
  char byte = 0;
  auto [error, n] =
      co_await socket.async_read_some(asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
  out = error;
}

// Runs `io` until `result` is set, or for 10 s at most (the test then reports it unset).
void RunUntilSet(asio::io_context& io, const std::optional<boost::system::error_code>& result) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!result && std::chrono::steady_clock::now() < until) io.run_one_for(100ms);
}

TEST(DeadlineSweeperTest, CancelsAReadOnceItsDeadlineHasPassed) {
  asio::io_context io;
  DeadlineSweeper sweeper(io, 10ms);
  SocketPair pair(io);
  std::optional<boost::system::error_code> result;
  {
    Deadline deadline(sweeper, pair.server);
    deadline.ExpiresAfter(30ms);
    asio::co_spawn(io, sweeper.Run(), asio::detached);
    asio::co_spawn(io, ReadOne(pair.server, result), asio::detached);
    // The client never writes: only the deadline can end the read.
    RunUntilSet(io, result);
  }
  ASSERT_TRUE(result.has_value()) << "the read was never cancelled";
  EXPECT_EQ(*result, asio::error::operation_aborted);
  sweeper.Stop();
  io.run_for(1s);
  EXPECT_TRUE(io.stopped()) << "Run should end once stopped with no connection left";
}

TEST(DeadlineSweeperTest, LeavesAClearedDeadlineAlone) {
  asio::io_context io;
  DeadlineSweeper sweeper(io, 10ms);
  SocketPair pair(io);
  std::optional<boost::system::error_code> result;
  Deadline deadline(sweeper, pair.server);
  deadline.ExpiresAfter(20ms);
  deadline.Clear();
  asio::co_spawn(io, sweeper.Run(), asio::detached);
  asio::co_spawn(io, ReadOne(pair.server, result), asio::detached);
  io.run_for(200ms);  // many ticks
  EXPECT_FALSE(result.has_value());
  // Data still completes the read normally.
  asio::write(pair.client, asio::buffer("x", 1));
  RunUntilSet(io, result);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);
}

}  // namespace
}  // namespace rehook
