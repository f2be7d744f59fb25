#pragma once
// Runs transformation scripts off the io threads: a few worker threads, each with a sandbox of
// its own (transform/js_sandbox.h). Forwarding, replay jobs and the API's test run await a
// call here, so a script spending its whole CPU budget never holds up a lane's other
// deliveries or an io thread's requests.

#include <boost/asio/awaitable.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "transform/js_sandbox.h"

namespace rehook {

struct TransformerOptions {
  int workers = 1;
  ScriptLimits limits;
};

class Transformer {
 public:
  explicit Transformer(TransformerOptions options);
  ~Transformer();  // finishes the calls already queued
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  // transform(request, context) of `script`, on a worker; see JsSandbox::Call.
  boost::asio::awaitable<ScriptCall> Call(ScriptSource script, std::string request_json,
                                          std::string context_json);
  // Whether `code` compiles and defines transform(): "" or the error; see JsSandbox::Check.
  boost::asio::awaitable<std::string> Check(std::string code);

  const ScriptLimits& limits() const { return options_.limits; }

 private:
  using Work = std::function<void(JsSandbox&)>;
  void Post(Work work);
  void RunWorker();

  const TransformerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace rehook
