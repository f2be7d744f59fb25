// Compiled without RTTI (src/CMakeLists.txt): libnode is, and a class derived from one of V8's
// would otherwise need type information libnode does not export.
#include "transform/js_sandbox.h"

#include <node.h>
#include <pthread.h>
#include <v8.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace rehook {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxLogLines = 100;
constexpr std::size_t kMaxLogLineBytes = 2048;
constexpr std::size_t kMaxCompiledScripts = 256;
// Room given to an isolate at its heap limit so that the call can unwind once terminated; the
// isolate is then replaced, so it never keeps this.
constexpr std::size_t kUnwindHeapBytes = std::size_t{64} << 20;

// V8 and its platform are started once per process and never torn down: V8 cannot be started
// again once disposed. Single-threaded: no compiler or GC threads, so a call's CPU time is the
// calling thread's, which is what the watchdog measures.
node::MultiIsolatePlatform& Platform() {
  static node::MultiIsolatePlatform* const platform = [] {
    const char flags[] = "--single-threaded --no-expose-wasm";
    v8::V8::SetFlagsFromString(flags, sizeof(flags) - 1);
    node::MultiIsolatePlatform* created = node::MultiIsolatePlatform::Create(1).release();
    v8::V8::InitializePlatform(created);
    v8::V8::Initialize();
    return created;
  }();
  return *platform;
}

std::chrono::nanoseconds ThreadCpuTime(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// Tasks V8 posts for the isolate's own thread (GC follow-ups, mostly). Run after each call, on
// the calling thread; a delayed one only once it is due.
class ForegroundTasks final : public v8::TaskRunner {
 public:
  void PostTask(std::unique_ptr<v8::Task> task) override { Post(std::move(task), Clock::now()); }
  void PostNonNestableTask(std::unique_ptr<v8::Task> task) override {
    Post(std::move(task), Clock::now());
  }
  void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_seconds) override {
    Post(std::move(task), Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(delay_seconds)));
  }
  void PostIdleTask(std::unique_ptr<v8::IdleTask>) override {}
  bool IdleTasksEnabled() override { return false; }
  bool NonNestableTasksEnabled() const override { return true; }

  // Runs the tasks due now; those they post wait for the next time.
  void RunDue() {
    std::deque<Entry> due;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      auto later = std::stable_partition(tasks_.begin(), tasks_.end(),
                                         [&](const Entry& entry) { return entry.due <= now; });
      due.assign(std::make_move_iterator(tasks_.begin()), std::make_move_iterator(later));
      tasks_.erase(tasks_.begin(), later);
    }
    for (auto& entry : due) entry.task->Run();
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    tasks_.clear();
  }

 private:
  struct Entry {
    std::unique_ptr<v8::Task> task;
    Clock::time_point due;
  };
  void Post(std::unique_ptr<v8::Task> task, Clock::time_point due) {
    std::lock_guard lock(mutex_);
    tasks_.push_back({std::move(task), due});
  }
  std::mutex mutex_;
  std::deque<Entry> tasks_;
};

class PlatformDelegate final : public node::IsolatePlatformDelegate {
 public:
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner() override { return tasks; }
  bool IdleTasksEnabled() override { return false; }
  std::shared_ptr<ForegroundTasks> tasks = std::make_shared<ForegroundTasks>();
};

// ArrayBuffers live outside V8's heap: they get a budget of their own, so that
// `new ArrayBuffer(2e9)` fails with a RangeError instead of taking the machine's memory.
class BoundedBufferAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  explicit BoundedBufferAllocator(std::size_t limit) : limit_(limit) {}
  void* Allocate(std::size_t length) override {
    if (!Reserve(length)) return nullptr;
    void* data = std::calloc(std::max<std::size_t>(length, 1), 1);
    if (data == nullptr) used_ -= length;
    return data;
  }
  void* AllocateUninitialized(std::size_t length) override {
    if (!Reserve(length)) return nullptr;
    void* data = std::malloc(std::max<std::size_t>(length, 1));
    if (data == nullptr) used_ -= length;
    return data;
  }
  void Free(void* data, std::size_t length) override {
    std::free(data);
    used_ -= length;
  }

 private:
  bool Reserve(std::size_t length) {
    std::size_t used = used_.load();
    do {
      if (length > limit_ - used) return false;
    } while (!used_.compare_exchange_weak(used, used + length));
    return true;
  }
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

