#include "cli/filter_option.h"

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

#include "cli/exit_codes.h"

namespace rehook::cli {

boost::json::value ReadFilterOption(const std::string& text) {
  std::string json = text;
  if (!text.empty() && text.front() == '@') {
    std::ifstream file(text.substr(1));
    if (!file) throw CliError(ExitCode::usage, "--filter: cannot read " + text.substr(1));
    std::stringstream content;
    content << file.rdbuf();
    json = content.str();
  }
  boost::json::error_code error;
  boost::json::value filter = boost::json::parse(json, error);
  if (error) throw CliError(ExitCode::usage, "--filter is not valid JSON: " + error.message());
  return filter;
}

}  // namespace rehook::cli
