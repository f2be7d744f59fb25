#include "notify/notifier.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "delivery/webhook_signer.h"

namespace rehook {

namespace asio = boost::asio;

Notifier::Notifier(asio::io_context& io, StoreRole<NotificationStore> channels,
                   std::shared_ptr<OutboundShared> outbound, TimerSource& timers,
                   NotifierOptions options)
    : io_(io),
      channels_(channels),
      client_(std::make_unique<OutboundClient>(io.get_executor(), std::move(outbound))),
      timers_(timers),
      options_(std::move(options)) {}

Notifier::~Notifier() = default;

void Notifier::Notify(Notification notification) {
  asio::co_spawn(io_, Tell(std::move(notification)), asio::detached);
}

void Notifier::Stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    for (Timer* wait : waiting_) wait->Cancel();
  });
}

asio::awaitable<void> Notifier::Tell(Notification notification) {
  if (stopping_) co_return;
  try {
    const std::string& org = notification.org_id;
    const NotificationKind kind = notification.kind;
    std::vector<NotificationChannel> channels = co_await channels_.Run(
        [&](NotificationStore& store) { return store.ChannelsFor(org, kind); });
    // One id per notification, the same at every channel and through every retry: receivers
    // deduplicate on webhook-id.
    const std::string message_id = NewId("msg", notification.occurred_at);
    for (NotificationChannel& channel : channels) {
      asio::co_spawn(io_, Send(std::move(channel), notification, message_id), asio::detached);
    }
  } catch (const std::exception& e) {
    log::Error(
        "notification.failed",
        {{"type", std::string(NotificationKindName(notification.kind))}, {"error", e.what()}});
  }
}

asio::awaitable<void> Notifier::Send(NotificationChannel channel, Notification copy,
                                     std::string message_id) {
  auto url = ParseTargetUrl(channel.url, false);
  if (auto* invalid = std::get_if<std::string>(&url)) {
    log::Warn("notification.refused", {{"channel_id", channel.id}, {"error", *invalid}});
    co_return;
  }
  const auto body = std::make_shared<const std::string>(
      channel.format == NotificationFormat::slack ? NotificationSlackJson(copy, options_.public_url)
                                                  : NotificationJson(copy));
  Timer wait(io_.get_executor(), timers_);
  for (std::size_t attempt = 0;; ++attempt) {
    OutboundRequest request;
    request.url = std::get<TargetUrl>(url);
    request.headers = {{"Content-Type", "application/json"}};
    if (!channel.secret.empty()) {
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      for (HeaderField& field : WebhookSigner(channel.secret).Headers(message_id, now, *body)) {
        request.headers.push_back(std::move(field));
      }
    }
    request.body = body;
    request.timeout = options_.timeout;
    OutboundResult result = co_await client_->Send(std::move(request));
    if (result.success()) co_return;
    const std::string why =
        result.status_code ? "HTTP " + std::to_string(*result.status_code) : result.error;
    if (attempt >= options_.retry_waits.size()) {
      log::Warn("notification.given_up", {{"channel_id", channel.id},
                                          {"type", std::string(NotificationKindName(copy.kind))},
                                          {"error", why}});
      co_return;
    }
    log::Info("notification.retrying", {{"channel_id", channel.id}, {"error", why}});
    if (stopping_) co_return;
    waiting_.insert(&wait);
    co_await wait.WaitFor(options_.retry_waits[attempt]);
    waiting_.erase(&wait);
    if (stopping_) co_return;
  }
}

}  // namespace rehook
