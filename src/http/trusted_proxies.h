#pragma once
// Who sent a request, when rehook sits behind a reverse proxy (--trusted-proxies). A proxy's
// connection comes from the proxy, so the client is only named by the forwarding headers the
// proxy adds, which anyone else could forge: they are believed only from a peer in the trusted
// networks, and only as far as the chain of trusted proxies goes (docs/OPERATIONS.md).

#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

#include "common/ip_network.h"
#include "domain/header_fields.h"

namespace rehook {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts no one: the client is the peer
  // Each entry a CIDR or an address ("10.0.0.0/8", "::1"). Throws std::invalid_argument naming
  // the entry that is not one.
  explicit TrustedProxies(const std::vector<std::string>& cidrs);

  bool empty() const { return networks_.empty(); }
  bool Trusts(const boost::asio::ip::address& address) const;

  // The client of a request that came from `peer` (an address as text) with `headers`. From an
  // untrusted peer: the peer. From a trusted one: walking X-Forwarded-For from its right end
  // (the hop the peer added) leftwards past trusted proxies, the first address that is not one;
  // the leftmost when all are. Forwarded's `for=` is read the same way, when there is no
  // X-Forwarded-For (a request with both uses X-Forwarded-For, which nginx and Caddy set). A
  // hop that is not an address (`unknown`, an obfuscated `_id`, garbage) ends the walk: the
  // last address before it is the client.
  std::string ClientOf(const std::string& peer, const std::vector<HeaderField>& headers) const;

 private:
  std::vector<IpNetwork> networks_;
};

}  // namespace rehook
