#include "common/server_sent_events.h"

namespace rehook {

void SseParser::Feed(std::string_view bytes) {
  // One line ending from here on: \r\n and a lone \r become \n. A \r at the end of the input
  // waits for the next bytes, which may hold its \n.
  for (char c : bytes) {
    if (!pending_.empty() && pending_.back() == '\r') {
      pending_.back() = '\n';
      if (c == '\n') continue;
    }
    pending_ += c;
  }
}

std::optional<SseMessage> SseParser::Next() {
  for (;;) {
    const std::size_t end = pending_.find("\n\n");
    if (end == std::string::npos) return std::nullopt;
    const std::string block = pending_.substr(0, end + 1);
    pending_.erase(0, end + 2);
    SseMessage message;
    bool has_data = false;
    for (std::size_t start = 0; start < block.size();) {
      const std::size_t line_end = block.find('\n', start);
      const std::string_view line(block.data() + start, line_end - start);
      start = line_end + 1;
      if (line.empty()) continue;
      if (line.front() == ':') {
        ++comments_;
        continue;
      }
      const std::size_t colon = line.find(':');
      const std::string_view field = line.substr(0, colon);
      std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (field == "id") {
        message.id = value;
      } else if (field == "event") {
        message.event = value;
      } else if (field == "data") {
        if (has_data) message.data += '\n';
        message.data += value;
        has_data = true;
      }
    }
    if (!has_data) continue;
    if (message.event.empty()) message.event = "message";
    return message;
  }
}

}  // namespace rehook
