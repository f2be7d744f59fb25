#include "app/node_identity.h"

#include <fstream>
#include <stdexcept>

#include "common/random.h"

namespace rehook {

std::string ResolveNodeId(const std::string& configured, bool shared_store,
                          const std::string& data_dir) {
  if (!configured.empty()) return configured;
  if (!shared_store) return "local";

  const std::string path = data_dir + "/node.id";
  std::string id;
  if (std::ifstream in(path); in && std::getline(in, id) && !id.empty()) return id;

  // Losing this file only costs a restarted node the wait for its old leases to lapse.
  id = "node_" + RandomHex(8);
  std::ofstream out(path, std::ios::trunc);
  out << id << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
  return id;
}

}  // namespace rehook
