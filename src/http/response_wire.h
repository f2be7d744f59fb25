#pragma once
// An HttpResponse as the bytes sent on the wire: the status line and headers formatted into one
// string, sent together with the body (one system call for both, no serializer state, no copy
// of the body). Beast's serializer walks a chain of buffer views per write; for the small
// answers rehook mostly sends, that was several percent of an io thread's time.

#include <string>
#include <string_view>

#include "http/http_types.h"

namespace rehook {

// The head of `response`: status line, headers and the blank line. `version` is 10 or 11. Adds
// `Server: rehook`, `Content-Length` (none for 1xx, 204 and 304, which have no body; for a
// streamed body, `Transfer-Encoding: chunked` on HTTP/1.1) and the `Connection` header the
// keep-alive decision needs.
std::string ResponseHead(const HttpResponse& response, unsigned version, bool keep_alive);

// What follows the head: the body, or nothing for a HEAD request (whose Content-Length still
// describes the body) and for the statuses that have no body.
std::string_view ResponseBody(const HttpResponse& response, bool head_request);

}  // namespace rehook