// Ends a call that has used up its CPU time. One thread per sandbox, asleep between calls; while
// a call runs it wakes when the budget could at the earliest be spent (CPU time cannot pass
// faster than wall time) and checks the calling thread's CPU clock.
class Watchdog {
 public:
  Watchdog() : thread_([this] { Loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void Arm(v8::Isolate* isolate, std::chrono::nanoseconds budget) {
    clockid_t clock{};
    pthread_getcpuclockid(pthread_self(), &clock);
    {
      std::lock_guard lock(mutex_);
      isolate_ = isolate;
      clock_ = clock;
      cpu_deadline_ = ThreadCpuTime(clock) + budget;
      // A call that gets no CPU at all (it cannot wait on anything) is still ended in time.
      wall_deadline_ = Clock::now() + 20 * budget + std::chrono::seconds(1);
      armed_ = true;
      fired_ = false;
    }
    wake_.notify_all();
  }

  // Whether the watchdog ended the call. After this returns it no longer will.
  bool Disarm() {
    std::lock_guard lock(mutex_);
    armed_ = false;
    return fired_;
  }

 private:
  void Loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (!armed_) {
        wake_.wait(lock);
        continue;
      }
      const auto left = cpu_deadline_ - ThreadCpuTime(clock_);
      if (left <= std::chrono::nanoseconds::zero() || Clock::now() >= wall_deadline_) {
        // Under the lock, so a call that has just ended (and disarmed) is never terminated.
        isolate_->TerminateExecution();
        fired_ = true;
        armed_ = false;
        continue;
      }
      wake_.wait_for(lock, std::max<std::chrono::nanoseconds>(left, std::chrono::milliseconds(1)));
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool armed_ = false;
  bool fired_ = false;
  v8::Isolate* isolate_ = nullptr;
  clockid_t clock_{};
  std::chrono::nanoseconds cpu_deadline_{0};
  Clock::time_point wall_deadline_;
  std::thread thread_;  // last: starts once the members it reads exist
};

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value text(isolate, value);
  return *text ? std::string(*text, text.length()) : std::string();
}

v8::Local<v8::String> Text(v8::Isolate* isolate, std::string_view text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

}  // namespace

class JsSandbox::Impl {
 public:
  explicit Impl(ScriptLimits limits) : limits_(limits) {
    Platform();
    NewIsolate();
  }
  ~Impl() { DisposeIsolate(); }

  std::string Check(std::string_view code) {
    std::string error;
    std::string over_limit = Bounded([&] {
      Enter scope(*this);
      Compile(code, error);  // the context is dropped with the scope
    });
    return over_limit.empty() ? error : over_limit;
  }

  ScriptCall Call(const ScriptSource& script, std::string_view request_json,
                  std::string_view context_json) {
    ScriptCall call;
    const auto started = Clock::now();
    clockid_t cpu_clock{};
    pthread_getcpuclockid(pthread_self(), &cpu_clock);
    const auto cpu_started = ThreadCpuTime(cpu_clock);
    logs_ = &call.logs;
    std::string over_limit = Bounded([&] {
      Enter scope(*this);
      Run(script, request_json, context_json, call);
    });
    logs_ = nullptr;
    if (!over_limit.empty()) {
      ScriptCall failed;
      failed.logs = std::move(call.logs);
      failed.error = std::move(over_limit);
      call = std::move(failed);
      // A script ended midway may have left its globals half-changed: compiled afresh next time.
      compiled_.erase(script.key);
    }
    call.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    call.cpu_time = std::chrono::duration_cast<std::chrono::microseconds>(ThreadCpuTime(cpu_clock) -
                                                                          cpu_started);
    return call;
  }

