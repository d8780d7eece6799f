#pragma once
// The cluster's topology as a Boost.Graph: one vertex per Device (vertex index == DeviceId) and one
// edge per link. Undirected because every link here carries packets both ways.
#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "models/cluster/device.hpp"

namespace cnisim::cluster {

std::string_view to_string(LinkKind kind);

struct Link {
  LinkKind kind = LinkKind::NodeNic;
};

// vecS for both vertex and edge storage: no per-edge list node, which keeps millions of links compact.
using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, Link,
                                            boost::no_property, boost::vecS>;

}  // namespace cnisim::cluster
