#pragma once
// Builds SQL whose conditions depend on the query, numbering its placeholders in the order
// their values are bound: only the conditions in use go into the SQL, so the engine can pick the
// index that fits them.

#include <string>
#include <string_view>
#include <utility>

namespace rehook::sql {

class ConditionalSql {
 public:
  explicit ConditionalSql(std::string sql) : sql_(std::move(sql)) {}
  // Appends `text`, each '?' in it becoming the next placeholder.
  void Append(std::string_view text) {
    for (char c : text) {
      if (c == '?') {
        sql_ += "?" + std::to_string(++count_);
      } else {
        sql_ += c;
      }
    }
  }
  const std::string& sql() const { return sql_; }

 private:
  std::string sql_;
  int count_ = 0;
};

}  // namespace rehook::sql
