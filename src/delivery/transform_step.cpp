#include "delivery/transform_step.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.h"

namespace rehook {

boost::asio::awaitable<std::string> TransformStep::OfConnection(const std::string& org_id,
                                                                const std::string& connection_id) {
  if (connection_id.empty()) co_return "";
  std::optional<std::optional<Connection>> cached = connections_.Lookup(connection_id);
  if (!cached) {
    cached = co_await configuration_.Run(
        [&](ConfigurationStore& store) { return store.GetConnection(org_id, connection_id); });
    connections_.Put(connection_id, *cached);
  }
  co_return *cached ? (*cached)->transformation_id : "";
}

boost::asio::awaitable<Reshaped> TransformStep::Run(const std::string& org_id,
                                                    const std::string& id, const Event& event,
                                                    const TransformContext& context) {
  Reshaped reshaped;
  reshaped.transformation_id = id;
  std::optional<std::optional<Transformation>> cached = transformations_.Lookup(id);
  if (!cached) {
    cached = co_await configuration_.Run(
        [&](ConfigurationStore& store) { return store.GetTransformation(org_id, id); });
    transformations_.Put(id, *cached);
  }
  if (!*cached) {
    reshaped.error = "transformation failed: transformation " + id + " no longer exists";
    co_return reshaped;
  }
  const Transformation& transformation = **cached;
  // The key changes with the code: a script edited is compiled afresh, never mixed up. The
  // arguments are named first: GCC 12 destroys a braced temporary in a co_await's arguments
  // twice (the test run crashed under ASan with a double free).
  ScriptSource script{transformation.id + ":" + transformation.code, transformation.code};
  std::string input = TransformInput(event);
  std::string context_json = TransformContextJson(event, context);
  ScriptCall call =
      co_await transformer_.Call(std::move(script), std::move(input), std::move(context_json));
  reshaped.duration = call.duration;
  if (!call.returned) {
    reshaped.error = "transformation failed: " + call.error;
  } else if (call.returned_null) {
    reshaped.skipped = true;
  } else {
    auto read = ReadTransformed(event, call);
    if (auto* error = std::get_if<std::string>(&read)) {
      reshaped.error = "transformation failed: " + *error;
    } else {
      reshaped.request = std::move(std::get<TransformedRequest>(read));
    }
  }
  co_return reshaped;
}

void NoteTransformation(DeliveryAttempt& attempt, const Reshaped& reshaped,
                        const OutboundRequest* sent) {
  attempt.transformation_id = reshaped.transformation_id;
  attempt.transformation_us = reshaped.duration.count();
  attempt.skipped = reshaped.skipped;
  if (!reshaped.error.empty()) attempt.error = reshaped.error;
  if (sent == nullptr) return;
  boost::json::object json;
  json["method"] = sent->method;
  json["url"] = sent->url.scheme + "://" + sent->url.HostHeader() + sent->url.target;
  boost::json::array headers;
  for (const HeaderField& field : sent->headers) {
    headers.push_back(
        boost::json::array{boost::json::string(field.name), boost::json::string(field.value)});
  }
  json["headers"] = std::move(headers);
  const std::string& body = sent->body ? *sent->body : std::string();
  std::string_view shown = Utf8Prefix(body, kSentBodyBytes);
  if (IsValidUtf8(shown)) {
    json["body"] = shown;
  } else {
    json["body"] = nullptr;
    json["body_base64"] = Base64Encode(shown);
  }
  json["body_bytes"] = body.size();
  attempt.sent_request = boost::json::serialize(json);
}

}  // namespace rehook
