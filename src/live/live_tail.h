#pragma once
// The events one stream sends, in commit order, each once: first the stored events after where
// its client left off (Last-Event-ID), read from the store page by page, then what the feed
// hands its subscription.
//
// The seam holds because the subscription exists before the first page is read: every event
// after the client's position is either settled by the time a page is read (and read), or
// handed to the subscription afterwards. What the subscription received while pages were still
// being read is dropped before each read (the read shows it anyway); what arrives after the
// last read is kept, and anything at or before the last position sent is skipped.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "live/event_feed.h"
#include "store/batch_writer.h"
#include "store/store_executor.h"

namespace rehook {

struct TailStep {
  std::vector<SharedEvent> events;  // empty: nothing came before the deadline (or the end)
  FeedEnd end = FeedEnd::none;
};

class LiveTail {
 public:
  // `resume_after`: the position of the last event the client has; nullopt to start now.
  LiveTail(StoreRole<EventLog> events, BatchWriter& writer,
           std::shared_ptr<Subscription> subscription, std::optional<CommitPosition> resume_after,
           int page_size = 100);

  // The next events to send; an empty step once `deadline` passes without any (time for a
  // heartbeat), or the end of the subscription. Run it on the subscription's executor.
  boost::asio::awaitable<TailStep> Next(std::chrono::steady_clock::time_point deadline);

 private:
  boost::asio::awaitable<std::vector<SharedEvent>> ReadStoredPage();

  StoreRole<EventLog> events_;
  BatchWriter& writer_;
  std::shared_ptr<Subscription> subscription_;
  CommitPosition sent_;  // the last position handed out, or where the stream starts
  bool catching_up_;
  const int page_size_;
};

}  // namespace rehook
