#pragma once
// Reading a Server-Sent Events stream (the text/event-stream format of the HTML standard) as it
// arrives: bytes go in as they come off the wire, whole messages come out. Used by the CLI's
// `rehook listen` and by the tests of GET /v1/events/stream.

#include <optional>
#include <string>
#include <string_view>

namespace rehook {

struct SseMessage {
  std::string id;     // empty when the message has no id field
  std::string event;  // "message" when the message names none
  std::string data;   // data lines joined with '\n'
};

class SseParser {
 public:
  // Appends bytes of the stream (any split, lines may end in \n, \r\n or \r).
  void Feed(std::string_view bytes);
  // The next whole message, if one has arrived. Comment lines (":...", the heartbeats) and
  // blocks without data are not messages; they are counted.
  std::optional<SseMessage> Next();
  int comments() const { return comments_; }

 private:
  std::string pending_;
  int comments_ = 0;
};

}  // namespace rehook
