#include "delivery/delivery_request.h"

#include "delivery/hop_marker.h"
#include "delivery/outbound_headers.h"
#include "delivery/webhook_signer.h"

namespace rehook {
namespace {

// Appends a sub-path (unless empty or "/") to `target`'s path and a raw query to its query.
void AppendToTarget(std::string& target, std::string_view sub_path, std::string_view query) {
  const std::size_t question = target.find('?');
  std::string own_query = question == std::string::npos ? "" : target.substr(question + 1);
  std::string path = target.substr(0, question);
  if (!sub_path.empty() && sub_path != "/") {
    while (!path.empty() && path.back() == '/') path.pop_back();
    path += sub_path;
  }
  if (!query.empty()) own_query += (own_query.empty() ? "" : "&") + std::string(query);
  target = own_query.empty() ? path : path + "?" + own_query;
}

}  // namespace

std::string DeliveryId(const Event& event, const std::optional<ReplayMarks>& replay) {
  if (replay && replay->id_mode == ReplayIdMode::fresh) return event.id + "." + replay->job_id;
  return event.id;
}

OutboundRequest BuildDeliveryRequest(const Event& event, std::shared_ptr<const std::string> body,
                                     const Destination& destination, const TargetUrl& url,
                                     TimeMs now, const std::optional<ReplayMarks>& replay,
                                     const TransformedRequest* reshaped) {
  OutboundRequest request;
  request.method = reshaped ? reshaped->method : event.method;
  request.url = url;
  if (reshaped) {
    AppendToTarget(request.url.target, reshaped->path.value_or(""), reshaped->query.value_or(""));
    body = reshaped->body;
  }
  request.timeout = std::chrono::milliseconds(destination.timeout_ms);
  request.headers = ForwardableHeaders(reshaped ? reshaped->headers : event.headers);
  for (const auto& field : destination.headers) {
    RemoveHeader(request.headers, field.name);
    request.headers.push_back(field);
  }
  request.headers.push_back({"X-Rehook-Event-Id", event.id});
  MarkHop(event.headers, request.headers);
  if (replay) {
    request.headers.push_back({"X-Rehook-Replay", "1"});
    request.headers.push_back({"X-Rehook-Original-Event-Id", event.id});
    request.headers.push_back({"X-Rehook-Replay-Job-Id", replay->job_id});
  }
  if (!destination.secret.empty()) {
    // A provider's own Standard Webhooks headers would clash with rehook's signature.
    for (const char* name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
      RemoveHeader(request.headers, name);
    }
    WebhookSigner signer(destination.secret);
    for (auto& field : signer.Headers(DeliveryId(event, replay), now / 1000, *body)) {
      request.headers.push_back(std::move(field));
    }
  }
  request.body = std::move(body);
  return request;
}

OutboundRequest BuildRequestReplay(const Event& event, std::shared_ptr<const std::string> body,
                                   TargetUrl target, std::chrono::milliseconds timeout) {
  if (!event.query.empty()) {
    target.target += target.target.find('?') == std::string::npos ? '?' : '&';
    target.target += event.query;
  }
  OutboundRequest request;
  request.method = event.method;
  request.url = std::move(target);
  request.timeout = timeout;
  request.headers = ForwardableHeaders(event.headers);
  request.headers.push_back({"x-rehook-replay", "1"});
  request.headers.push_back({"x-rehook-original-request-id", event.id});
  MarkHop(event.headers, request.headers);
  request.body = std::move(body);
  return request;
}

OutboundRequest BuildLocalForward(const Event& event, std::shared_ptr<const std::string> body,
                                  TargetUrl base, std::chrono::milliseconds timeout) {
  AppendToTarget(base.target, event.path, event.query);
  OutboundRequest request;
  request.method = event.method;
  request.url = std::move(base);
  request.timeout = timeout;
  request.headers = ForwardableHeaders(event.headers);
  request.headers.push_back({"X-Rehook-Event-Id", event.id});
  request.body = std::move(body);
  return request;
}

}  // namespace rehook
