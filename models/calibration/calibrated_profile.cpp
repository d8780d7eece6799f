#include "models/calibration/calibrated_profile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cnisim::calibration {
namespace {

// ns (or ps/B) to a profile time, rounded to whole ns (whole ps for per-byte costs); never below 0.
sim::Time to_time(double value, bool per_byte) {
  const double ps = per_byte ? value : value * 1000.0;
  if (!(ps > 0)) return sim::Time::zero();
  return per_byte ? sim::ps(static_cast<std::int64_t>(std::lround(ps)))
                  : sim::ps(1000 * static_cast<std::int64_t>(std::lround(ps / 1000.0)));
}

std::string number(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

CalibratedProfile calibrated_profile(const Calibration& c, const scenario::CostProfile& base,
                                     const std::string& base_name, bool stand_ins) {
  scenario::CostProfile p = base;
  p.name = stand_ins ? "calibrated-stand-ins" : "calibrated";
  p.measured.clear();
  std::map<std::string, std::string> comments;
  const std::string where = "on " + c.kernel + ", " + c.cpu + ", " + c.date;
  // Sets the leaves from one quantity (value x scale + offset ns), listing them as measured unless noisy.
  auto set = [&](const std::string& key, std::vector<sim::Time*> targets, std::vector<std::string> paths,
                 const std::string& group, double scale, double offset_ns, const std::string& how) {
    const Quantity* q = c.find(key);
    if (!q || !q->measurable) return false;
    const bool per_byte = q->unit == "ps/B";
    const double value = q->estimate.value * scale + offset_ns;
    for (auto* t : targets) *t = to_time(value, per_byte);
    if (!q->estimate.noisy) {
      for (auto& path : paths) p.measured.push_back(path);
    }
    std::string text = "measured by cnisim calibrate " + where + ": median of " + std::to_string(q->samples) +
                       " (" + std::to_string(q->estimate.rounds) + " rounds), spread " + number(q->estimate.spread) +
                       " " + q->unit + ", 95% +-" + number(q->estimate.ci95) + "; " + q->name + ": " + q->experiment + how +
                       (q->estimate.noisy ? "; NOISY (not listed under measured:)" : "") +
                       (value <= 0 ? "; at or below zero, written as 0" : "");
    auto& slot = comments[group];
    slot += (slot.empty() ? "" : " | ") + text;
    return true;
  };
  using scenario::DeviceKind;
  auto dev = [&](DeviceKind k) -> scenario::DeviceCost& { return p.devices[static_cast<std::size_t>(k)]; };
  const double node_lookup_ns = static_cast<double>(base.lookup_constant[static_cast<std::size_t>(scenario::TableKind::Node)].ps()) / 1000.0;
  const double azure_lookup_ns = static_cast<double>(base.lookup_constant[static_cast<std::size_t>(scenario::TableKind::Azure)].ps()) / 1000.0;

  set("socket", {&dev(DeviceKind::PodNamespace).fixed}, {"devices.podNamespace.fixed"}, "devices.podNamespace", 1, 0, "");
  set("perByte", {&dev(DeviceKind::PodNamespace).per_byte}, {"devices.podNamespace.perByte"}, "devices.podNamespace", 1, 0, "");
  for (auto [k, name] : {std::pair{DeviceKind::VethPodEnd, "vethPodEnd"}, std::pair{DeviceKind::VethHostEnd, "vethHostEnd"}}) {
    set("veth", {&dev(k).fixed}, {"devices." + std::string(name) + ".fixed"}, "devices." + std::string(name), 0.5, 0,
        "; half of a crossing for each end (one crossing = one veth_xmit + the peer's receive)");
  }
  set("bridge", {&dev(DeviceKind::Bridge).fixed}, {"devices.bridge.fixed"}, "devices.bridge", 1, 0,
      "; the crossing a kubenet pod's packets make to or from the node's stack (everything but a pod on the same "
      "bridge, whose port-to-port crossing is dearer: see the bridge port to port line of the table); conntrack "
      "is charged apart");
  {
    // br_netfilter's extra on a port-to-port crossing: what it costs beyond a crossing to the host
    // (bridge.fixed) and the conntrack lookup the model charges apart.
    const Quantity* to_host = c.find("bridge");
    const Quantity* lookup = c.find("conntrackLookup");
    if (to_host && to_host->measurable && lookup && lookup->measurable) {
      set("bridgePorts", {&p.bridge_hooks}, {"netfilter.bridgeHooks"}, "netfilter.bridgeHooks", 1,
          -(to_host->estimate.value + lookup->estimate.value),
          "; less the bridge-to-host crossing (devices.bridge.fixed) and the conntrack lookup, which the model "
          "charges on every bridged packet");
    }
  }
  set("nodeForward", {&dev(DeviceKind::NodeStack).fixed}, {"devices.nodeStack.fixed"}, "devices.nodeStack", 1,
      -node_lookup_ns, "; less routeLookup.constant.node, which the model charges on top");
  for (auto k : {DeviceKind::VxlanDevice, DeviceKind::IpipDevice}) {
    const std::string name(scenario::info(k).cost_key);
    set(name, {&dev(k).fixed}, {"devices." + name + ".fixed"}, "devices." + name, 1, 0,
        "; the outer packet's passes through the node stacks are charged as nodeStack, as measured");
  }
  set("connect", {&p.sockets.connect}, {"sockets.connect"}, "sockets.connect", 1, 0,
      "; charged to the client's stack as it sends a connection's first SYN");
  set("accept", {&p.sockets.accept}, {"sockets.accept"}, "sockets.accept", 1, 0,
      "; charged to the server's stack as a SYN reaches it");
  set("conntrackLookup", {&p.conntrack_lookup}, {"netfilter.conntrackLookup"}, "netfilter.conntrackLookup", 1, 0, "");
  set("conntrackCreate", {&p.conntrack_create}, {"netfilter.conntrackCreate"}, "netfilter.conntrackCreate", 1, 0, "");
  set("natRewrite", {&p.nat_rewrite}, {"netfilter.natRewrite"}, "netfilter.natRewrite", 1, 0, "");
  set("iptablesPerRule", {&p.iptables_per_rule}, {"netfilter.iptablesPerRule"}, "netfilter.iptablesPerRule", 1, 0,
      "; in a filter chain every packet walks (" + c.iptables + "); kube-proxy's nat rules are walked by a "
      "connection's first packet, which is where the model charges them");
  if (!set("serviceMapLookup", {&p.service_map_lookup}, {"netfilter.serviceMapLookup"}, "netfilter.serviceMapLookup", 1, 0,
           "; IPVS is not measurable on this kernel (no IP_VS)")) {
    comments["netfilter.serviceMapLookup"] = "kept from " + base_name + ": nft not available here, and no IP_VS";
  }
  if (const Quantity* r = c.find("routes"); r && r->measurable) {
    comments["routeLookup.constant"] = "kept from " + base_name + ": the forward measured for nodeStack contains a lookup; "
                                       "Linux's FIB with 5000 routes instead of 10 took " + number(r->estimate.value) +
                                       " ns more per lookup (spread " + number(r->estimate.spread) + ")";
  }

  if (stand_ins) {
    set("veth", {&dev(DeviceKind::Nic).fixed}, {"devices.nic.fixed"}, "devices.nic", 1, 0,
        "; STAND-IN: emulate's NIC is a veth pair crossing (node eth0 <-> vnet)");
    dev(DeviceKind::Nic).per_byte = sim::Time::zero();
    // The vnet namespace forwards with one mangle rule (TTL +1) and its route lookup.
    const Quantity* rule = c.find("iptablesPerRule");
    set("forward", {&dev(DeviceKind::VnetRouter).fixed}, {"devices.vnetRouter.fixed"}, "devices.vnetRouter", 1,
        (rule ? rule->estimate.value : 0) - azure_lookup_ns,
        "; STAND-IN: emulate's VNet router is an IP forward in the vnet namespace, plus its one mangle rule, less "
        "routeLookup.constant.azure");
    dev(DeviceKind::VnetRouter).per_byte = sim::Time::zero();
    for (auto k : {DeviceKind::ExternalVm, DeviceKind::InternetHost}) {
      const std::string_view name = scenario::info(k).cost_key;
      const Quantity* socket = c.find("socket");
      set("veth", {&dev(k).fixed}, {"devices." + std::string(name) + ".fixed"}, "devices." + std::string(name), 1,
          socket ? socket->estimate.value : 0, "; STAND-IN: a namespace's socket end (podNamespace.fixed) plus its veth");
      set("perByte", {&dev(k).per_byte}, {"devices." + std::string(name) + ".perByte"}, "devices." + std::string(name), 1, 0,
          "");
    }
    for (auto k : {scenario::LinkKind::NicToVnet, scenario::LinkKind::VnetExternal}) {
      p.links[static_cast<std::size_t>(k)].rate = sim::DataRate{};
      p.links[static_cast<std::size_t>(k)].delay = sim::Time::zero();
    }
    comments["links.nicToVnet"] = "STAND-IN: a veth pair, no wire: unlimited rate, no delay";
    comments["links.vnetExternal"] = "STAND-IN: a veth pair, no wire: unlimited rate, no delay";
  } else {
    comments["devices.nic"] = "kept from " + base_name + ": the SR-IOV NIC cannot be measured on a Linux host";
    comments["devices.vnetRouter"] = "kept from " + base_name + ": Azure's SDN (VFP) cannot be measured on a Linux host";
    comments["devices.externalVm"] = "kept from " + base_name + ": another VM's stack";
    comments["devices.internetHost"] = "kept from " + base_name + ": the internet";
    comments["links.nicToVnet"] = "kept from " + base_name + ": the wire";
    comments["links.vnetExternal"] = "kept from " + base_name + ": the wire";
  }
  std::sort(p.measured.begin(), p.measured.end());
  p.measured.erase(std::unique(p.measured.begin(), p.measured.end()), p.measured.end());

  std::string header = "Cost profile written by `cnisim calibrate" + std::string(stand_ins ? " --stand-ins" : "") +
                       "` " + where + " (" + c.iptables + ").\n";
  header += "Base: " + base_name + "; every number not listed under measured: is the base profile's, whose file names its\n"
            "source (published or assumed). Each measured number's comment gives its median, spread and experiment\n"
            "(docs/calibrate.md).\n";
  if (stand_ins) {
    header += "STAND-INS: for checking the model against `cnisim emulate` on this machine, not for Azure: the NIC is\n"
              "charged a veth pair crossing and the VNet router an IP forward (what emulate uses in their place),\n"
              "external hosts a namespace's socket end, and the links out of a node have no delay and no rate limit.\n";
  }
  for (const auto& q : c.quantities) {
    if (!q.measurable) header += "Not measured: " + q.name + ": " + q.note + ".\n";
    else if (q.estimate.noisy) header += "Noisy: " + q.name + " (written, but not listed under measured:).\n";
  }
  for (const auto& n : c.notes) header += "Note: " + n + ".\n";
  CalibratedProfile out;
  out.yaml = scenario::format_profile(p, header, comments);
  out.profile = std::move(p);
  return out;
}

}  // namespace cnisim::calibration
