#pragma once
// The one exception the store throws: the database itself failed (not "not found", which is an
// empty optional or false).

#include <stdexcept>

#include "common/ids.h"
#include "domain/event.h"

namespace rehook {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws StoreError unless the event's id carries its received_at (NewId("evt", received_at)).
inline void RequireIdCarriesTime(const Event& event) {
  if (IdTime(event.id, "evt") != event.received_at) {
    throw StoreError("event id " + event.id + " does not carry its received_at");
  }
}

}  // namespace rehook
