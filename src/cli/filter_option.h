#pragma once
// The --filter option of the client commands: a filter as JSON text, or @FILE holding it.

#include <boost/json/value.hpp>

#include <string>

namespace rehook::cli {

// The filter `text` names, parsed; a CliError (usage) when the file cannot be read or the text
// is not JSON. Whether it is a valid filter is the server's to say.
boost::json::value ReadFilterOption(const std::string& text);

}  // namespace rehook::cli
