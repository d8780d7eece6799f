#include "models/net/linear_route_table.hpp"

#include <algorithm>

namespace cnisim::net {

void LinearRouteTable::on_insert(std::uint32_t id) {
  const Cidr& p = route_unchecked(id).prefix;
  entries_.push_back(Entry{p.network().value, p.netmask().value, id});
}

void LinearRouteTable::on_remove(std::uint32_t id) {
  std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
}

}  // namespace cnisim::net
