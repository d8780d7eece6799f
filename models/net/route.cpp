#include "models/net/route.hpp"

namespace cnisim::net {

std::string_view to_string(NextHopType type) {
  switch (type) {
    case NextHopType::VnetLocal: return "VnetLocal";
    case NextHopType::VirtualAppliance: return "VirtualAppliance";
    case NextHopType::Internet: return "Internet";
    case NextHopType::None: return "None";
    case NextHopType::Device: return "Device";
  }
  return "?";
}

std::string_view to_string(RouteSource source) {
  switch (source) {
    case RouteSource::User: return "User";
    case RouteSource::Bgp: return "VirtualNetworkGateway";
    case RouteSource::System: return "Default";
  }
  return "?";
}

std::string Route::to_string() const {
  // Built by append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string temporaries.
  std::string out = prefix.to_string();
  if (next_hop.type == NextHopType::Device) {
    if (next_hop.ip != Ipv4{}) out.append(" via ").append(next_hop.ip.to_string());
    out.append(" dev ").append(next_hop.device).append(" metric ").append(std::to_string(metric));
  } else {
    out.append(" via ").append(net::to_string(next_hop.type));
    if (next_hop.type == NextHopType::VirtualAppliance) out.append(" ").append(next_hop.ip.to_string());
  }
  out.append(" (").append(net::to_string(source)).append(")");
  return out;
}

bool preferred_over(const Route& a, std::uint32_t id_a, const Route& b, std::uint32_t id_b) {
  if (a.prefix.length() != b.prefix.length()) return a.prefix.length() > b.prefix.length();
  // RouteSource's enumerators are declared in preference order, so a smaller value wins.
  if (a.source != b.source) return a.source < b.source;
  if (a.metric != b.metric) return a.metric < b.metric;
  return id_a < id_b;
}

}  // namespace cnisim::net
