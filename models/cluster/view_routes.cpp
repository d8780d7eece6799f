// `cnisim routes`: the Azure route table as `az network route-table route list -o table` would list
// its user routes (plus the VNet's system routes, as effective routes show them), then every node's
// kernel table in `ip route` style, the table inside its pods, and the NAT points.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/cluster/plugin.hpp"
#include "models/cluster/table_writer.hpp"
#include "models/cluster/views.hpp"

namespace cnisim::cluster {
namespace {

// `ip route` lists by destination address; a prefix before the longer ones inside it.
std::vector<std::uint32_t> ip_route_order(const net::RouteTable& table) {
  auto ids = table.ids();
  std::stable_sort(ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) {
    return table.route(a).prefix < table.route(b).prefix;
  });
  return ids;
}

std::string kernel_table_text(const net::RouteTable& table) {
  std::string out;
  for (std::uint32_t id : ip_route_order(table)) out += "  " + ip_route_line(table.route(id)) + "\n";
  return out;
}

}  // namespace

std::string ip_route_line(const net::Route& r) {
  std::string line = r.prefix.length() == 0    ? std::string("default")
                     : r.prefix.length() == 32 ? r.prefix.network().to_string()
                                               : r.prefix.to_string();
  if (r.next_hop.ip.value != 0) line += " via " + r.next_hop.ip.to_string();
  if (!r.next_hop.device.empty()) line += " dev " + r.next_hop.device;
  if (r.metric != 0) line += " metric " + std::to_string(r.metric);
  return line;
}

std::string view_routes(const Cluster& c) {
  const auto& azure = c.azure_route_table();
  std::size_t user_routes = 0;
  for (std::uint32_t id : azure.ids()) user_routes += azure.route(id).source == net::RouteSource::User ? 1 : 0;
  std::string out = "Azure route table of cluster " + c.spec().cluster.name + " (VNet " + c.spec().cluster.vnet.name +
                    ", subnet " + c.spec().cluster.vnet.subnetName + "), plugin " +
                    c.plugin_label() + ":\n";
  out += "  " + std::to_string(user_routes) + " user-defined routes of " + std::to_string(aks::kMaxRoutesPerRouteTable) +
         " allowed per route table (Azure limit)\n";
  if (user_routes > 0) {
    out += "  associated with the node subnet only: traffic from the VNet's other subnets (vm-in-vnet) is routed "
           "without the user-defined routes\n";
  }
  out += "\n";
  TableWriter t;
  t.row({"NAME", "ADDRESS PREFIX", "NEXT HOP TYPE", "NEXT HOP IP", "SOURCE"});
  for (std::uint32_t id : azure.ids()) {
    const auto& r = azure.route(id);
    t.row({r.name, r.prefix.to_string(), std::string(net::to_string(r.next_hop.type)),
           r.next_hop.ip.value ? r.next_hop.ip.to_string() : "", std::string(net::to_string(r.source))});
  }
  out += t.str();
  out += "\nNode and pod routing tables, " + std::string(c.plugin().routes_basis()) + "\n";
  for (NodeIndex n = 0; n < c.nodes().size(); ++n) {
    const auto& node = c.nodes()[n];
    out += "\n" + node.name + " (" + node.ip.to_string() + "): ip route\n";
    out += kernel_table_text(c.node_route_table(n));
    const auto pods = c.pods_on(n);
    const auto in_pod = std::find_if(pods.begin(), pods.end(), [&](PodIndex p) { return !c.host_network(p); });
    if (in_pod != pods.end()) {
      out += "  inside each pod on this node: ip route\n";
      for (std::uint32_t id : ip_route_order(c.pod_route_table(*in_pod))) {
        out += "    " + ip_route_line(c.pod_route_table(*in_pod).route(id)) + "\n";
      }
    }
  }
  const auto& masq = c.masquerade();
  out += "\nMasquerade (SNAT) for traffic from pods, by " + masq.enforcedBy + "; " + masq.basis + ":\n";
  TableWriter m;
  m.row({"DESTINATION", "ACTION", "WHY"});
  for (const auto& rule : masq.rules) {
    m.row({rule.destination.to_string(), rule.action == SnatAction::KeepPodIp ? "keep pod IP" : "SNAT to node IP",
           rule.reason});
  }
  out += m.str();
  const auto& dnat = c.service_dnat();
  out += "\nService DNAT (" + dnat.implementedBy + "), " + std::to_string(dnat.rules.size()) + " service ports:\n";
  TableWriter d;
  d.row({"SERVICE", "CLUSTER-IP:PORT", "ENDPOINTS"});
  for (const auto& rule : dnat.rules) {
    const auto& svc = c.services()[rule.service];
    const auto& spec = c.service_spec(rule.service);
    std::string endpoints;
    for (PodIndex p : svc.endpoints) {
      if (!endpoints.empty()) endpoints += ',';
      endpoints += c.pods()[p].ip.to_string();
      endpoints += ':';
      endpoints += std::to_string(rule.targetPort);
    }
    d.row({spec.namespace_ + "/" + spec.name,
           rule.clusterIP.to_string() + ":" + std::to_string(rule.port) + "/" + std::string(to_string(rule.protocol)),
           endpoints.empty() ? "<none>" : endpoints});
  }
  out += d.str();
  return out;
}

}  // namespace cnisim::cluster
