// Fuzzes the HTTP request parser path (http/request_parser.h): the bytes of one connection, fed to
// RequestParser the way the server's read loop does (head first, then the body limit for the
// target, then the body; the next request on the same bytes while the client keeps the connection
// alive), then through the accessors API handlers use.
//
// The first input byte sets how many bytes arrive at a time (1-256), so requests are also seen
// split at every possible point; the rest is the stream. The header and body limits are scaled
// down from the server's (64 KB, 1 MB / --max-body-bytes) so that fuzz-sized inputs reach them.
//
// Properties:
// - RequestParser records the same requests as Beast's own request_parser<string_body> given the
//   same pieces, and stops with the same error: same method, target, version and body (which
//   both assemble from the pieces), and the same fields (Beast groups repeated names, so the
//   fields are compared per name, in order, and in total number). The exception is the header
//   limit, which Beast only applies to the unparsed part of each piece: RequestParser refuses
//   every head (request line, fields, trailers) over it, and records none.
// - path and query split the target at its first '?' and put it back together unchanged.
// - Header() finds the first field of a name in any letter case; Cookie() and the query parser
//   the API uses (ParseQueryString) take any header and target without throwing.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "http/http_types.h"
#include "http/request_parser.h"

namespace rehook {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::uint32_t kHeaderLimit = 2048;
constexpr std::uint64_t kCaptureBodyLimit = 1024;  // "/in/..." targets
constexpr std::uint64_t kApiBodyLimit = 512;

// What a parser recorded of one request, in a form both parsers can be compared in.
struct Message {
  std::string method;
  std::string target;
  int version = 0;
  std::vector<HeaderField> fields;
  std::string body;
  HttpRequest request;  // RequestParser's: the request as the server hands it on
};

struct Outcome {
  std::vector<Message> messages;
  beast::error_code error;  // why reading stopped; empty when the stream ended between requests
};

Message Record(RequestParser& parser) {
  HttpRequest& request = parser.request();
  return {request.method, request.target, parser.version(), request.headers, request.body, request};
}

Message Record(http::request_parser<http::string_body>& parser) {
  const auto& request = parser.get();
  Message message{std::string(request.method_string()),
                  std::string(request.target()),
                  static_cast<int>(request.version()),
                  {},
                  request.body(),
                  {}};
  for (const auto& field : request) {
    message.fields.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  return message;
}

// Reads requests from `stream` as the server does, `step` bytes arriving at a time.
template <class Parser>
Outcome ReadConnection(std::string_view stream, std::size_t step) {
  Outcome outcome;
  std::size_t arrived = 0;
  std::string pending;  // arrived, not yet consumed by a parser
  for (;;) {
    Parser parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    bool head_done = false;
    bool need_more = pending.empty();
    while (!parser.is_done()) {
      if (need_more) {
        if (arrived == stream.size()) {
          if (parser.got_some()) outcome.error = http::error::partial_message;
          return outcome;
        }
        const std::size_t take = std::min(step, stream.size() - arrived);
        pending.append(stream.substr(arrived, take));
        arrived += take;
      }
      beast::error_code error;
      const std::size_t used = parser.put(boost::asio::buffer(pending), error);
      pending.erase(0, used);
      need_more = error == http::error::need_more || pending.empty() || used == 0;
      if (error && error != http::error::need_more) {
        outcome.error = error;
        return outcome;
      }
      if (!head_done && parser.is_header_done()) {
        head_done = true;
        const std::string target = Record(parser).target;
        const std::uint64_t limit = target.starts_with("/in/") ? kCaptureBodyLimit : kApiBodyLimit;
        if (parser.content_length() && *parser.content_length() > limit) {
          outcome.error = http::error::body_limit;  // the server answers 413 and closes
          return outcome;
        }
        parser.body_limit(limit);
        parser.eager(true);
      }
    }
    outcome.messages.push_back(Record(parser));
    if (!parser.keep_alive()) return outcome;
  }
}

// The (name, value) pairs of each name (case-insensitive), in arrival order.
using FieldsByName = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

FieldsByName ByName(const std::vector<HeaderField>& fields) {
  FieldsByName groups;
  for (const HeaderField& field : fields) {
    std::string key = field.name;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    groups[key].emplace_back(field.name, field.value);
  }
  return groups;
}

bool SameFields(const std::vector<HeaderField>& a, const std::vector<HeaderField>& b) {
  return a.size() == b.size() && ByName(a) == ByName(b);
}

void CheckSame(const Message& ours, const Message& beasts, std::size_t index) {
  const std::string which = "request " + std::to_string(index) + ": ";
  FUZZ_CHECK(ours.method == beasts.method, which + "method '" + ours.method + "'");
  FUZZ_CHECK(ours.target == beasts.target, which + "target '" + ours.target + "'");
  FUZZ_CHECK(ours.version == beasts.version, which + "version");
  FUZZ_CHECK(ours.body == beasts.body, which + "body of " + std::to_string(ours.body.size()) +
                                           " bytes, Beast's " + std::to_string(beasts.body.size()));
  FUZZ_CHECK(SameFields(ours.fields, beasts.fields), which + "fields differ");
}

// What the server and the API handlers do with a parsed request.
void CheckAccessors(const HttpRequest& request) {
  FUZZ_CHECK(request.path.find('?') == std::string::npos, "path holds a '?': " + request.path);
  const bool has_query = request.target.size() > request.path.size();
  FUZZ_CHECK(request.path + (has_query ? "?" + request.query : "") == request.target,
             "path + query != target for '" + request.target + "'");
  ParseQueryString(request.query);
  for (const HeaderField& field : request.headers) {
    std::optional<std::string_view> first = request.Header(field.name);
    FUZZ_CHECK(first.has_value(), "Header() misses '" + field.name + "'");
    for (const HeaderField& earlier : request.headers) {
      if (EqualsIgnoreCase(earlier.name, field.name)) {
        FUZZ_CHECK(*first == earlier.value, "Header() is not the first '" + field.name + "'");
        break;
      }
    }
  }
  request.Cookie("rehook_session");
}

// The size RequestParser counts against its header limit: request line and fields with their
// separators and CRLFs (trailers included).
std::size_t HeadBytes(const Message& message) {
  std::size_t bytes = message.method.size() + message.target.size() + 12;
  for (const HeaderField& field : message.fields)
    bytes += field.name.size() + field.value.size() + 4;
  return bytes;
}

void Run(std::string_view data) {
  if (data.empty()) return;
  const std::size_t step = static_cast<unsigned char>(data[0]) + 1;
  const std::string_view stream = data.substr(1);
  const Outcome ours = ReadConnection<RequestParser>(stream, step);
  // Beast's parser gets the same pieces, since where its own header limit bites depends on them.
  const Outcome beasts = ReadConnection<http::request_parser<http::string_body>>(stream, step);

  // Beast may accept heads over the limit (its check only sees the unparsed part of each
  // piece); RequestParser must stop at the first one.
  std::size_t expected = beasts.messages.size();
  for (std::size_t i = 0; i < beasts.messages.size(); ++i) {
    if (HeadBytes(beasts.messages[i]) > kHeaderLimit) {
      expected = i;
      break;
    }
  }
  FUZZ_CHECK(ours.messages.size() == expected, std::to_string(ours.messages.size()) +
                                                   " requests, expected " +
                                                   std::to_string(expected) + " (Beast reads " +
                                                   std::to_string(beasts.messages.size()) + ")");
  const std::string stopped =
      "stopped with '" + ours.error.message() + "', Beast with '" + beasts.error.message() + "'";
  if (expected < beasts.messages.size()) {
    FUZZ_CHECK(ours.error == http::error::header_limit, stopped);
  } else {
    // When Beast fails on a request it did not finish, that request's head may have passed the
    // limit first.
    FUZZ_CHECK(
        ours.error == beasts.error || (ours.error == http::error::header_limit && beasts.error),
        stopped);
  }
  for (std::size_t i = 0; i < ours.messages.size(); ++i) {
    FUZZ_CHECK(HeadBytes(ours.messages[i]) <= kHeaderLimit,
               "request " + std::to_string(i) + " has a head over the limit");
    CheckSame(ours.messages[i], beasts.messages[i], i);
    CheckAccessors(ours.messages[i].request);
  }
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    rehook::Run(rehook::fuzz::AsText(data, size));
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