  int isolates_replaced() const { return isolates_replaced_; }

 private:
  // Enters the isolate with a handle scope for one call.
  struct Enter {
    explicit Enter(Impl& impl)
        : locker(impl.isolate_), isolate_scope(impl.isolate_), handles(impl.isolate_) {}
    v8::Locker locker;
    v8::Isolate::Scope isolate_scope;
    v8::HandleScope handles;
  };

  struct Compiled {
    v8::Global<v8::Context> context;
    v8::Global<v8::Function> transform;
  };

  // Runs `work` (which enters the isolate) under the watchdog, then tidies up after it: "" when
  // it stayed within its limits, otherwise which limit ended it.
  template <typename Work>
  std::string Bounded(Work&& work) {
    watchdog_.Arm(isolate_, limits_.cpu_time);
    work();
    const bool timed_out = watchdog_.Disarm();
    std::string over_limit;
    if (out_of_memory_) {
      over_limit = "out of memory: the script used more than " +
                   std::to_string(limits_.memory_bytes >> 20) + " MiB";
    } else if (timed_out) {
      over_limit = "timed out: the script ran for more than " +
                   std::to_string(limits_.cpu_time.count()) + " ms of CPU time";
    }
    if (!over_limit.empty()) isolate_->CancelTerminateExecution();
    FinishCall();
    return over_limit;
  }

  void Run(const ScriptSource& script, std::string_view request_json, std::string_view context_json,
           ScriptCall& call) {
    v8::Local<v8::Context> context;
    v8::Local<v8::Function> transform;
    if (auto found = compiled_.find(script.key); found != compiled_.end()) {
      context = found->second.context.Get(isolate_);
      transform = found->second.transform.Get(isolate_);
    } else {
      auto made = Compile(script.code, call.error);
      if (!made) return;
      context = made->first;
      transform = made->second;
      if (compiled_.size() >= kMaxCompiledScripts) compiled_.clear();
      compiled_[script.key] = Compiled{v8::Global<v8::Context>(isolate_, context),
                                       v8::Global<v8::Function>(isolate_, transform)};
    }
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate_);
    v8::Local<v8::Value> args[2];
    if (!v8::JSON::Parse(context, Text(isolate_, request_json)).ToLocal(&args[0]) ||
        !v8::JSON::Parse(context, Text(isolate_, context_json)).ToLocal(&args[1])) {
      Failed(try_catch, "", call);
      return;
    }
    v8::Local<v8::Value> result;
    if (!transform->Call(context, v8::Undefined(isolate_), 2, args).ToLocal(&result)) {
      Failed(try_catch, "", call);
      return;
    }
    if (result->IsPromise()) {
      isolate_->PerformMicrotaskCheckpoint();
      if (isolate_->IsExecutionTerminating()) return;
      auto promise = result.As<v8::Promise>();
      if (promise->State() == v8::Promise::kRejected) {
        call.error = "transform's promise was rejected: " + ToUtf8(isolate_, promise->Result());
        return;
      }
      if (promise->State() == v8::Promise::kPending) {
        call.error = "transform's promise did not settle (scripts have no timers or I/O)";
        return;
      }
      result = promise->Result();
    }
    Read(context, result, try_catch, call);
  }

