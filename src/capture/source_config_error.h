#pragma once
// An invalid source option (verification, dedup): the message is a sentence naming the offending
// field, e.g. "'verification.secret' is required for stripe"; field() is that field's path.

#include <stdexcept>
#include <string>
#include <utility>

namespace rehook {

class SourceConfigError : public std::invalid_argument {
 public:
  SourceConfigError(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

}  // namespace rehook
