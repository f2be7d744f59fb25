#pragma once
// Connections handed to whichever store thread needs one. Each thread holds at most one at a
// time, so the pool never grows past the number of store threads; a connection that broke is
// dropped on release and a new one is opened on the next Acquire (so the store recovers from a
// database restart on its own).

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"

namespace rehook::pg {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::string url) : url_(std::move(url)) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.Release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> connection_;
  };
  Lease Acquire();

 private:
  void Release(std::unique_ptr<Connection> connection);

  std::string url_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace rehook::pg
