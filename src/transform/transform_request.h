#pragma once
// The request a transformation script is given and the one it gives back (API.md,
// "Transformations"). The script sees the same object a filter does (filter/filter.h,
// FilterInput): {"method","path","query":{...},"headers":{name: value},"body"} with the body
// parsed when it is JSON and a string otherwise; a body that is not UTF-8 arrives as null with
// its bytes in "body_base64".

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/event.h"
#include "transform/js_sandbox.h"

namespace rehook {

// The request to send in place of the captured one.
struct TransformedRequest {
  std::string method;
  // Set when the script changed the path: appended to the destination URL's path.
  std::optional<std::string> path;
  // Set when the script changed the query: the raw query string appended to the destination
  // URL's own.
  std::optional<std::string> query;
  std::vector<HeaderField> headers;  // as returned, before rehook's own headers are added
  std::shared_ptr<const std::string> body;
  bool body_is_json = false;  // the script returned a value, not a string, as the body
};

// The JSON text of `event`'s request, as transform() receives it (body loaded).
std::string TransformInput(const Event& event);

// What transform() learns about the delivery besides the request, as JSON text.
struct TransformContext {
  std::string destination_id;
  std::string connection_id;  // "" when none
  std::string replay_job_id;  // "" when none
  std::string trigger;        // forward, retry, replay, manual, test
};
std::string TransformContextJson(const Event& event, const TransformContext& context);

// Reads a call that returned an object into the request to send, or says, in words, what is
// wrong with what the script returned. `original` is the event the script was given.
std::variant<TransformedRequest, std::string> ReadTransformed(const Event& original,
                                                              ScriptCall& call);

// The request as the API shows it: {"method","path","query","headers","body"} with the
// path and query that will be sent (the original ones unless changed), the body parsed when the
// script returned a value and as text otherwise ("body_base64" when it is not UTF-8), cut to
// `max_body_bytes` ("body_truncated": true).
boost::json::object TransformedRequestJson(const Event& original, const TransformedRequest& request,
                                           std::size_t max_body_bytes);

}  // namespace rehook
