#pragma once
// How the client commands print: aligned tables and field blocks for people, one JSON document
// per command for scripts (--json). Rendering is pure (strings in, string out) so it is tested
// without a terminal.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rehook::cli {

using TableRow = std::vector<std::string>;
using Fields = std::vector<std::pair<std::string, std::string>>;

// Columns padded to their widest cell, separated by two spaces, headers first; no trailing
// spaces. Widths count UTF-8 code points, so non-ASCII names stay aligned.
std::string RenderTable(const TableRow& headers, const std::vector<TableRow>& rows);

// "name  value" lines with the values aligned.
std::string RenderFields(const Fields& fields);

// A JSON value as a person reads it in a table: strings bare, null as "-", numbers and booleans
// as JSON writes them, anything else as compact JSON.
std::string DisplayText(const boost::json::value& value);

// The field `key` of `object` through DisplayText; "-" when absent or not an object.
std::string FieldText(const boost::json::value& object, std::string_view key);

// `text` cut to `width` code points, ending in "..." when it was longer.
std::string Shorten(std::string_view text, std::size_t width);

// Compact JSON and a newline: what --json prints.
std::string JsonLine(const boost::json::value& value);

}  // namespace rehook::cli
