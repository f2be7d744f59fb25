#pragma once
// BatchWriter::WhenDurable for coroutines: resumes once every commit begun before the call is
// durable. For readers that act on rows they found in the store (the forwarder's poller, a replay
// job's page of events), so that nothing a power cut could take back is ever sent.

#include <boost/asio/awaitable.hpp>

#include "common/await_callback.h"
#include "store/batch_writer.h"

namespace rehook {

inline boost::asio::awaitable<void> AwaitDurable(BatchWriter& writer) {
  co_await AwaitCallback<bool>(
      [&writer](auto complete) { writer.WhenDurable([complete] { complete(nullptr, true); }); });
}

}  // namespace rehook