  // Reads what transform() returned into `call`.
  void Read(v8::Local<v8::Context> context, v8::Local<v8::Value> result, v8::TryCatch& try_catch,
            ScriptCall& call) {
    if (result->IsNull()) {
      call.returned = call.returned_null = true;
      return;
    }
    if (!result->IsObject() || result->IsArray()) {
      call.error = "transform must return the request (an object) or null to skip it, not " +
                   ToUtf8(isolate_, result->TypeOf(isolate_));
      return;
    }
    auto returned = result.As<v8::Object>();
    // The body is taken apart: a string is sent as its bytes, anything else as JSON.
    v8::Local<v8::Object> request = v8::Object::New(isolate_);
    v8::Local<v8::Value> body;
    for (const char* name : {"method", "path", "query", "headers", "body", "body_base64"}) {
      v8::Local<v8::Value> value;
      if (!returned->Get(context, Text(isolate_, name)).ToLocal(&value)) {
        Failed(try_catch, "reading the returned request: ", call);
        return;
      }
      if (std::string_view(name) == "body") {
        body = value;
      } else if (!value->IsUndefined() &&
                 request->Set(context, Text(isolate_, name), value).IsNothing()) {
        Failed(try_catch, "", call);
        return;
      }
    }
    v8::Local<v8::String> json;
    if (!v8::JSON::Stringify(context, request).ToLocal(&json)) {
      Failed(try_catch, "the returned request cannot be made JSON: ", call);
      return;
    }
    call.request_json = ToUtf8(isolate_, json);
    if (body->IsString()) {
      call.body = ToUtf8(isolate_, body);
    } else if (!body->IsUndefined() && !body->IsNull()) {
      v8::Local<v8::String> body_json;
      if (!v8::JSON::Stringify(context, body).ToLocal(&body_json)) {
        Failed(try_catch, "the returned body cannot be made JSON: ", call);
        return;
      }
      if (!body_json.IsEmpty() && body_json->IsString()) {
        call.body = ToUtf8(isolate_, body_json);
        call.body_is_json = true;
      }
    }
    call.returned = true;
  }

  // Fills in the error the TryCatch caught (a terminated call's is filled in by Bounded).
  void Failed(v8::TryCatch& try_catch, std::string_view prefix, ScriptCall& call) {
    if (try_catch.HasTerminated()) return;
    call.error = std::string(prefix) + Describe(try_catch);
  }

  std::string Describe(v8::TryCatch& try_catch) {
    if (!try_catch.HasCaught()) return "failed";
    std::string text = ToUtf8(isolate_, try_catch.Exception());
    v8::Local<v8::Message> message = try_catch.Message();
    if (!message.IsEmpty()) {
      int line = message->GetLineNumber(isolate_->GetCurrentContext()).FromMaybe(0);
      if (line > 0) text += " (line " + std::to_string(line) + ")";
    }
    return text;
  }

