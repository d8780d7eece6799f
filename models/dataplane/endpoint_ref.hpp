#pragma once
// Naming a place in the cluster the way `cnisim trace` and the traffic section do: pod/NAME
// (or pod/NAMESPACE/NAME), svc/NAME (or svc/NAMESPACE/NAME), node/NAME, vm/NAME (an external
// endpoint: vm-in-vnet, internet-host) or a bare IP address.
#include <optional>
#include <string>
#include <string_view>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"

namespace cnisim::dataplane {

struct ResolvedEndpoint {
  std::optional<HostRef> host;  // absent for a Service or an address nobody owns
  net::Ipv4 ip;
  std::uint16_t port = 0;                        // a Service's first port; 0 otherwise
  net::Protocol protocol = net::Protocol::Icmp;  // TCP for a Service (its port), else ICMP echo
  std::string description;  // "pod default/nginx-0", "Service default/nginx 10.0.0.12:80"
};

// Throws std::invalid_argument saying what was wrong, what is accepted and a hint.
ResolvedEndpoint resolve_endpoint(const cluster::Cluster& cluster, std::string_view text);

}  // namespace cnisim::dataplane
