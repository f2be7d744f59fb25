#include "cli/list_paging.h"

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <iterator>

#include "cli/output.h"

namespace rehook::cli {
namespace {

constexpr int kLargestPage = 250;  // the API's cap on ?limit=

}  // namespace

void AddPageOptions(CLI::App& command, PageOptions& options, const std::string& items) {
  command.add_option("--limit", options.limit, "Show at most this many " + items)
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_flag("--all", options.all, "Show all " + items + " (ignores --limit)");
  command.add_option("--cursor", options.cursor, "Continue where an earlier listing stopped");
}

Listing FetchList(ApiClient& api, const std::string& path, QueryParams query,
                  const PageOptions& options) {
  Listing listing;
  std::string cursor = options.cursor;
  for (;;) {
    std::int64_t wanted = kLargestPage;
    if (!options.all)
      wanted = std::min<std::int64_t>(wanted, options.limit - std::ssize(listing.data));
    QueryParams page_query = query;
    page_query.emplace_back("limit", std::to_string(wanted));
    if (!cursor.empty()) page_query.emplace_back("cursor", cursor);
    ApiReply reply = api.Get(path, page_query);
    for (auto& item : reply.json.at("data").as_array()) listing.data.push_back(std::move(item));
    listing.next_cursor = reply.json.at("next_cursor");
    const bool more = listing.next_cursor.is_string();
    const bool enough = !options.all && std::ssize(listing.data) >= options.limit;
    if (!more || enough) return listing;
    cursor = std::string(listing.next_cursor.get_string());
  }
}

void PrintListing(CommandContext& context, const Listing& listing, const std::string& table,
                  const std::string& items) {
  if (context.json) {
    context.out << JsonLine(
        boost::json::object{{"data", listing.data}, {"next_cursor", listing.next_cursor}});
    return;
  }
  if (listing.data.empty()) {
    context.err << "No " << items << ".\n";
  } else {
    context.out << table;
  }
  if (listing.next_cursor.is_string()) {
    // Streamed as a std::string: Boost.JSON would print its own strings quoted.
    const std::string cursor(listing.next_cursor.get_string());
    context.err << "More " << items << " follow: add --cursor " << cursor << " (or --all).\n";
  }
}

}  // namespace rehook::cli
