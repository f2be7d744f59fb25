#pragma once
// BatchWriter for coroutines. AwaitDurable: BatchWriter::WhenDurable, resumes once every commit
// begun before the call is durable. For readers that act on rows they found in the store (the
// forwarder's poller, a replay job's page of events), so that nothing a power cut could take back
// is ever sent.

#include <boost/asio/awaitable.hpp>

#include "common/await_callback.h"
#include "store/batch_writer.h"

namespace rehook {

inline boost::asio::awaitable<void> AwaitDurable(BatchWriter& writer) {
  co_await AwaitCallback<bool>(
      [&writer](auto complete) { writer.WhenDurable([complete] { complete(nullptr, true); }); });
}

// Submits a task update, replay progress or lone attempt to the group-commit writer and resumes
// once it is durable; rethrows the writer's error.
template <class Item>
boost::asio::awaitable<void> SubmitDurably(BatchWriter& writer, Item item) {
  co_await AwaitCallback<bool>([&writer, &item](auto complete) {
    writer.Submit(std::move(item), [complete](std::exception_ptr error) { complete(error, true); });
  });
}

}  // namespace rehook
