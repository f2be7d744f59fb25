// `rehook destinations create|list|get|update|delete|enable|disable`: where events are delivered.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <optional>

#include "cli/list_paging.h"
#include "cli/resource_commands.h"

namespace rehook::cli {
namespace {

// The fields of POST and PATCH /v1/destinations; each only sent when given.
struct DestinationOptions {
  std::string id;  // update only
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<int> timeout_ms;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::string> secret;
  std::optional<int> rate_limit;
  std::optional<int> retry_attempts;
  std::optional<std::string> retry_backoff;
  std::optional<std::int64_t> retry_interval_ms;
  bool disabled = false;       // create only
  bool no_headers = false;     // update only
  bool no_secret = false;      // update only
  bool no_rate_limit = false;  // update only
  bool default_retry = false;  // update only
};

std::string RetryText(const boost::json::value& destination) {
  const boost::json::value* retry = destination.as_object().if_contains("retry");
  if (!retry || retry->is_null()) return "server schedule";
  return FieldText(*retry, "attempts") + " attempts, " + FieldText(*retry, "backoff") + " from " +
         FieldText(*retry, "interval_ms") + " ms";
}

Fields DestinationFields(const boost::json::value& destination) {
  const boost::json::value* circuit = destination.as_object().if_contains("circuit");
  return {{"id", FieldText(destination, "id")},
          {"name", FieldText(destination, "name")},
          {"url", FieldText(destination, "url")},
          {"enabled", FieldText(destination, "enabled")},
          {"circuit", circuit ? FieldText(*circuit, "state") : "-"},
          {"timeout_ms", FieldText(destination, "timeout_ms")},
          {"rate_limit", FieldText(destination, "rate_limit")},
          {"retry", RetryText(destination)},
          {"has_secret", FieldText(destination, "has_secret")},
          {"headers", FieldText(destination, "headers")},
          {"created_at", FieldText(destination, "created_at")},
          {"updated_at", FieldText(destination, "updated_at")}};
}

const ResourceKind kDestinations{"/v1/destinations", "destination", DestinationFields};

boost::json::object HeadersObject(const std::vector<std::string>& headers) {
  boost::json::object object;
  for (const std::string& header : headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw CliError(ExitCode::usage, "--header '" + header + "' is not 'Name: value'");
    }
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    object[header.substr(0, colon)] = value;
  }
  return object;
}

boost::json::object DestinationBody(const DestinationOptions& options) {
  boost::json::object body;
  if (options.name) body["name"] = *options.name;
  if (options.url) body["url"] = *options.url;
  if (options.timeout_ms) body["timeout_ms"] = *options.timeout_ms;
  if (!options.headers.empty()) body["headers"] = HeadersObject(options.headers);
  if (options.no_headers) body["headers"] = boost::json::object{};
  if (options.secret) body["secret"] = *options.secret;
  if (options.no_secret) body["secret"] = "";
  if (options.rate_limit) body["rate_limit"] = *options.rate_limit;
  if (options.no_rate_limit) body["rate_limit"] = nullptr;
  if (options.retry_attempts || options.retry_backoff || options.retry_interval_ms) {
    // Sent whole: on create what is not given takes the server's defaults (API-NOTES.md); on
    // update KeepUnchangedRetryParts fills it from the current policy first.
    boost::json::object retry;
    if (options.retry_attempts) retry["attempts"] = *options.retry_attempts;
    if (options.retry_backoff) retry["backoff"] = *options.retry_backoff;
    if (options.retry_interval_ms) retry["interval_ms"] = *options.retry_interval_ms;
    body["retry"] = std::move(retry);
  }
  if (options.default_retry) body["retry"] = nullptr;
  if (options.disabled) body["enabled"] = false;
  return body;
}

// The API replaces a retry policy whole; `update --retry-attempts 8` should change the attempts
// only, so the parts not given are taken from the destination's current policy.
void KeepUnchangedRetryParts(CommandContext& context, const std::string& id,
                             boost::json::object& body) {
  boost::json::value* retry = body.if_contains("retry");
  if (!retry || !retry->is_object() || retry->as_object().size() == 3) return;
  const boost::json::value current = context.api.Get(kDestinations.PathOf(id)).json;
  const boost::json::value* policy = current.as_object().if_contains("retry");
  if (!policy || !policy->is_object()) return;
  for (const auto& [key, value] : policy->as_object()) {
    if (!retry->as_object().contains(key)) retry->as_object()[key] = value;
  }
}

ExitCode ListDestinations(CommandContext& context, const PageOptions& options) {
  Listing listing = FetchList(context.api, "/v1/destinations", {}, options);
  std::vector<TableRow> rows;
  for (const auto& destination : listing.data) {
    const boost::json::value* circuit = destination.as_object().if_contains("circuit");
    rows.push_back({FieldText(destination, "id"), FieldText(destination, "name"),
                    FieldText(destination, "url"), FieldText(destination, "enabled"),
                    circuit ? FieldText(*circuit, "state") : "-"});
  }
  PrintListing(context, listing, RenderTable({"ID", "NAME", "URL", "ENABLED", "CIRCUIT"}, rows),
               "destinations");
  return ExitCode::ok;
}

// The options create and update share.
void AddFieldOptions(CLI::App& command, DestinationOptions& options) {
  command.add_option("--timeout-ms", options.timeout_ms, "Per-delivery timeout (100-120000)");
  command.add_option("--header", options.headers,
                     "A header added to every delivery, 'Name: value' (repeatable)");
  command.add_option("--secret", options.secret, "Standard Webhooks signing secret (whsec_...)");
  command.add_option("--rate-limit", options.rate_limit, "Deliveries per second at most (1-10000)");
  command.add_option("--retry-attempts", options.retry_attempts,
                     "Attempts in all, the first included (1-20): a retry policy of its own");
  command
      .add_option("--retry-backoff", options.retry_backoff, "How the waits grow between retries")
      ->check(CLI::IsMember({"exponential", "linear"}));
  command.add_option("--retry-interval-ms", options.retry_interval_ms,
                     "The first wait between attempts (>= 100)");
}

}  // namespace

void AddDestinationCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* destinations = app.add_subcommand("destinations", "Manage where events are delivered");
  destinations->fallthrough()->require_subcommand(1);

  auto create_options = std::make_shared<DestinationOptions>();
  CLI::App* create = destinations->add_subcommand("create", "Create a destination");
  create->add_option("--name", create_options->name, "What it is, e.g. orders-service")->required();
  create->add_option("--url", create_options->url, "Where deliveries go (https://...)")->required();
  AddFieldOptions(*create, *create_options);
  create->add_flag("--disabled", create_options->disabled,
                   "Create it disabled (nothing forwarded)");
  create->callback([&slot, create_options] {
    slot = [create_options](CommandContext& context) {
      return PrintResource(
          context, kDestinations,
          context.api.Post("/v1/destinations", DestinationBody(*create_options)).json);
    };
  });

  auto page = std::make_shared<PageOptions>();
  CLI::App* list = destinations->add_subcommand("list", "List destinations, newest first");
  AddPageOptions(*list, *page, "destinations");
  list->callback([&slot, page] {
    slot = [page](CommandContext& context) { return ListDestinations(context, *page); };
  });

  auto update_options = std::make_shared<DestinationOptions>();
  CLI::App* update = destinations->add_subcommand("update", "Change a destination's settings");
  update->add_option("id", update_options->id, "Destination id (dst_...)")->required();
  update->add_option("--name", update_options->name, "A new name");
  update->add_option("--url", update_options->url, "A new URL");
  AddFieldOptions(*update, *update_options);
  update->add_flag("--no-headers", update_options->no_headers, "Remove every added header");
  update->add_flag("--no-secret", update_options->no_secret, "Stop signing deliveries");
  update->add_flag("--no-rate-limit", update_options->no_rate_limit, "Remove the rate limit");
  update->add_flag("--default-retry", update_options->default_retry,
                   "Drop its retry policy: the server's schedule applies");
  update->callback([&slot, update_options] {
    slot = [update_options](CommandContext& context) {
      boost::json::object body = DestinationBody(*update_options);
      if (body.empty()) throw CliError(ExitCode::usage, "update: nothing to change was given");
      KeepUnchangedRetryParts(context, update_options->id, body);
      return PrintResource(context, kDestinations,
                           context.api.Patch(kDestinations.PathOf(update_options->id), body).json);
    };
  });

  AddIdCommands(*destinations, slot, kDestinations);
}

}  // namespace rehook::cli
