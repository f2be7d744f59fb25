#pragma once
// The one exception the store throws: the database itself failed (not "not found", which is an
// empty optional or false).

#include <stdexcept>
#include <system_error>

#include "common/ids.h"
#include "domain/event.h"

namespace rehook {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `io` (file work such as common/file_sync's), reporting a failed system call as the
// StoreError that the store's callers handle.
template <class F>
void AsStoreError(F&& io) {
  try {
    io();
  } catch (const std::system_error& e) {
    throw StoreError(e.what());
  }
}

// Throws StoreError unless the event's id carries its received_at (NewId("evt", received_at)).
inline void RequireIdCarriesTime(const Event& event) {
  if (IdTime(event.id, "evt") != event.received_at) {
    throw StoreError("event id " + event.id + " does not carry its received_at");
  }
}

}  // namespace rehook
