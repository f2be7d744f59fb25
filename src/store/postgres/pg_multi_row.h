#pragma once
// Many rows of one table in few statements: `INSERT ... VALUES (...), (...), ...` in chunks of
// a power of two rows (256, 128, ..., 1), so that a batch of n rows takes as many statements as
// n has binary digits, and a connection prepares at most nine shapes per table. PostgreSQL's
// cost per statement (bind, executor start and end, routing into the day's partition, opening
// its indexes) is then paid per chunk rather than per row: the bulk of a capture batch's
// statements are its events' and tasks' inserts.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"

namespace rehook::pg {

class MultiRowInsert {
 public:
  // `columns`: the table's columns each row gives, "a, b, c".
  MultiRowInsert(const std::string& table, const std::string& columns) {
    const std::ptrdiff_t count = std::count(columns.begin(), columns.end(), ',') + 1;
    for (std::size_t shape = 0; shape < sql_.size(); ++shape) {
      const std::size_t rows = std::size_t{1} << shape;
      std::string& sql = sql_[shape];
      sql = "INSERT INTO " + table + " (" + columns + ") VALUES ";
      int placeholder = 0;
      for (std::size_t row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (std::ptrdiff_t column = 0; column < count; ++column) {
          if (column > 0) sql += ", ";
          sql += "?" + std::to_string(++placeholder);
        }
        sql += ")";
      }
    }
  }

  // Appends to `statements` the inserts of `items`, each item's values added to its chunk's
  // parameters by `add_values(params, item)`.
  template <class Item, class AddValues>
  void Append(const std::vector<const Item*>& items, AddValues add_values,
              std::vector<Connection::Statement>& statements) const {
    for (std::size_t done = 0; done < items.size();) {
      std::size_t shape = 0;
      while (shape + 1 < sql_.size() && (std::size_t{2} << shape) <= items.size() - done) ++shape;
      const std::size_t rows = std::size_t{1} << shape;
      Params params;
      for (std::size_t row = 0; row < rows; ++row) add_values(params, *items[done + row]);
      statements.push_back({&sql_[shape], std::move(params)});
      done += rows;
    }
  }

 private:
  // sql_[k] inserts 2^k rows.
  std::array<std::string, 9> sql_;
};

}  // namespace rehook::pg
