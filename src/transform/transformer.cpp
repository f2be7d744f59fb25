#include "transform/transformer.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "common/await_callback.h"
#include "common/thread_name.h"

namespace rehook {

Transformer::Transformer(TransformerOptions options) : options_(options) {
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { RunWorker(); });
    NameThread(workers_.back(), "rehook-js-" + std::to_string(i));
  }
}

Transformer::~Transformer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void Transformer::Post(Work work) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(work));
  }
  wake_.notify_one();
}

void Transformer::RunWorker() {
  JsSandbox sandbox(options_.limits);
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work(sandbox);
  }
}

boost::asio::awaitable<ScriptCall> Transformer::Call(ScriptSource script, std::string request_json,
                                                     std::string context_json) {
  co_return co_await AwaitCallback<ScriptCall>([&](auto complete) {
    Post([&, complete](JsSandbox& sandbox) mutable {
      // The coroutine is suspended until `complete` runs: its locals are still there.
      try {
        complete(nullptr, sandbox.Call(script, request_json, context_json));
      } catch (...) {
        complete(std::current_exception(), std::nullopt);
      }
    });
  });
}

boost::asio::awaitable<std::string> Transformer::Check(std::string code) {
  co_return co_await AwaitCallback<std::string>([&](auto complete) {
    Post([&, complete](JsSandbox& sandbox) mutable {
      try {
        complete(nullptr, sandbox.Check(code));
      } catch (...) {
        complete(std::current_exception(), std::nullopt);
      }
    });
  });
}

}  // namespace rehook
