#include "delivery/manual_resend.h"

#include <variant>

#include "delivery/attempt_record.h"
#include "delivery/delivery_request.h"
#include "delivery/target_url.h"

namespace rehook {

boost::asio::awaitable<DeliveryAttempt> ResendNow(ResendTools tools,
                                                  std::shared_ptr<const Event> event,
                                                  const Destination& destination,
                                                  const Connection* via) {
  OutboundResult result;
  auto url = ParseTargetUrl(destination.url, false);
  if (auto* invalid = std::get_if<std::string>(&url)) {
    result.error = *invalid;  // nothing was sent: the circuit is left as it is
    co_return ManualAttempt(*event, destination.id, result, tools.clock.Now());
  }
  std::optional<Reshaped> reshaped;
  if (via != nullptr && !via->transformation_id.empty()) {
    TransformContext context;
    context.destination_id = destination.id;
    context.connection_id = via->id;
    context.trigger = "manual";
    reshaped =
        co_await tools.transforms.Run(event->org_id, via->transformation_id, *event, context);
    if (!reshaped->sends()) {  // skipped, or the script failed: nothing is sent
      DeliveryAttempt attempt = ManualAttempt(*event, destination.id, result, tools.clock.Now());
      NoteTransformation(attempt, *reshaped, nullptr);
      co_return attempt;
    }
  }
  CircuitPass pass = tools.breakers.Overrule(destination.id);
  auto body = std::shared_ptr<const std::string>(event, &event->body);
  OutboundRequest request =
      BuildDeliveryRequest(*event, body, destination, std::get<TargetUrl>(url), tools.clock.Now(),
                           std::nullopt, reshaped ? &*reshaped->request : nullptr);
  std::optional<OutboundRequest> sent;
  if (reshaped) sent = request;
  result = co_await tools.client.Send(std::move(request));
  pass.Report(result.success());
  tools.deliveries.CountAttempt(DeliveryKind::manual, result.success(), result.response_time_ms);
  DeliveryAttempt attempt = ManualAttempt(*event, destination.id, result, tools.clock.Now());
  if (reshaped) NoteTransformation(attempt, *reshaped, &*sent);
  co_return attempt;
}

}  // namespace rehook