  // Compiles `code` in a new context and finds its transform(); on failure fills `error`.
  // Its handles live in the caller's scope (Enter): an EscapableHandleScope could hand back only
  // one of the two.
  std::optional<std::pair<v8::Local<v8::Context>, v8::Local<v8::Function>>> Compile(
      std::string_view code, std::string& error) {
    v8::Local<v8::Context> context = NewContext();
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate_);
    v8::ScriptOrigin origin(isolate_, Text(isolate_, "transformation.js"));
    v8::Local<v8::Script> compiled;
    if (!v8::Script::Compile(context, Text(isolate_, code), &origin).ToLocal(&compiled) ||
        compiled->Run(context).IsEmpty()) {
      if (!try_catch.HasTerminated()) error = Describe(try_catch);
      return std::nullopt;
    }
    v8::Local<v8::Value> transform;
    if (!context->Global()->Get(context, Text(isolate_, "transform")).ToLocal(&transform) ||
        !transform->IsFunction()) {
      if (!try_catch.HasTerminated()) {
        error = "the code must define function transform(request, context)";
      }
      return std::nullopt;
    }
    return std::pair{context, transform.As<v8::Function>()};
  }

  v8::Local<v8::Context> NewContext() {
    v8::Local<v8::Context> context = v8::Context::New(isolate_);
    // V8 installs a console of its own (which reports to an inspector there is none of), so
    // ours replaces it once the context exists rather than through the global template.
    v8::Local<v8::ObjectTemplate> console_template = v8::ObjectTemplate::New(isolate_);
    auto self = v8::External::New(isolate_, this);
    for (const char* name : {"log", "info", "warn", "error", "debug"}) {
      console_template->Set(isolate_, name, v8::FunctionTemplate::New(isolate_, &Impl::Log, self));
    }
    v8::Local<v8::Object> console = console_template->NewInstance(context).ToLocalChecked();
    context->Global()->Set(context, Text(isolate_, "console"), console).Check();
    // What could block or reach outside a call's memory budget is not offered.
    for (const char* name : {"SharedArrayBuffer", "Atomics", "WebAssembly"}) {
      context->Global()->Delete(context, Text(isolate_, name)).Check();
    }
    return context;
  }

  static void Log(const v8::FunctionCallbackInfo<v8::Value>& info) {
    auto* self = static_cast<Impl*>(info.Data().As<v8::External>()->Value());
    if (self->logs_ == nullptr || self->logs_->size() >= kMaxLogLines) return;
    v8::Isolate* isolate = info.GetIsolate();
    v8::Local<v8::Context> context = isolate->GetCurrentContext();
    std::string line;
    for (int i = 0; i < info.Length() && line.size() < kMaxLogLineBytes; ++i) {
      if (i > 0) line += ' ';
      v8::Local<v8::Value> value = info[i];
      v8::Local<v8::String> json;
      if (!value->IsString() && !value->IsFunction() && !value->IsSymbol() &&
          v8::JSON::Stringify(context, value).ToLocal(&json) && json->IsString()) {
        line += ToUtf8(isolate, json);
      } else {
        line += ToUtf8(isolate, value);
      }
    }
    if (line.size() > kMaxLogLineBytes) line.resize(kMaxLogLineBytes);
    self->logs_->push_back(std::move(line));
  }

  // After every call: V8's own follow-up tasks, and a fresh isolate if this one ran out of memory.
  void FinishCall() {
    if (out_of_memory_) {
      DisposeIsolate();
      NewIsolate();
      ++isolates_replaced_;
      return;
    }
    Enter scope(*this);
    delegate_.tasks->RunDue();
  }

  void NewIsolate() {
    buffers_ = std::make_unique<BoundedBufferAllocator>(limits_.memory_bytes);
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = buffers_.get();
    params.constraints.ConfigureDefaultsFromHeapSize(0, limits_.memory_bytes);
    isolate_ = v8::Isolate::Allocate();
    Platform().RegisterIsolate(isolate_, &delegate_);
    v8::Isolate::Initialize(isolate_, params);
    isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    isolate_->AddNearHeapLimitCallback(&Impl::NearHeapLimit, this);
    out_of_memory_ = false;
  }

  void DisposeIsolate() {
    compiled_.clear();
    delegate_.tasks->Clear();
    Platform().UnregisterIsolate(isolate_);
    isolate_->Dispose();
    isolate_ = nullptr;
  }

  // V8 is about to fail for want of heap: end the call, give it room to unwind, and have the
  // isolate replaced afterwards (V8 would otherwise abort the process).
  static std::size_t NearHeapLimit(void* data, std::size_t current, std::size_t) {
    auto* self = static_cast<Impl*>(data);
    self->out_of_memory_ = true;
    self->isolate_->TerminateExecution();
    return current + kUnwindHeapBytes;
  }

  const ScriptLimits limits_;
  PlatformDelegate delegate_;
  std::unique_ptr<BoundedBufferAllocator> buffers_;
  v8::Isolate* isolate_ = nullptr;
  std::unordered_map<std::string, Compiled> compiled_;
  std::vector<std::string>* logs_ = nullptr;  // the running call's
  bool out_of_memory_ = false;
  int isolates_replaced_ = 0;
  Watchdog watchdog_;
};

JsSandbox::JsSandbox(ScriptLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
JsSandbox::~JsSandbox() = default;

std::string JsSandbox::Check(std::string_view code) { return impl_->Check(code); }

ScriptCall JsSandbox::Call(const ScriptSource& script, std::string_view request_json,
                           std::string_view context_json) {
  return impl_->Call(script, request_json, context_json);
}

int JsSandbox::isolates_replaced() const { return impl_->isolates_replaced(); }

}  // namespace rehook
