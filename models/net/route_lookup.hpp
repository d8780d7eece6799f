#pragma once
// The per-packet route lookup: the table's own find() (inlined in route_lookup.cpp), chosen by a switch
// on its kind, without the virtual call and the counters of RouteTable::lookup(). The data path and the
// "measured" lookup-cost model's timing both call this.
#include "models/net/route_table.hpp"

namespace cnisim::net {

LookupResult find_route(const RouteTable& table, Ipv4 address);

}  // namespace cnisim::net
