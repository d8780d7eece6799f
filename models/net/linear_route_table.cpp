#include "models/net/linear_route_table.hpp"

#include <algorithm>

namespace cnisim::net {

void LinearRouteTable::on_insert(std::uint32_t id) {
  const Cidr& p = route_unchecked(id).prefix;
  entries_.push_back(Entry{p.network().value, p.netmask().value, id});
}

void LinearRouteTable::on_remove(std::uint32_t id) {
  // entries_ is in id order (ids grow with each insert), so the entry is found by bisection.
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), id, [](const Entry& e, std::uint32_t v) { return e.id < v; });
  if (it != entries_.end() && it->id == id) entries_.erase(it);
}

}  // namespace cnisim::net
