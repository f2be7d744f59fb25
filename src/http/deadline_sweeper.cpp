#include "http/deadline_sweeper.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rehook {

namespace asio = boost::asio;

Deadline::Deadline(DeadlineSweeper& sweeper, asio::ip::tcp::socket& socket)
    : sweeper_(sweeper), socket_(socket) {
  sweeper_.deadlines_.insert(this);
}

Deadline::~Deadline() {
  sweeper_.deadlines_.erase(this);
  // The last connection of a stopping server: let Run end now rather than at its next tick
  // (unless the io_context was stopped and is destroying what was left, Run included).
  if (sweeper_.stopping_ && sweeper_.deadlines_.empty() && !sweeper_.context_.stopped()) {
    sweeper_.timer_.cancel();
  }
}

void Deadline::ExpiresAfter(std::chrono::steady_clock::duration limit) {
  at_ = std::chrono::steady_clock::now() + limit;
}

DeadlineSweeper::DeadlineSweeper(asio::io_context& context, std::chrono::milliseconds tick)
    : context_(context), tick_(tick), timer_(context) {}

asio::awaitable<void> DeadlineSweeper::Run() {
  // Keeps going after Stop() while connections remain: a response still being written during
  // a graceful shutdown keeps its write limit.
  while (!stopping_ || !deadlines_.empty()) {
    timer_.expires_after(tick_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    SweepOnce();
  }
}

void DeadlineSweeper::Stop() {
  asio::post(context_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

void DeadlineSweeper::SweepOnce() {
  const auto now = std::chrono::steady_clock::now();
  for (Deadline* deadline : deadlines_) {
    if (deadline->at_ > now) continue;
    deadline->Clear();
    boost::system::error_code ignored;
    deadline->socket_.cancel(ignored);
  }
}

}  // namespace rehook
