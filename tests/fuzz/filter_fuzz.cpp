// Fuzzes the filter language (filter/filter.h): Filter::Parse validates filters sent to the API,
// Matches runs them on every captured event, FilterInput turns a captured request into what they
// match against.
//
// Input: the filter JSON on the first line, then an event written like an HTTP request without
// the version: "METHOD /path?query", header lines "Name: value", an empty line, the body.
//
// Properties:
// - Parse throws nothing but FilterError; a filter it accepts echoes its spec unchanged.
// - Matching is a function of filter and input (no exception, same answer on a copy), on the
//   event's match input and, when the body is JSON, on that JSON value itself (any shape).
// - The logical operators agree with the plain filter: {"$not": F} matches exactly when F does
//   not, {"$and": [F, F]} and {"$or": [F, F]} exactly when F does (each checked when the
//   wrapped filter is within the size and depth limits).
// - The form the API stores (the serialized spec, parsed again) is valid JSON, is accepted, and
//   matches the same (unless Boost.JSON reads a number in it back differently, see Run).
// - FilterInput gives an object with exactly the five documented fields, lower-case header
//   names, and only valid UTF-8 text, so it always serializes.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "filter/filter.h"
#include "fuzz_check.h"

namespace rehook {
namespace {

namespace json = boost::json;

// As the API parses request bodies (request_parsing.cpp).
std::optional<json::value> ParseJson(std::string_view text) {
  json::parse_options options;
  options.max_depth = 64;
  json::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return value;
}

// Splits off the text up to the next '\n' (all of it when there is none).
std::string_view NextLine(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

Event ReadEvent(std::string_view text) {
  Event event;
  std::string_view request_line = NextLine(text);
  const std::size_t space = request_line.find(' ');
  event.method = std::string(request_line.substr(0, space));
  if (space != std::string_view::npos) {
    std::string_view target = request_line.substr(space + 1);
    const std::size_t question = target.find('?');
    event.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) event.query = std::string(target.substr(question + 1));
  }
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    event.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  event.body = std::string(text);
  event.size = static_cast<std::int64_t>(event.body.size());
  return event;
}

// Parses `spec`; nullopt when it is refused, which must be by FilterError.
std::optional<Filter> TryParse(const json::value& spec) {
  try {
    return Filter::Parse(spec);
  } catch (const FilterError& error) {
    FUZZ_CHECK(*error.what() != '\0', "FilterError without a message");
    return std::nullopt;
  }
}

void CheckLogic(const json::value& spec, const json::value& input, bool matches) {
  const std::string text = json::serialize(input);
  if (auto negated = TryParse(json::object{{"$not", spec}})) {
    FUZZ_CHECK(negated->Matches(input) == !matches, "$not disagrees on " + text);
  }
  for (std::string_view op : {"$and", "$or"}) {
    if (auto both = TryParse(json::object{{op, json::array{spec, spec}}})) {
      FUZZ_CHECK(both->Matches(input) == matches, std::string(op) + " [F, F] disagrees on " + text);
    }
  }
}

// `stored` is the filter read back from its stored text; nullptr when that text reads back as a
// different spec (see Run).
void CheckMatch(const Filter& filter, const Filter* stored, const json::value& input) {
  const bool matches = filter.Matches(input);
  const Filter copy = filter;
  FUZZ_CHECK(copy.Matches(input) == matches, "a copy of the filter answers differently");
  FUZZ_CHECK(!stored || stored->Matches(input) == matches,
             "the stored form of the filter answers differently on " + json::serialize(input));
  CheckLogic(filter.spec(), input, matches);
}

void CheckFilterInput(const json::object& input) {
  FUZZ_CHECK(input.size() == 5 && input.contains("method") && input.contains("path") &&
                 input.contains("query") && input.contains("headers") && input.contains("body"),
             "FilterInput has other fields: " + json::serialize(input));
  for (const auto& header : input.at("headers").as_object()) {
    for (char c : header.key()) {
      FUZZ_CHECK(!(c >= 'A' && c <= 'Z'),
                 "header name not lower-cased: " + std::string(header.key()));
    }
  }
  const std::string text = json::serialize(input);
  FUZZ_CHECK(IsValidUtf8(text), "FilterInput holds invalid UTF-8: " + text);
}

void Run(std::string_view data) {
  std::string_view rest = data;
  std::optional<json::value> spec = ParseJson(NextLine(rest));
  if (!spec) return;
  std::optional<Filter> filter = TryParse(*spec);
  if (!filter) return;
  FUZZ_CHECK(filter->spec() == *spec, "spec() differs from what was parsed");
  const std::string stored_text = json::serialize(*spec);
  std::optional<json::value> stored_spec = ParseJson(stored_text);
  FUZZ_CHECK(stored_spec.has_value(), "the serialized filter is not valid JSON: " + stored_text);
  std::optional<Filter> stored = TryParse(*stored_spec);
  FUZZ_CHECK(stored.has_value(), "the serialized filter is refused: " + stored_text);
  // Boost.JSON 1.81 does not read every long number to the nearest double, so a number in the
  // stored text may read back one unit in the last place off; such specs are not compared.
  const Filter* same_stored = json::serialize(*stored_spec) == stored_text ? &*stored : nullptr;

  const Event event = ReadEvent(rest);
  json::object input = FilterInput(event);
  CheckFilterInput(input);
  CheckMatch(*filter, same_stored, input);
  if (std::optional<json::value> body = ParseJson(event.body)) {
    CheckMatch(*filter, same_stored, *body);
  }
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    rehook::Run(rehook::fuzz::AsText(data, size));
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
