#pragma once
// Builds a Cluster from a validated ScenarioSpec under the plugin the spec selects (spec.plugin()).
// Steps, in order: nodes from the pools, node addresses (plugin), scheduling, pod addresses (plugin),
// Service ClusterIPs and endpoints, devices and links, route tables (system + plugin), NAT points.
#include <functional>
#include <stdexcept>

#include "models/cluster/cluster.hpp"
#include "models/net/route_table.hpp"

namespace cnisim::cluster {

// The spec passed validation but cannot be built (a range ran out, replicas did not fit, ...).
class BuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BuildOptions {
  // Implementation behind every route table (the data path may want the fast one).
  net::RouteTableKind routeTableKind = net::RouteTableKind::Linear;
  // Run on the built state before it becomes the (immutable) Cluster: where a test breaks the model on
  // purpose, as a misconfiguration would (a route removed from a table). Empty in every real build.
  std::function<void(ClusterState&)> edit;
};

Cluster build_cluster(const ScenarioSpec& spec, const BuildOptions& options = {});

// Where the builder puts the external endpoints: a VM in a part of the VNet outside the cluster's
// ranges, and an internet host at a documentation address (RFC 5737 TEST-NET-3).
inline constexpr std::string_view kInternetHostIp = "203.0.113.10";

}  // namespace cnisim::cluster
