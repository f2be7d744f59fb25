#pragma once
// The list commands' paging: the API returns at most 250 items per page with a cursor to the
// next; the CLI follows cursors until it has what was asked for.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>

#include "cli/api_client.h"
#include "cli/command_context.h"

namespace rehook::cli {

struct PageOptions {
  int limit = 50;      // items at most, over as many pages as that takes
  bool all = false;    // every item to the end, whatever the limit
  std::string cursor;  // continue a previous listing
};

struct Listing {
  boost::json::array data;
  boost::json::value next_cursor;  // where the listing stopped; null when nothing is left
};

// --limit, --all and --cursor on `command`.
void AddPageOptions(CLI::App& command, PageOptions& options, const std::string& items);

Listing FetchList(ApiClient& api, const std::string& path, QueryParams query,
                  const PageOptions& options);

// What a list command prints: the API's shape ({"data","next_cursor"}) with --json, else `table`
// on stdout and, when more remain, how to continue on stderr.
void PrintListing(CommandContext& context, const Listing& listing, const std::string& table,
                  const std::string& items);

}  // namespace rehook::cli
