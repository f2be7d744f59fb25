#include "support/event_stream_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace rehook::testing {

using Clock = std::chrono::steady_clock;

EventStreamClient::EventStreamClient(std::uint16_t port, const std::string& target,
                                     const std::vector<HeaderField>& headers, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += "Accept: text/event-stream\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("send failed");
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::size_t end = std::string::npos;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return;
  }
  head_ = raw_.substr(0, end + 2);
  raw_.erase(0, end + 4);
  if (head_.size() > 12) status_ = std::atoi(head_.c_str() + 9);
  std::string lower = head_;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
}

EventStreamClient::~EventStreamClient() { Close(); }

void EventStreamClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool EventStreamClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd poll_fd{fd_, POLLIN, 0};
  if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[16384];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    ended_ = true;
    Close();
    return false;
  }
  raw_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

void EventStreamClient::DecodeChunks() {
  if (!chunked_) {
    parser_.Feed(raw_);
    raw_.clear();
    return;
  }
  for (;;) {
    const std::size_t line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) return;
    const std::size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    if (size == 0) {
      ended_ = true;  // the last chunk
      return;
    }
    if (raw_.size() < line_end + 2 + size + 2) return;
    parser_.Feed(std::string_view(raw_).substr(line_end + 2, size));
    raw_.erase(0, line_end + 2 + size + 2);
  }
}

std::string EventStreamClient::ErrorBody(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Fill(deadline)) {
  }
  return raw_;
}

std::optional<SseMessage> EventStreamClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    DecodeChunks();
    if (std::optional<SseMessage> message = parser_.Next()) return message;
    if (ended_ || !Fill(deadline)) return std::nullopt;
  }
}

std::vector<SseMessage> EventStreamClient::NextEvents(std::size_t count,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<SseMessage> messages;
  std::size_t events = 0;
  while (events < count) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    std::optional<SseMessage> message = Next(left);
    if (!message) break;
    if (message->event == "event") ++events;
    messages.push_back(std::move(*message));
  }
  return messages;
}

}  // namespace rehook::testing
