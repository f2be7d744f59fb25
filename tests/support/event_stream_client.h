#pragma once
// A test client for GET /v1/events/stream: sends the request on a plain socket, reads the
// response head, then decodes the chunked body into Server-Sent Events messages as they arrive.
// Blocking, with a time limit per call. Can shrink its receive buffer and stop reading, to play
// a client that does not keep up.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/server_sent_events.h"
#include "domain/event.h"

namespace rehook::testing {

class EventStreamClient {
 public:
  // Connects to 127.0.0.1:`port` and sends `GET target` with `headers`. `receive_buffer` > 0
  // sets SO_RCVBUF before connecting (a small window: the server's writes block sooner).
  EventStreamClient(std::uint16_t port, const std::string& target,
                    const std::vector<HeaderField>& headers, int receive_buffer = 0);
  ~EventStreamClient();
  EventStreamClient(const EventStreamClient&) = delete;
  EventStreamClient& operator=(const EventStreamClient&) = delete;

  // The response status and head (read by the constructor, within 10 s); 0 when none came.
  int status() const { return status_; }
  const std::string& head() const { return head_; }
  // The whole body when the response was not a stream (an error's JSON).
  std::string ErrorBody(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // The next message (comment lines skipped), or nullopt when none came within `timeout` or the
  // stream has ended (see ended()).
  std::optional<SseMessage> Next(std::chrono::milliseconds timeout);
  // Messages until `count` events of type "event" have come (or the time is up, or the end).
  std::vector<SseMessage> NextEvents(std::size_t count, std::chrono::milliseconds timeout);
  bool ended() const { return ended_; }
  // Comment lines (heartbeats) seen so far.
  int comments() const { return parser_.comments(); }

  void Close();

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);  // false: time up or closed
  void DecodeChunks();  // feeds whole chunks from raw_ to the parser

  int fd_ = -1;
  int status_ = 0;
  std::string head_;
  bool chunked_ = false;
  bool ended_ = false;
  std::string raw_;  // bytes read, not yet decoded
  SseParser parser_;
};

}  // namespace rehook::testing
