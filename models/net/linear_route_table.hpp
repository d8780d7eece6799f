#pragma once
// The reference: examines every route on every lookup and keeps the preferred match. Obviously
// correct, and also how a small Azure route table is specified; work = entries examined.
#include <vector>

#include "models/net/route_table.hpp"

namespace cnisim::net {

class LinearRouteTable final : public RouteTable {
 public:
  LinearRouteTable() : RouteTable(RouteTableKind::Linear) {}
  std::string_view name() const override { return "linear"; }

  // Non-virtual, no counters: what lookup() does.
  LookupResult find(Ipv4 address) const {
    std::uint32_t best = kNoRoute;
    // A plain pointer walk: also cheap in unoptimized (sanitizer) builds, where tests lean on it.
    const Entry* const end = entries_.data() + entries_.size();
    for (const Entry* e = entries_.data(); e != end; ++e) {
      if ((address.value & e->mask) == e->network &&
          (best == kNoRoute || preferred_over(route_unchecked(e->id), e->id, route_unchecked(best), best))) {
        best = e->id;
      }
    }
    return {best, static_cast<std::uint32_t>(entries_.size())};
  }

 private:
  struct Entry {
    std::uint32_t network;
    std::uint32_t mask;
    std::uint32_t id;
  };

  LookupResult do_lookup(Ipv4 address) const override { return find(address); }
  void on_insert(std::uint32_t id) override;
  void on_remove(std::uint32_t id) override;

  std::vector<Entry> entries_;  // in id (insertion) order
};

}  // namespace cnisim::net
