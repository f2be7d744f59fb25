#pragma once
// Tells the channels of an organization (NotificationStore) that something changed: one POST
// per channel that wants the kind, in its format, signed when it has a secret, retried a few
// times when it fails. Sent straight through an OutboundClient of its own (so the SSRF guard and
// TLS checks apply), never as a delivery: no task, no attempt, no circuit, and so never a
// notification about a notification.
//
// In memory: a notification still being retried when the process stops is not sent. What it
// tells of stays visible in the dashboard and the API.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/timers.h"
#include "delivery/outbound_client.h"
#include "notify/notification_message.h"
#include "store/roles/notification_store.h"
#include "store/store_executor.h"

namespace rehook {

struct NotifierOptions {
  std::string public_url;  // for the dashboard links of Slack messages
  // Waits before the 2nd, 3rd, ... attempt; no attempt after the last wait.
  std::vector<std::chrono::milliseconds> retry_waits{
      std::chrono::seconds(1), std::chrono::seconds(10), std::chrono::minutes(1),
      std::chrono::minutes(5)};
  std::chrono::milliseconds timeout{10000};
};

// Runs on an io_context with a single thread (the delivery lane).
class Notifier {
 public:
  Notifier(boost::asio::io_context& io, StoreRole<NotificationStore> channels,
           std::shared_ptr<OutboundShared> outbound, TimerSource& timers, NotifierOptions options);
  ~Notifier();

  // Thread-safe; returns at once.
  void Notify(Notification notification);
  // Gives up the retries still waiting (so shutting down does not wait for them) and sends
  // nothing more. Thread-safe.
  void Stop();
  // The dashboard's address for the links of Slack messages. Call before the lane runs.
  void SetPublicUrl(std::string url) { options_.public_url = std::move(url); }

 private:
  boost::asio::awaitable<void> Tell(Notification notification);
  // By value: each send is a detached coroutine that outlives the caller's frame.
  boost::asio::awaitable<void> Send(NotificationChannel channel, Notification notification,
                                    std::string message_id);

  boost::asio::io_context& io_;
  StoreRole<NotificationStore> channels_;
  std::unique_ptr<OutboundClient> client_;
  TimerSource& timers_;
  NotifierOptions options_;
  // On the context's thread only (it has one).
  bool stopping_ = false;
  std::unordered_set<Timer*> waiting_;  // retries waiting to be sent
};

}  // namespace rehook
