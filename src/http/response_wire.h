#pragma once
// An HttpResponse as the bytes sent on the wire: status line, headers, body, in one string, so
// the server writes it with a single system call and no serializer state. (Beast's serializer
// walks a chain of buffer views per write; for the small answers rehook mostly sends, that was
// several percent of an io thread's time.)

#include <string>

#include "http/http_types.h"

namespace rehook {

// `version` is 10 or 11. Adds `Server: rehook`, `Content-Length` (none for 1xx, 204 and 304,
// which have no body) and the `Connection` header the keep-alive decision needs. With
// `head_only` (a HEAD request), the body is left out but Content-Length still describes it.
std::string ResponseWire(const HttpResponse& response, unsigned version, bool keep_alive,
                         bool head_only);

}  // namespace rehook
