#include "models/net/route_table.hpp"

#include <stdexcept>

#include "models/net/linear_route_table.hpp"
#include "models/net/poptrie_route_table.hpp"

namespace cnisim::net {

namespace {
// Poptrie leaves keep id + 1 in 31 bits, and kNoRoute is reserved.
constexpr std::uint32_t kMaxRouteIds = 0x7FFFFFFEu;
}  // namespace

std::uint32_t RouteTable::insert(const Route& route) {
  if (slots_.size() >= kMaxRouteIds) {
    throw std::length_error("route table " + std::string(name()) + " is full: " + std::to_string(kMaxRouteIds) +
                            " route ids issued");
  }
  const auto id = static_cast<std::uint32_t>(slots_.size());
  slots_.push_back(Slot{route, true});
  by_prefix_[{route.prefix, route.source}].push_back(id);
  ++size_;
  on_insert(id);
  return id;
}

bool RouteTable::remove(const Cidr& prefix, RouteSource source) {
  const auto it = by_prefix_.find({prefix, source});
  if (it == by_prefix_.end()) return false;
  const std::vector<std::uint32_t> ids = std::move(it->second);
  by_prefix_.erase(it);
  for (std::uint32_t id : ids) {
    slots_[id].alive = false;
    --size_;
    on_remove(id);
  }
  return true;
}

const Route& RouteTable::route(std::uint32_t id) const {
  if (!alive(id)) {
    throw std::out_of_range("route id " + (id == kNoRoute ? std::string("kNoRoute") : std::to_string(id)) +
                            " is not in route table " + std::string(name()) +
                            (id < slots_.size() ? " (it was removed)" : " (never issued)"));
  }
  return slots_[id].route;
}

std::vector<std::uint32_t> RouteTable::ids() const {
  std::vector<std::uint32_t> out;
  out.reserve(size_);
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    if (slots_[id].alive) out.push_back(id);
  }
  return out;
}

std::string_view to_string(RouteTableKind kind) {
  switch (kind) {
    case RouteTableKind::Linear: return "linear";
    case RouteTableKind::Poptrie: return "poptrie";
  }
  return "?";
}

std::vector<RouteTableKind> all_route_table_kinds() { return {RouteTableKind::Linear, RouteTableKind::Poptrie}; }

RouteTableKind parse_route_table_kind(std::string_view name) {
  std::string valid;
  for (RouteTableKind k : all_route_table_kinds()) {
    if (to_string(k) == name) return k;
    valid += (valid.empty() ? "" : ", ") + std::string(to_string(k));
  }
  throw std::invalid_argument("unknown route table kind \"" + std::string(name) + "\": expected one of " + valid);
}

std::unique_ptr<RouteTable> make_route_table(RouteTableKind kind) {
  switch (kind) {
    case RouteTableKind::Linear: return std::make_unique<LinearRouteTable>();
    case RouteTableKind::Poptrie: return std::make_unique<PoptrieRouteTable>();
  }
  throw std::invalid_argument("unknown route table kind");
}

}  // namespace cnisim::net
