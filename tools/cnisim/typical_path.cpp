#include "tools/cnisim/typical_path.hpp"

#include <cstdio>
#include <optional>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "models/dataplane/trace.hpp"
#include "tools/cnisim/graphviz.hpp"
#include "models/scenario/labels.hpp"
#include "models/scenario/traffic_spec.hpp"

namespace cnisim::cli {

namespace {

// Graphviz on a few hundred devices takes well under a second; a run past this is stopped.
constexpr int kDotTimeoutMs = 60000;

// The first user pod (not hostNetwork, not a system workload) matching selector, optionally on a
// node other than `not_on`.
std::optional<cluster::PodIndex> pick_pod(const cluster::Cluster& c, const std::map<std::string, std::string>& selector,
                                          std::optional<cluster::NodeIndex> not_on) {
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    const auto& w = c.workload(p);
    if (w.system || w.hostNetwork || !scenario::selects(selector, w.labels)) continue;
    if (not_on && c.pods()[p].node == *not_on) continue;
    return p;
  }
  return std::nullopt;
}

std::string us(std::int64_t ps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ps) / 1e6);
  return buf;
}

// The topology with the request's devices in red, drawn by dot as SVG for inlining in HTML.
void draw_path(const cluster::Cluster& c, const std::vector<dataplane::TraceHop>& hops, TypicalPath& out) {
  if (c.devices().size() > kMaxDrawnDevices) {
    out.not_drawn = std::to_string(c.devices().size()) + " devices, more than the " + std::to_string(kMaxDrawnDevices) +
                    " drawn legibly (cnisim graph --format svg draws it anyway)";
    return;
  }
  std::vector<cluster::DeviceId> path;
  for (const auto& hop : hops) path.push_back(hop.device);
  const Drawing d = run_dot(cluster::view_graph(c, path), "svg", kDotTimeoutMs);
  if (d.missing) {
    out.not_drawn = "Graphviz's dot is not installed (apt-get install graphviz)";
    return;
  }
  if (!d.ok()) {
    out.not_drawn = "dot -Tsvg failed (exit " + std::to_string(d.exit_code) + ")";
    return;
  }
  const auto start = d.out.find("<svg");
  if (start == std::string::npos) {
    out.not_drawn = "dot -Tsvg wrote no SVG";
    return;
  }
  out.svg = d.out.substr(start);
  // The HTML parser knows the xlink: prefix in inline SVG; the declaration would be the page's only URL.
  const std::string xlink = " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
  if (const auto at = out.svg.find(xlink); at != std::string::npos) out.svg.erase(at, xlink.size());
}

}  // namespace

TypicalPath typical_cross_node_path(const scenario::ScenarioSpec& spec, const workload::RunOptions& options, bool draw) {
  const scenario::TrafficSpec& traffic = spec.traffic;
  const cluster::Cluster c = cluster::build_cluster(spec, cluster::BuildOptions{spec.run.route_table, {}});

  std::map<std::string, std::string> clients, servers;
  std::uint16_t port = 80;
  if (!traffic.chatty.empty()) {
    clients = traffic.chatty.front().clients;
    servers = traffic.chatty.front().servers;
    port = traffic.chatty.front().port;
  }
  auto client = pick_pod(c, clients, std::nullopt);
  std::optional<cluster::PodIndex> server = client ? pick_pod(c, servers, c.pods()[*client].node) : std::nullopt;
  if (!server) {  // the traffic's pods share a node: any two user pods on different nodes
    client = pick_pod(c, {}, std::nullopt);
    server = client ? pick_pod(c, {}, c.pods()[*client].node) : std::nullopt;
  }
  if (!client || !server) return {{}, {}, draw ? "no two pods on different nodes" : ""};

  const dataplane::CostProfile profile = workload::effective_profile(spec, options);
  const dataplane::HostRef from{dataplane::HostRef::Kind::Pod, *client};
  const net::FiveTuple tuple{net::Protocol::Tcp, c.pods()[*client].ip, 40000, c.pods()[*server].ip, port};
  const dataplane::Exchange x = dataplane::exchange(c, profile, from, tuple, 200, false, options.seed.value_or(spec.run.seed));

  TypicalPath out;
  std::vector<std::string>& lines = out.lines;
  lines.push_back("request " + tuple.to_string() + " from pod " + c.pod_namespace(*client) + "/" + c.pod_name(*client) +
                  " on " + c.nodes()[c.pods()[*client].node].name + " to pod " + c.pod_namespace(*server) + "/" +
                  c.pod_name(*server) + " on " + c.nodes()[c.pods()[*server].node].name);
  for (const auto& hop : x.request_hops) {
    const auto& d = c.devices()[hop.device];
    std::string line = c.device_name(hop.device) + " (" + std::string(cluster::to_string(d.kind)) + ") " +
                       us(hop.arrive_ps) + ".." + us(hop.end_ps) + " us";
    if (hop.ttl_in != hop.ttl_out) line += ", TTL " + std::to_string(hop.ttl_in) + "->" + std::to_string(hop.ttl_out);
    if (!(hop.before == hop.after)) line += ", NAT " + hop.before.to_string() + " => " + hop.after.to_string();
    for (std::size_t i = 0; i < hop.facts.size(); ++i) line += (i == 0 ? ": " : "; ") + dataplane::describe(c, hop.facts[i]);
    if (hop.verdict == dataplane::Verdict::Deliver) line += " [delivered]";
    if (hop.verdict == dataplane::Verdict::Drop) line += " [dropped: " + std::string(dataplane::to_string(hop.reason)) + "]";
    lines.push_back(std::move(line));
  }
  if (draw) draw_path(c, x.request_hops, out);
  return out;
}

}  // namespace cnisim::cli
