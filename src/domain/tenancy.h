#pragma once
// Who owns what and who is calling: organizations, their API keys, dashboard sessions and the
// principal a request acts as.

#include <string>

#include "common/clock.h"
#include "domain/role.h"

namespace rehook {

struct Organization {
  std::string id;
  std::string name;
  int retention_days = 30;
  TimeMs created_at = 0;
};

struct ApiKey {
  std::string id;
  std::string org_id;
  std::string name;
  Role role = Role::viewer;
  std::string key_hash;    // SHA-256 of the secret; the secret itself is never stored
  std::string key_prefix;  // first characters of the secret, to recognise a key in lists
  TimeMs created_at = 0;
};

// A dashboard session created by signing in with an API key; it acts with that key's rights and
// ends when the key is deleted or the session expires.
struct Session {
  std::string token_hash;
  std::string key_id;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

// Who is calling: the result of authenticating a key or a session.
struct Principal {
  std::string key_id;
  std::string org_id;
  Role role = Role::viewer;
};

}  // namespace rehook
