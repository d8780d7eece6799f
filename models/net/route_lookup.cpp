#include "models/net/route_lookup.hpp"

#include "models/net/linear_route_table.hpp"
#include "models/net/poptrie_route_table.hpp"

namespace cnisim::net {

LookupResult find_route(const RouteTable& table, Ipv4 address) {
  switch (table.kind()) {
    case RouteTableKind::Poptrie:
      return static_cast<const PoptrieRouteTable&>(table).find(address);
    case RouteTableKind::Linear:
      break;
  }
  return static_cast<const LinearRouteTable&>(table).find(address);
}

}  // namespace cnisim::net
