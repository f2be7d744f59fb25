#include "cli/output.h"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace rehook::cli {
namespace {

// Code points, counted by the bytes that start one (not continuation bytes 10xxxxxx).
std::size_t DisplayWidth(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void AppendPadded(std::string& out, const std::string& cell, std::size_t width) {
  out += cell;
  out.append(width - std::min(width, DisplayWidth(cell)), ' ');
}

void AppendRow(std::string& out, const TableRow& row, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) line += "  ";
    AppendPadded(line, row[i], widths[i]);
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out += line;
  out += '\n';
}

}  // namespace

std::string RenderTable(const TableRow& headers, const std::vector<TableRow>& rows) {
  std::vector<std::size_t> widths(headers.size(), 0);
  auto widen = [&](const TableRow& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  widen(headers);
  for (const TableRow& row : rows) widen(row);
  std::string out;
  AppendRow(out, headers, widths);
  for (const TableRow& row : rows) {
    TableRow cells = row;
    cells.resize(headers.size());
    AppendRow(out, cells, widths);
  }
  return out;
}

std::string RenderFields(const Fields& fields) {
  std::size_t width = 0;
  for (const auto& [name, value] : fields) width = std::max(width, DisplayWidth(name));
  std::string out;
  for (const auto& [name, value] : fields) {
    AppendPadded(out, name, width + 2);
    out += value;
    out += '\n';
  }
  return out;
}

std::string DisplayText(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return "-";
  return boost::json::serialize(value);
}

std::string FieldText(const boost::json::value& object, std::string_view key) {
  if (!object.is_object()) return "-";
  const auto* field = object.as_object().if_contains(key);
  return field ? DisplayText(*field) : "-";
}

std::string Shorten(std::string_view text, std::size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  const std::size_t keep = width > 3 ? width - 3 : 0;
  std::size_t points = 0;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && points++ == keep) break;
  }
  return std::string(text.substr(0, end)) + "...";
}

std::string JsonLine(const boost::json::value& value) {
  return boost::json::serialize(value) + "\n";
}

}  // namespace rehook::cli
