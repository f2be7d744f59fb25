// `rehook listen`: a source's webhooks on a developer's machine. Follows the live tail of the
// source (GET /v1/events/stream) and re-sends each event to a local URL as its original request,
// one line per event. Reconnects with backoff and resumes after the last event it handled,
// which it also keeps in a state file, so that a restarted CLI continues where it stopped:
// nothing that arrived while it was away is lost, nothing it handled comes twice.
#include <CLI/CLI.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "cli/command_context.h"
#include "cli/filter_option.h"
#include "cli/listen_state.h"
#include "cli/local_forwarder.h"
#include "cli/output.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/iso8601.h"
#include "common/server_sent_events.h"

namespace rehook::cli {
namespace {

using namespace std::chrono_literals;

// The server sends a comment at least every 15 s: silence this long means a dead connection.
constexpr auto kSilenceLimit = 45s;
constexpr auto kFirstBackoff = 500ms;
constexpr auto kLongestBackoff = 30s;

std::atomic<bool> interrupted{false};

extern "C" void OnInterrupt(int) { interrupted = true; }

struct ListenOptions {
  std::string source_id;
  std::string forward_to;
  std::string since;   // a duration back from now, e.g. 10m
  std::string filter;  // JSON, or @FILE
  std::string state_file;
  double forward_timeout_seconds = 10;
};

class Listener {
 public:
  Listener(CommandContext& context, const ListenOptions& options)
      : context_(context),
        options_(options),
        state_(options.state_file, options.source_id),
        forwarder_(options.forward_to,
                   std::chrono::milliseconds(
                       static_cast<std::int64_t>(options.forward_timeout_seconds * 1000)),
                   context.api.ca_file()) {
    if (!options.filter.empty()) {
      filter_ = boost::json::serialize(ReadFilterOption(options.filter));
    }
    if (!options.since.empty()) {
      std::optional<TimeMs> back = ParseDurationMs(options.since);
      if (!back) {
        throw CliError(
            ExitCode::usage,
            "--since must be a duration such as 30s, 10m, 2h or 1d (got '" + options.since + "')");
      }
      since_ = SystemClock().Now() - *back;
    }
  }

  ExitCode Run() {
    last_id_ = state_.Load();
    context_.err << "Forwarding events of " << options_.source_id << " to " << options_.forward_to
                 << (last_id_ ? ", after " + *last_id_ + " (" + state_.path() + ")"
                     : since_ ? ", from " + FormatIso8601(*since_)
                              : ", from now")
                 << ". Ctrl-C to stop.\n";
    auto backoff = std::chrono::milliseconds(kFirstBackoff);
    while (!interrupted) {
      connected_ = false;
      try {
        Follow();
        if (!interrupted) context_.err << "The server ended the stream; reconnecting.\n";
      } catch (const CliError& error) {
        if (error.code() != ExitCode::unavailable) {
          if (!ForgetErasedEvent(error)) throw;
          continue;
        }
        if (interrupted) break;
        if (connected_) backoff = kFirstBackoff;
        context_.err << "rehook listen: " << error.what() << "; reconnecting in " << backoff.count()
                     << " ms\n";
        Pause(backoff);
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, kLongestBackoff);
        continue;
      }
      backoff = kFirstBackoff;
    }
    context_.err << "Stopped: " << forwarded_ << " events forwarded, " << failed_
                 << " not taken by " << options_.forward_to << "."
                 << (last_id_ ? " Next start continues after " + *last_id_ + "." : "") << "\n";
    return ExitCode::ok;
  }

 private:
  // One connection: from the last event handled (or the start), until it breaks or ends.
  void Follow() {
    QueryParams query{{"source_id", options_.source_id}};
    if (!filter_.empty()) query.emplace_back("filter", filter_);
    std::vector<std::pair<std::string, std::string>> headers;
    if (last_id_) {
      headers.emplace_back("Last-Event-ID", *last_id_);
    } else if (since_) {
      query.emplace_back("since", FormatIso8601(*since_));
    }
    const TimeMs connected_at = SystemClock().Now();
    SseParser parser;
    context_.api.Stream(
        "/v1/events/stream", query, headers, kSilenceLimit,
        [&](std::string_view bytes) {
          if (!connected_ && !last_id_ && !since_) {
            // From now: should this connection break before any event, the next one must not
            // skip what arrived in between.
            since_ = connected_at;
          }
          connected_ = true;
          parser.Feed(bytes);
          while (std::optional<SseMessage> message = parser.Next()) {
            if (message->event == "event") Handle(*message);
            if (message->event == "close") Closed(*message);
            if (interrupted) return false;
          }
          return !interrupted.load();
        },
        [] { return interrupted.load(); });
  }

