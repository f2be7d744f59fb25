#include "notify/insight_messages.h"

namespace rehook {
namespace {

boost::json::object DestinationData(const Destination& destination) {
  return {{"destination_id", destination.id}, {"name", destination.name}, {"url", destination.url}};
}

constexpr double kHourMs = 3'600'000;

std::string Count(long long n, const std::string& unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// "48 hours", "30 minutes", "5 seconds": the largest unit that fits whole.
std::string Duration(TimeMs ms) {
  if (ms >= kHourMs) return Count(static_cast<long long>(ms / kHourMs), "hour");
  if (ms >= 60'000) return Count(ms / 60'000, "minute");
  return Count(ms / 1000, "second");
}

std::string DestinationPage(const Destination& destination) {
  return "#/destinations/" + destination.id;
}

}  // namespace

Notification CircuitNotification(const Destination& destination, bool opened, int failures,
                                 TimeMs now) {
  Notification notification;
  notification.kind = opened ? NotificationKind::circuit_opened : NotificationKind::circuit_closed;
  notification.org_id = destination.org_id;
  notification.occurred_at = now;
  notification.data = DestinationData(destination);
  if (opened) notification.data["consecutive_failures"] = failures;
  notification.summary =
      opened ? "Destination " + destination.name + " is failing: " + std::to_string(failures) +
                   " deliveries in a row failed, so rehook stopped sending to it for now"
             : "Destination " + destination.name + " answers again: deliveries resumed";
  notification.dashboard_path = DestinationPage(destination);
  return notification;
}

Notification DisabledNotification(const Destination& destination, TimeMs now) {
  Notification notification;
  notification.kind = NotificationKind::destination_disabled;
  notification.org_id = destination.org_id;
  notification.occurred_at = now;
  notification.data = DestinationData(destination);
  const TimeMs window_ms = destination.disable_after_ms.value_or(0);
  notification.data["disable_after_hours"] = static_cast<double>(window_ms) / kHourMs;
  if (destination.failing_since) notification.data["failing_since"] = *destination.failing_since;
  notification.summary = "Destination " + destination.name + " was disabled: every delivery " +
                         "failed for " + Duration(window_ms) +
                         ". Its events are kept: enable it and replay them to catch up";
  notification.dashboard_path = DestinationPage(destination);
  return notification;
}

Notification ReplayNotification(const ReplayJob& job, TimeMs now) {
  Notification notification;
  const bool completed = job.status == ReplayStatus::completed;
  notification.kind =
      completed ? NotificationKind::replay_completed : NotificationKind::replay_paused;
  notification.org_id = job.org_id;
  notification.occurred_at = now;
  notification.data = {{"job_id", job.id},           {"destination_id", job.destination_id},
                       {"total", job.total},         {"processed", job.processed},
                       {"succeeded", job.succeeded}, {"failed", job.failed},
                       {"reason", job.status_reason}};
  notification.summary =
      completed ? "Replay job " + job.id + " completed: " + std::to_string(job.succeeded) + " of " +
                      std::to_string(job.total) + " events delivered"
                : "Replay job " + job.id + " paused" +
                      (job.status_reason.empty() ? "" : ": " + job.status_reason);
  notification.dashboard_path = "#/replay/" + job.id;
  return notification;
}

Notification ExhaustedNotification(const DeliveryAttempt& attempt, const Destination& destination) {
  Notification notification;
  notification.kind = NotificationKind::delivery_exhausted;
  notification.org_id = attempt.org_id;
  notification.occurred_at = attempt.created_at;
  notification.data = DestinationData(destination);
  notification.data["event_id"] = attempt.event_id;
  notification.data["attempts"] = attempt.attempt;
  if (attempt.status_code) notification.data["status_code"] = *attempt.status_code;
  notification.data["error"] = attempt.error;
  notification.summary = "Event " + attempt.event_id + " could not be delivered to " +
                         destination.name + " after " + std::to_string(attempt.attempt) +
                         " attempts";
  notification.dashboard_path = "#/events/" + attempt.event_id;
  return notification;
}

}  // namespace rehook
