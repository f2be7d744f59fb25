#pragma once
// `rehook listen`'s sending end: re-sends a streamed event (the event JSON of the API) to the
// developer's local app as its original request — method, sub-path appended to the --forward-to
// URL, query, headers minus proxy and hop-by-hop ones, body bytes — through the same outbound
// client forwarding uses, with private and loopback addresses allowed (it is the developer's own
// machine). Blocking; one request at a time, in order.

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "delivery/outbound_client.h"
#include "delivery/target_url.h"

namespace rehook::cli {

class LocalForwarder {
 public:
  // Throws CliError(usage) when `forward_to` is not an http(s) URL.
  LocalForwarder(const std::string& forward_to, std::chrono::milliseconds timeout,
                 const std::string& ca_file);
  ~LocalForwarder();

  // Sends `event` and waits for the answer. Never throws for what the local app does (refused,
  // timeout, 5xx: see the result); throws std::exception for an event JSON it cannot read.
  OutboundResult Send(const boost::json::value& event);

 private:
  TargetUrl base_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::unique_ptr<OutboundClient> client_;
};

}  // namespace rehook::cli
