#include "cli/local_forwarder.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/value_to.hpp>

#include <variant>

#include "cli/exit_codes.h"
#include "common/encoding.h"
#include "delivery/delivery_request.h"

namespace rehook::cli {
namespace {

std::string Text(const boost::json::value& json, std::string_view field) {
  return boost::json::value_to<std::string>(json.at(field));
}

// The captured request as the event JSON shows it (raw_headers: exact order, case, repeats).
Event EventFromJson(const boost::json::value& json) {
  Event event;
  event.id = Text(json, "id");
  event.method = Text(json, "method");
  event.path = Text(json, "path");
  event.query = Text(json, "query");
  for (const auto& field : json.at("raw_headers").as_array()) {
    event.headers.push_back({Text(field, "name"), Text(field, "value")});
  }
  const auto& object = json.as_object();
  if (const auto* body = object.if_contains("body")) {
    event.body = boost::json::value_to<std::string>(*body);
  } else if (const auto* encoded = object.if_contains("body_base64")) {
    std::optional<std::string> bytes = Base64Decode(encoded->as_string());
    if (!bytes) throw std::invalid_argument("event " + event.id + ": body_base64 is not base64");
    event.body = std::move(*bytes);
  }
  return event;
}

}  // namespace

LocalForwarder::LocalForwarder(const std::string& forward_to, std::chrono::milliseconds timeout,
                               const std::string& ca_file)
    : timeout_(timeout) {
  auto parsed = ParseTargetUrl(forward_to, false, "--forward-to");
  if (auto* problem = std::get_if<std::string>(&parsed)) throw CliError(ExitCode::usage, *problem);
  base_ = std::get<TargetUrl>(std::move(parsed));
  OutboundClientOptions options;
  options.allow_private_targets = true;
  options.ca_file = ca_file;
  options.user_agent = "rehook-listen/0.1";
  client_ = std::make_unique<OutboundClient>(io_.get_executor(), MakeOutboundShared(options));
}

LocalForwarder::~LocalForwarder() {
  client_->CloseIdle();
  io_.poll();
}

OutboundResult LocalForwarder::Send(const boost::json::value& json) {
  Event event = EventFromJson(json);
  auto body = std::make_shared<const std::string>(std::move(event.body));
  OutboundRequest request = BuildLocalForward(event, body, base_, timeout_);
  auto result =
      boost::asio::co_spawn(io_, client_->Send(std::move(request)), boost::asio::use_future);
  // Pooled idle connections keep work in the context: run until this answer, not until empty.
  io_.restart();
  while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io_.run_one();
  return result.get();
}

}  // namespace rehook::cli
