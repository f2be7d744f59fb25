#pragma once
// Live streams' source of new events (GET /v1/events/stream). One reader per node follows the
// store's commit order (EventLog::ListCommittedAfter) and hands each event, once durable, to
// the open streams that want it: one read per commit for any number of streams, and nothing at
// all while none is open. It reads when a local commit becomes durable (Wake) and every
// poll interval besides, which is how events captured by other nodes (PostgreSQL) arrive.
//
// Each stream holds a Subscription: an inbox bounded in bytes. A stream that does not keep up
// is not waited for: once its inbox is full, it is emptied and marked overflowed, and the
// stream ends (its client resumes from the last event it got, see LiveTail).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "filter/filter.h"
#include "store/batch_writer.h"
#include "store/queries.h"
#include "store/roles/event_log.h"

namespace rehook {

// What one stream wants: an organization's events, of one source or all, passing a filter.
struct StreamInterest {
  std::string org_id;
  std::optional<std::string> source_id;
  std::optional<Filter> filter;

  // `event` must have its body (filters may look at it). `input` is the event's filter input,
  // built here on first need and kept, so that many interests share one (nullopt at first).
  bool Wants(const Event& event, std::optional<boost::json::value>& input) const;
};

// Why the feed stopped serving a subscription.
enum class FeedEnd { none, overflowed, shutdown };

// A committed event as the feed hands it to every stream that wants it. What a stream sends for
// it is made once and shared: with a hundred streams on one source, an event is turned into
// its JSON once, not a hundred times.
class FeedEvent {
 public:
  explicit FeedEvent(CommittedEvent committed)
      : position(std::move(committed.position)), event(std::move(committed.event)) {}

  const CommitPosition position;
  const Event event;

  // `render(event)` the first time; the same text afterwards. Thread-safe.
  template <class Render>
  const std::string& Rendered(Render render) const {
    std::call_once(rendered_once_, [&] { rendered_ = render(event); });
    return rendered_;
  }

 private:
  mutable std::once_flag rendered_once_;
  mutable std::string rendered_;
};

using SharedEvent = std::shared_ptr<const FeedEvent>;

class EventFeed;

class Subscription {
 public:
  Subscription(StreamInterest interest, boost::asio::any_io_executor executor,
               std::size_t max_bytes);

  const StreamInterest& interest() const { return interest_; }
  // The feed hands this subscription every event after this position; the ones up to it were
  // settled when it subscribed, and a stream reads them from the store.
  const CommitPosition& published_from() const { return published_from_; }

  // Waits on the subscription's executor until events arrive, it ends, or `timeout` passes.
  boost::asio::awaitable<void> Wait(std::chrono::steady_clock::duration timeout);

  struct Taken {
    std::vector<SharedEvent> events;  // in commit order
    FeedEnd end = FeedEnd::none;
  };
  // What arrived since the last call (thread-safe).
  Taken Take();
  // Bytes waiting in the inbox (thread-safe).
  std::size_t buffered_bytes();

  // Called once, on the feed's thread, when the inbox overflows (to stop a write that is
  // stuck on a client that does not read). Thread-safe.
  void OnOverflow(std::function<void()> callback);

 private:
  friend class EventFeed;
  // From the feed's thread: false when this subscription has just overflowed.
  bool Deliver(const SharedEvent& event, std::size_t bytes);
  void End(FeedEnd why);
  void WakeWaiter();  // takes mutex_ itself

  const StreamInterest interest_;
  const std::size_t max_bytes_;
  CommitPosition published_from_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;  // on executor_; cancelled to wake the waiter
  std::function<void()> on_overflow_;
  std::weak_ptr<Subscription> self_;

  std::mutex mutex_;
  std::vector<SharedEvent> inbox_;
  std::size_t inbox_bytes_ = 0;
  FeedEnd end_ = FeedEnd::none;
  bool wake_posted_ = false;
};

struct EventFeedOptions {
  // How often the feed reads while streams are open, besides on local commits: the delay with
  // which another node's events reach this node's streams.
  std::chrono::milliseconds poll_interval{250};
  int page_size = 500;  // at most; fewer when events are large (see ReadAndPublish)
  // Bytes one stream may have waiting (bodies and a little per event) before it is ended.
  std::size_t max_stream_bytes = 8 << 20;
};

class EventFeed {
 public:
  EventFeed(EventLog& events, BatchWriter& writer, EventFeedOptions options);
  ~EventFeed();  // Stop()

  // A subscription to the events committed from now on; blocking (reads the store when the
  // feed has been idle): call it on a store thread.
  std::shared_ptr<Subscription> Subscribe(StreamInterest interest,
                                          boost::asio::any_io_executor executor);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);

  // A local commit is durable: read now rather than at the next poll. Thread-safe and cheap.
  void Wake();
  // Ends every subscription (FeedEnd::shutdown) and stops the reader. Idempotent.
  void Stop();

  std::size_t subscriptions() const;
  const EventFeedOptions& options() const { return options_; }

 private:
  void Run();
  // Reads one page after position_ and hands it out; false when there was nothing to read.
  bool ReadAndPublish();
  void LetStreamsDrain();
  void WaitDurable();

  EventLog& events_;
  BatchWriter& writer_;
  const EventFeedOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  CommitPosition position_;  // everything up to here was handed out (while active_)
  bool active_ = false;      // following commits (some stream is open)
  bool woken_ = false;
  bool stopping_ = false;
  // The size of recent events (bodies and a little more), on the reader thread only: what
  // sizes its pages.
  std::size_t event_bytes_ = 2048;
  std::thread reader_;
};

}  // namespace rehook