  void Handle(const SseMessage& message) {
    boost::json::value event = boost::json::parse(message.data);
    const OutboundResult result = forwarder_.Send(event);
    Print(event, result);
    if (result.success()) {
      ++forwarded_;
    } else {
      ++failed_;  // shown, and the stream goes on: the app may be restarting
    }
    last_id_ = message.id;
    state_.Save(message.id);
  }

  void Closed(const SseMessage& message) {
    boost::json::value data = boost::json::parse(message.data);
    context_.err << "The server closed the stream (" << FieldText(data, "reason") << ").\n";
  }

  void Print(const boost::json::value& event, const OutboundResult& result) {
    const std::string time = FormatIso8601(SystemClock().Now());
    std::string path = FieldText(event, "path");
    if (const std::string query = FieldText(event, "query"); query != "-" && !query.empty()) {
      path += "?" + query;
    }
    if (context_.json) {
      boost::json::object line{{"time", time},
                               {"event_id", FieldText(event, "id")},
                               {"method", FieldText(event, "method")},
                               {"path", path},
                               {"status", nullptr},
                               {"ms", nullptr},
                               {"error", nullptr}};
      if (result.status_code) line["status"] = *result.status_code;
      if (result.response_time_ms) line["ms"] = *result.response_time_ms;
      if (!result.error.empty()) line["error"] = result.error;
      context_.out << JsonLine(line) << std::flush;
      return;
    }
    const bool failed = !result.success();
    const std::string outcome = result.status_code ? std::to_string(*result.status_code) : "ERR";
    std::string text = time.substr(11, 12) + "  " + FieldText(event, "id") + "  " +
                       FieldText(event, "method") + " " + Shorten(path, 60) + "  " + outcome;
    if (result.response_time_ms) text += "  " + std::to_string(*result.response_time_ms) + " ms";
    if (!result.error.empty()) text += "  " + result.error;
    if (failed && context_.out_is_terminal) text = "\033[31m" + text + "\033[0m";
    context_.out << text << "\n" << std::flush;
  }

  // The server no longer has the event to resume after (erased by retention or by hand):
  // start again from the time it was handled, roughly, rather than stop.
  bool ForgetErasedEvent(const CliError& error) {
    const std::string what = error.what();
    if (!last_id_ || what.find("Last-Event-ID") == std::string::npos) return false;
    context_.err << "rehook listen: " << what << "; continuing from now.\n";
    state_.Clear();
    last_id_.reset();
    since_.reset();
    return true;
  }

  static void Pause(std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!interrupted && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(50ms);
    }
  }

  CommandContext& context_;
  const ListenOptions& options_;
  ListenState state_;
  LocalForwarder forwarder_;
  std::string filter_;
  std::optional<TimeMs> since_;
  std::optional<std::string> last_id_;
  bool connected_ = false;
  std::uint64_t forwarded_ = 0;
  std::uint64_t failed_ = 0;
};

ExitCode Listen(CommandContext& context, const ListenOptions& options) {
  interrupted = false;
  auto previous_int = std::signal(SIGINT, OnInterrupt);
  auto previous_term = std::signal(SIGTERM, OnInterrupt);
  struct Restore {
    decltype(previous_int) int_handler, term_handler;
    ~Restore() {
      std::signal(SIGINT, int_handler);
      std::signal(SIGTERM, term_handler);
    }
  } restore{previous_int, previous_term};
  Listener listener(context, options);
  return listener.Run();
}

}  // namespace

void AddListenCommand(CLI::App& app, CommandSlot& slot) {
  auto options = std::make_shared<ListenOptions>();
  CLI::App* listen = app.add_subcommand(
      "listen",
      "Forward a source's webhooks to a local URL as they arrive, resuming after the last one "
      "handled (also across restarts of the CLI)");
  listen->fallthrough();  // --json, --url ... after `listen` too
  listen->add_option("--source", options->source_id, "Source id (src_...)")->required();
  listen
      ->add_option("--forward-to", options->forward_to,
                   "Local URL to re-send each request to; the captured sub-path is appended")
      ->required();
  listen->add_option("--since", options->since,
                     "On the first start, begin with the events of this long ago (30s, 10m, 2h, "
                     "1d); default: from now");
  listen->add_option("--filter", options->filter,
                     "Only events passing this filter (JSON, or @FILE holding it)");
  listen->add_option("--state-file", options->state_file,
                     "Where to keep the last event id handled (default: "
                     "$XDG_STATE_HOME/rehook/listen/<source>)");
  listen
      ->add_option("--forward-timeout", options->forward_timeout_seconds,
                   "Seconds to wait for the local app's answer")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  listen->callback([&slot, options] {
    slot = [options](CommandContext& context) { return Listen(context, *options); };
  });
}

}  // namespace rehook::cli
