#include "store/postgres/pg_pool.h"

namespace rehook::pg {

ConnectionPool::Lease ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  return Lease(*this, std::make_unique<Connection>(url_));
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  if (!connection || !connection->healthy()) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace rehook::pg
