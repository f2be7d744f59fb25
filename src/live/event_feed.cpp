#include "live/event_feed.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook {

namespace {
// What an event costs an inbox beyond its body: the rest of its JSON, roughly.
constexpr std::size_t kEventOverheadBytes = 1024;
}  // namespace

bool StreamInterest::Wants(const Event& event, std::optional<boost::json::value>& input) const {
  if (event.org_id != org_id) return false;
  if (source_id && event.source_id != *source_id) return false;
  if (!filter) return true;
  if (!input) input = FilterInput(event);
  return filter->Matches(*input);
}

Subscription::Subscription(StreamInterest interest, boost::asio::any_io_executor executor,
                           std::size_t max_bytes)
    : interest_(std::move(interest)),
      max_bytes_(max_bytes),
      executor_(executor),
      timer_(executor) {}

void Subscription::OnOverflow(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_overflow_ = std::move(callback);
}

boost::asio::awaitable<void> Subscription::Wait(std::chrono::steady_clock::duration timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!inbox_.empty() || end_ != FeedEnd::none) co_return;
  }
  // A wake posted after the check runs after this wait has begun (same executor), and cancels it.
  timer_.expires_after(timeout);
  co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

std::size_t Subscription::buffered_bytes() {
  std::lock_guard lock(mutex_);
  return inbox_bytes_;
}

Subscription::Taken Subscription::Take() {
  std::lock_guard lock(mutex_);
  Taken taken{std::move(inbox_), end_};
  inbox_.clear();
  inbox_bytes_ = 0;
  return taken;
}

bool Subscription::Deliver(const SharedEvent& event, std::size_t bytes) {
  std::function<void()> overflowed;
  {
    std::lock_guard lock(mutex_);
    if (end_ != FeedEnd::none) return true;
    if (inbox_bytes_ + bytes > max_bytes_ && !inbox_.empty()) {
      // Emptied: the stream ends, and its client reads these again from the store.
      inbox_.clear();
      inbox_bytes_ = 0;
      end_ = FeedEnd::overflowed;
      overflowed = std::move(on_overflow_);
    } else {
      inbox_.push_back(event);
      inbox_bytes_ += bytes;
    }
  }
  WakeWaiter();
  if (overflowed) overflowed();
  return !overflowed;
}

void Subscription::End(FeedEnd why) {
  {
    std::lock_guard lock(mutex_);
    if (end_ == FeedEnd::none) end_ = why;
  }
  WakeWaiter();
}

void Subscription::WakeWaiter() {
  {
    std::lock_guard lock(mutex_);
    if (wake_posted_) return;
    wake_posted_ = true;
  }
  boost::asio::post(executor_, [weak = self_] {
    if (auto self = weak.lock()) {
      {
        std::lock_guard lock(self->mutex_);
        self->wake_posted_ = false;
      }
      self->timer_.cancel();
    }
  });
}

EventFeed::EventFeed(EventLog& events, BatchWriter& writer, EventFeedOptions options)
    : events_(events), writer_(writer), options_(options) {
  reader_ = std::thread([this] { Run(); });
  NameThread(reader_, "event-feed");
}

EventFeed::~EventFeed() { Stop(); }

std::shared_ptr<Subscription> EventFeed::Subscribe(StreamInterest interest,
                                                   boost::asio::any_io_executor executor) {
  auto subscription =
      std::make_shared<Subscription>(std::move(interest), executor, options_.max_stream_bytes);
  subscription->self_ = subscription;
  std::lock_guard lock(mutex_);
  if (stopping_) {
    subscription->End(FeedEnd::shutdown);
    return subscription;
  }
  if (!active_) {
    // Idle until now: start from the latest commit (the new stream reads what came before).
    position_ = events_.LatestPosition();
    active_ = true;
  }
  subscription->published_from_ = position_;
  subscriptions_.push_back(subscription);
  wake_.notify_one();
  return subscription;
}

void EventFeed::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard lock(mutex_);
  std::erase(subscriptions_, subscription);
}

