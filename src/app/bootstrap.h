#pragma once
// First start on an empty store: create the "default" organization and its super_admin key.

#include <optional>
#include <string>

#include "common/clock.h"
#include "store/roles/tenancy_store.h"

namespace rehook {

// Returns the new key's secret when this call created the organization, nullopt when the store
// already had one (also when another node got there first).
std::optional<std::string> BootstrapFirstOrganization(TenancyStore& tenancy, const Clock& clock);

// Writes the key to `path` with mode 0600 (replacing any old file) and fsyncs it.
void WriteAdminKeyFile(const std::string& path, const std::string& secret);

}  // namespace rehook
