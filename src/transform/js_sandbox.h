#pragma once
// Runs users' transformation scripts in V8 (from Debian's libnode; docs/ARCHITECTURE.md,
// "Transformations"). A sandbox is one V8 isolate: one call at a time, on whichever thread
// calls it, within a budget of CPU time and of memory. A script that loops forever, recurses
// without end, allocates without end or throws fails that call only: the watchdog ends a call
// over its CPU time, an isolate out of memory ends the call and is replaced by a fresh one.
//
// Each version of a script (its key) is compiled once, in a context of its own, and its
// transform() is called again for every request: a script's globals may outlive a call, a
// script never sees another's. A context offers the language and console.log only: no
// network, file, timer, module or WebAssembly access.
//
// This header keeps V8 out of view: only js_sandbox.cpp includes it.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rehook {

struct ScriptLimits {
  std::chrono::milliseconds cpu_time{50};
  std::size_t memory_bytes = std::size_t{32} << 20;  // V8's heap, and as much again in buffers
};

// One version of a script: calls with the same key reuse what the first one compiled, so the
// key must change whenever the code does (and differ between scripts of different owners).
struct ScriptSource {
  std::string key;
  std::string code;
};

// What a call of transform(request, context) gave back.
struct ScriptCall {
  bool returned = false;  // transform() returned (null included); false: `error` says why not
  bool returned_null = false;
  // The returned request without its body, as JSON (when it returned an object).
  std::string request_json;
  // The returned body as bytes: a string's UTF-8, or JSON.stringify of anything else; nullopt
  // when the request had no body (undefined or null).
  std::optional<std::string> body;
  bool body_is_json = false;
  std::string error;                      // why the call failed, in words; "" when it did not
  std::vector<std::string> logs;          // console.log (info, warn, error, debug) lines, in order
  std::chrono::microseconds duration{0};  // wall time of the call, compilation included
  std::chrono::microseconds cpu_time{0};
};

class JsSandbox {
 public:
  explicit JsSandbox(ScriptLimits limits);
  ~JsSandbox();
  JsSandbox(const JsSandbox&) = delete;
  JsSandbox& operator=(const JsSandbox&) = delete;

  // Compiles `code` in a throw-away context and checks that it defines a function transform:
  // "" when it does, otherwise the error in words (with its line).
  std::string Check(std::string_view code);

  // Calls transform(JSON.parse(request_json), JSON.parse(context_json)) of `script`.
  ScriptCall Call(const ScriptSource& script, std::string_view request_json,
                  std::string_view context_json);

  // How many times the isolate was replaced after running out of memory (for tests).
  int isolates_replaced() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rehook
