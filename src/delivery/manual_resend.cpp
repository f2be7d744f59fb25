#include "delivery/manual_resend.h"

#include <variant>

#include "delivery/attempt_record.h"
#include "delivery/delivery_request.h"
#include "delivery/target_url.h"

namespace rehook {

boost::asio::awaitable<DeliveryAttempt> ResendNow(ResendTools tools,
                                                  std::shared_ptr<const Event> event,
                                                  const Destination& destination) {
  OutboundResult result;
  auto url = ParseTargetUrl(destination.url, false);
  if (auto* invalid = std::get_if<std::string>(&url)) {
    result.error = *invalid;  // nothing was sent: the circuit is left as it is
    co_return ManualAttempt(*event, destination.id, result, tools.clock.Now());
  }
  CircuitPass pass = tools.breakers.Overrule(destination.id);
  auto body = std::shared_ptr<const std::string>(event, &event->body);
  OutboundRequest request = BuildDeliveryRequest(
      *event, body, destination, std::get<TargetUrl>(url), tools.clock.Now(), std::nullopt);
  result = co_await tools.client.Send(std::move(request));
  pass.Report(result.success());
  tools.deliveries.CountAttempt(DeliveryKind::manual, result.success(), result.response_time_ms);
  co_return ManualAttempt(*event, destination.id, result, tools.clock.Now());
}

}  // namespace rehook