void EventFeed::Wake() {
  std::lock_guard lock(mutex_);
  if (!active_) return;
  woken_ = true;
  wake_.notify_one();
}

void EventFeed::Stop() {
  std::vector<std::shared_ptr<Subscription>> ended;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !reader_.joinable()) return;
    stopping_ = true;
    ended.swap(subscriptions_);
    wake_.notify_one();
  }
  for (const auto& subscription : ended) subscription->End(FeedEnd::shutdown);
  if (reader_.joinable()) reader_.join();
}

std::size_t EventFeed::subscriptions() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

void EventFeed::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (subscriptions_.empty()) {
      active_ = false;
      wake_.wait(lock, [&] { return stopping_ || !subscriptions_.empty(); });
      continue;
    }
    wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) break;
    lock.unlock();
    try {
      // A full page means more may be waiting: read on without waiting for the next wake,
      // once the streams have had a moment to take the last page.
      while (ReadAndPublish()) LetStreamsDrain();
    } catch (const std::exception& e) {
      // The store is unreachable for now; streams wait, and the next poll tries again.
      log::Warn("live.feed_read_failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

bool EventFeed::ReadAndPublish() {
  CommittedQuery query;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || subscriptions_.empty()) return false;
    query.after = position_;
  }
  // A page arrives in a stream's inbox at once: a quarter of the inbox at most, so that a
  // stream that keeps up is never taken for a slow one by a burst of large events.
  const std::size_t fits = options_.max_stream_bytes / 4 / std::max<std::size_t>(event_bytes_, 1);
  query.limit = static_cast<int>(std::clamp<std::size_t>(fits, 1, options_.page_size));
  std::vector<CommittedEvent> page = events_.ListCommittedAfter(query);
  if (page.empty()) return false;
  // SQLite shows a commit before its fsync; nothing reaches a stream that a power cut could
  // take back.
  WaitDurable();

  std::vector<std::shared_ptr<Subscription>> subscriptions;
  {
    std::lock_guard lock(mutex_);
    // Subscribers from now on read this page from the store themselves (published_from).
    position_ = std::max(position_, page.back().position);
    subscriptions = subscriptions_;
  }
  std::size_t page_bytes = 0;
  for (const CommittedEvent& committed : page) {
    page_bytes += committed.event.body.size() + kEventOverheadBytes;
  }
  event_bytes_ = (event_bytes_ * 3 + page_bytes / page.size()) / 4;
  for (CommittedEvent& committed : page) {
    const std::size_t bytes = committed.event.body.size() + kEventOverheadBytes;
    auto event = std::make_shared<const FeedEvent>(std::move(committed));
    std::optional<boost::json::value> input;  // built once, for the first filter that needs it
    for (const auto& subscription : subscriptions) {
      if (!subscription->interest().Wants(event->event, input)) continue;
      if (!subscription->Deliver(event, bytes)) Unsubscribe(subscription);
    }
  }
  return static_cast<int>(page.size()) == query.limit;
}

void EventFeed::LetStreamsDrain() {
  // A burst (a backlog on PostgreSQL shows up at once) must not overflow a stream that keeps
  // up: wait up to kDrainGrace for every inbox to be at most half full. A stuck stream costs
  // the others that much per page, and then overflows.
  constexpr auto kDrainGrace = std::chrono::milliseconds(50);
  const auto until = std::chrono::steady_clock::now() + kDrainGrace;
  for (;;) {
    bool drained = true;
    {
      std::lock_guard lock(mutex_);
      for (const auto& subscription : subscriptions_) {
        drained = drained && subscription->buffered_bytes() <= options_.max_stream_bytes / 2;
      }
    }
    if (drained || std::chrono::steady_clock::now() >= until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void EventFeed::WaitDurable() {
  std::promise<void> durable;
  writer_.WhenDurable([&durable] { durable.set_value(); });
  durable.get_future().wait();
}

}  // namespace rehook
