#pragma once
// What `cnisim` prints, answered from the Cluster model: kubectl-style `get` tables and JSON lists,
// the route tables, the address plan and the topology graph. Each returns the full text.
#include <optional>
#include <string>

#include "models/cluster/api_objects.hpp"
#include "models/cluster/cluster.hpp"
#include "models/cluster/plugin.hpp"

namespace cnisim::cluster {

enum class OutputFormat { Table, Wide, Json };

// AGE is not simulated: every object shows this fixed age.
inline constexpr std::string_view kSimulatedAge = "5m";

// kubectl get nodes [-o wide|json]: sorted by name.
std::string view_nodes(const Cluster& cluster, OutputFormat format);

// kubectl get pods [-A | -n NS] [-o wide|json]: sorted by namespace, then name.
struct NamespaceFilter {
  bool allNamespaces = false;
  std::string namespace_ = "default";
  bool matches(const std::string& ns) const { return allNamespaces || ns == namespace_; }
};
std::string view_pods(const Cluster& cluster, const NamespaceFilter& filter, OutputFormat format);
// kubectl get svc [-A | -n NS] [-o wide|json].
std::string view_services(const Cluster& cluster, const NamespaceFilter& filter, OutputFormat format);

// kubectl get TYPE[,TYPE...] [NAME...] [-A | -n NS] [-l SELECTOR] [--show-labels] [--sort-by JSONPATH]
// [-o wide|json|yaml|name|jsonpath=T|custom-columns=SPEC]. Throws std::invalid_argument (a bad
// selector, a name that is not there) and JsonPathError (a template that does not parse).
enum class GetFormat { Table, Wide, Json, Yaml, Name, JsonPath, CustomColumns };
struct GetRequest {
  std::vector<ApiKind> kinds;
  std::vector<std::string> names;
  NamespaceFilter filter;
  std::string selector;
  bool showLabels = false;
  std::string sortBy;
  GetFormat format = GetFormat::Table;
  std::string formatArg;  // the template of jsonpath= / custom-columns=
};
std::string view_get(const Cluster& cluster, const GetRequest& request);

// kubectl describe node|pod|svc NAME, in kubectl's layout. namespace_ is ignored for nodes. Throws
// std::invalid_argument when there is no such object or the kind cannot be described.
std::string view_describe(const Cluster& cluster, ApiKind kind, const std::string& namespace_, const std::string& name);

// The Azure route table (with its user-route count against the 400 limit), then each node's
// kernel table in `ip route` style and the table inside its pods, then the NAT points.
std::string view_routes(const Cluster& cluster);

// `cnisim plan`: for this cluster under every plugin, the node-subnet (VNet) addresses it consumes
// and the pod-CIDR ranges it takes, the limits that apply, and the largest cluster that fits the
// same subnet and pod CIDR. Works on the spec (each plugin re-resolves it with apply_plugin).
struct AddressPlan {
  PluginKind plugin = PluginKind::Kubenet;
  std::string unsupported;             // why the cluster cannot use this plugin; empty if it can
  std::uint32_t maxPodsPerNode = 0;    // of the first pool (the one the largest cluster is made of)
  std::uint64_t subnetAddressesUsed = 0;  // (nodes + surge) x addresses per node
  std::string formula;
  std::uint64_t podRangesUsed = 0;     // /24s of the pod CIDR, 0 when pods take VNet addresses
  std::uint64_t largestNodes = 0;      // the largest cluster of first-pool nodes that fits
  std::string limitedBy;
  std::vector<NodeLimit> limits;
};
std::vector<AddressPlan> plan_addresses(const ScenarioSpec& spec);
std::string view_plan(const ScenarioSpec& spec);

// Graphviz DOT of the topology. `path`: devices a packet crossed, in order; they and the links
// between consecutive ones are drawn in red, thicker (the report's typical cross-node packet).
std::string view_graph(const Cluster& cluster, const std::vector<DeviceId>& path = {});

// `ip route`-style line of a kernel route ("default via 10.224.0.1 dev eth0 metric 100").
std::string ip_route_line(const net::Route& route);

}  // namespace cnisim::cluster
