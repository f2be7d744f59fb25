#include "live/live_tail.h"

#include "common/await_callback.h"

namespace rehook {

LiveTail::LiveTail(StoreRole<EventLog> events, BatchWriter& writer,
                   std::shared_ptr<Subscription> subscription,
                   std::optional<CommitPosition> resume_after, int page_size)
    : events_(events),
      writer_(writer),
      subscription_(std::move(subscription)),
      sent_(resume_after.value_or(subscription_->published_from())),
      catching_up_(resume_after.has_value()),
      page_size_(page_size) {}

boost::asio::awaitable<TailStep> LiveTail::Next(std::chrono::steady_clock::time_point deadline) {
  TailStep step;
  while (catching_up_) {
    step.events = co_await ReadStoredPage();
    if (!step.events.empty()) co_return step;
  }
  for (;;) {
    Subscription::Taken taken = subscription_->Take();
    for (SharedEvent& event : taken.events) {
      if (event->position <= sent_) continue;  // read from the store already
      sent_ = event->position;
      step.events.push_back(std::move(event));
    }
    if (!step.events.empty()) co_return step;
    if (taken.end != FeedEnd::none) {
      step.end = taken.end;
      co_return step;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return step;
    co_await subscription_->Wait(deadline - now);
  }
}

boost::asio::awaitable<std::vector<SharedEvent>> LiveTail::ReadStoredPage() {
  // Whatever the feed handed over so far is settled, so the read below shows it too.
  subscription_->Take();
  const StreamInterest& interest = subscription_->interest();
  CommittedQuery query;
  query.org_id = interest.org_id;
  query.source_id = interest.source_id;
  query.after = sent_;
  query.limit = page_size_;
  std::vector<CommittedEvent> page =
      co_await events_.Run([&](EventLog& log) { return log.ListCommittedAfter(query); });
  if (static_cast<int>(page.size()) < page_size_) catching_up_ = false;
  if (page.empty()) co_return std::vector<SharedEvent>{};
  // SQLite shows a commit before its fsync: send nothing a power cut could take back.
  co_await AwaitCallback<bool>([this](auto complete) {
    writer_.WhenDurable([complete]() mutable { complete(nullptr, true); });
  });
  sent_ = page.back().position;
  std::vector<SharedEvent> wanted;
  for (CommittedEvent& committed : page) {
    std::optional<boost::json::value> input;
    if (!interest.Wants(committed.event, input)) continue;
    wanted.push_back(std::make_shared<const FeedEvent>(std::move(committed)));
  }
  co_return wanted;
}

}  // namespace rehook
