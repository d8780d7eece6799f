// The cluster section: name, version, networkProfile (ARM names), vnet.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/byo_cni_facts.hpp"
#include "models/scenario/k8s_names.hpp"
#include "models/scenario/scenario_parser.hpp"
#include "models/scenario/section_parsers.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kClusterKeys[] = {"name", "kubernetesVersion", "networkProfile", "vnet", "nodeLocalDNSCache",
                                             "byoCni"};
constexpr std::string_view kByoCniKeys[] = {"name", "encapsulation", "mtu"};
constexpr std::string_view kNetworkProfileKeys[] = {"networkPlugin", "networkPluginMode", "networkDataplane",
                                                    "networkPolicy", "podCidr",           "serviceCidr",
                                                    "dnsServiceIP",  "outboundType",      "kubeProxyConfig",
                                                    "loadBalancerProfile", "natGatewayProfile"};
constexpr std::string_view kLoadBalancerProfileKeys[] = {"managedOutboundIPs", "allocatedOutboundPorts",
                                                         "idleTimeoutInMinutes"};
constexpr std::string_view kNatGatewayProfileKeys[] = {"managedOutboundIPProfile", "idleTimeoutInMinutes"};
constexpr std::string_view kCountKeys[] = {"count"};
constexpr std::string_view kKubeProxyKeys[] = {"mode"};
constexpr std::string_view kVnetKeys[] = {"name", "addressSpace", "subnetName", "nodeSubnet", "podSubnet", "routes"};
constexpr std::string_view kRouteKeys[] = {"name", "addressPrefix", "nextHopType", "nextHopIpAddress"};

// vnet.routes: the node subnet's route table, ARM's route fields.
void parse_routes(FieldReader& r, const Field& f, std::vector<UserRoute>& out) {
  auto items = r.list(f, "routes (a list of {name, addressPrefix, nextHopType, nextHopIpAddress})");
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = item_path(f.path, i);
    auto fields = r.mapping((*items)[i], path, r.mark_of((*items)[i]), kRouteKeys, "a route (a mapping)");
    if (!fields) continue;
    UserRoute route;
    route.name = "route-" + std::to_string(i);
    bool type_read = false;
    for (const Field& k : fields->entries) {
      const std::string& key = k.key.Scalar();
      if (key == "name") {
        if (auto v = r.text(k, "the route's name")) route.name = *v;
      } else if (key == "addressPrefix") {
        if (auto v = r.cidr(k)) route.addressPrefix = *v;
      } else if (key == "nextHopType") {
        if (auto v = r.choice<net::NextHopType>(k, kUserRouteNextHopNames)) route.nextHopType = *v, type_read = true;
      } else if (key == "nextHopIpAddress") {
        if (auto v = r.address(k)) route.nextHopIpAddress = *v;
      }
    }
    for (std::string_view required : {"addressPrefix", "nextHopType"}) {
      if (fields->find(required) == nullptr) {
        r.error(path + "." + std::string(required), r.mark_of((*items)[i]), "a route needs " + std::string(required),
                required == "addressPrefix" ? "addressPrefix: a CIDR such as 0.0.0.0/0"
                                            : "nextHopType: VirtualAppliance, VnetLocal, Internet or None",
                "e.g. {name: to-firewall, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}");
      }
    }
    const bool appliance = route.nextHopType == net::NextHopType::VirtualAppliance;
    if (appliance != (fields->find("nextHopIpAddress") != nullptr) && type_read) {
      r.error(path + ".nextHopIpAddress", r.mark_of((*items)[i]),
              appliance ? "a VirtualAppliance route needs nextHopIpAddress"
                        : "nextHopIpAddress is only for nextHopType VirtualAppliance",
              appliance ? "nextHopIpAddress: the appliance's address in the VNet" : "no nextHopIpAddress",
              appliance ? "the address of your firewall or network virtual appliance, e.g. 10.0.1.4" : "remove it");
    }
    out.push_back(route);
  }
}

// managedOutboundIPs: {count: N} (ARM's shape), N from 1 to max.
void parse_ip_count(FieldReader& r, const Field& f, std::uint32_t max, std::uint32_t& out) {
  auto count = r.mapping(f, kCountKeys, "the managed outbound public IPs (a mapping with count)");
  if (!count) return;
  if (const Field* c = count->find("count")) {
    if (auto v = r.whole_number(*c, 1, max, "Azure's limit for this profile")) out = static_cast<std::uint32_t>(*v);
  }
}

void parse_idle_timeout(FieldReader& r, const Field& f, std::uint32_t& out) {
  if (auto v = r.whole_number(f, aks::kMinIdleTimeoutMinutes, aks::kMaxIdleTimeoutMinutes, "ARM allows 4 to 120 minutes"))
    out = static_cast<std::uint32_t>(*v);
}

void parse_load_balancer_profile(FieldReader& r, const Field& field, LoadBalancerProfile& lb) {
  auto fields = r.mapping(field, kLoadBalancerProfileKeys, "the load balancer profile (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "managedOutboundIPs") {
      parse_ip_count(r, f, aks::kMaxLbManagedOutboundIps, lb.managedOutboundIPs);
    } else if (key == "allocatedOutboundPorts") {
      auto v = r.whole_number(f, 0, aks::kMaxAllocatedOutboundPorts, "ARM allows 0 to 64000");
      if (!v) continue;
      if (*v % aks::kSnatPortAllocationStep != 0) {
        r.error(f.path, r.mark_of(f), "allocatedOutboundPorts " + std::to_string(*v) + " is not a multiple of 8",
                "a multiple of 8 from 0 to 64000 (0: Azure's default allocation by backend pool size)",
                "Azure's outbound rules hand out SNAT ports in multiples of 8; try " +
                    std::to_string(*v / aks::kSnatPortAllocationStep * aks::kSnatPortAllocationStep +
                                   aks::kSnatPortAllocationStep));
        continue;
      }
      lb.allocatedOutboundPorts = static_cast<std::uint32_t>(*v);
    } else if (key == "idleTimeoutInMinutes") {
      parse_idle_timeout(r, f, lb.idleTimeoutInMinutes);
    }
  }
}

void parse_nat_gateway_profile(FieldReader& r, const Field& field, NatGatewayProfile& nat) {
  auto fields = r.mapping(field, kNatGatewayProfileKeys, "the NAT gateway profile (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "managedOutboundIPProfile") {
      parse_ip_count(r, f, aks::kMaxNatGatewayManagedIps, nat.managedOutboundIPs);
    } else if (key == "idleTimeoutInMinutes") {
      parse_idle_timeout(r, f, nat.idleTimeoutInMinutes);
    }
  }
}

void parse_network_profile(FieldReader& r, const Field& field) {
  auto fields = r.mapping(field, kNetworkProfileKeys, "the network profile (a mapping)");
  if (!fields) return;
  NetworkProfile& p = r.spec().cluster.networkProfile;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "networkPlugin") {
      if (auto v = r.choice<NetworkPlugin>(f, kNetworkPluginNames)) p.networkPlugin = *v;
    } else if (key == "networkPluginMode") {
      if (auto v = r.choice<NetworkPluginMode>(f, kNetworkPluginModeNames)) p.networkPluginMode = *v;
    } else if (key == "networkDataplane") {
      if (auto v = r.choice<NetworkDataplane>(f, kNetworkDataplaneNames)) p.networkDataplane = *v;
    } else if (key == "networkPolicy") {
      if (auto v = r.choice<NetworkPolicy>(f, kNetworkPolicyNames)) p.networkPolicy = *v;
    } else if (key == "podCidr") {
      if (auto v = r.cidr(f)) p.podCidr = *v;
    } else if (key == "serviceCidr") {
      if (auto v = r.cidr(f)) p.serviceCidr = *v;
    } else if (key == "dnsServiceIP") {
      if (auto v = r.address(f)) p.dnsServiceIP = *v;
    } else if (key == "outboundType") {
      if (auto v = r.choice<OutboundType>(f, kOutboundTypeNames)) p.outboundType = *v;
    } else if (key == "loadBalancerProfile") {
      parse_load_balancer_profile(r, f, p.loadBalancerProfile);
    } else if (key == "natGatewayProfile") {
      parse_nat_gateway_profile(r, f, p.natGatewayProfile);
    } else if (key == "kubeProxyConfig") {
      auto proxy = r.mapping(f, kKubeProxyKeys, "the kube-proxy configuration (a mapping)");
      if (!proxy) continue;
      if (const Field* mode = proxy->find("mode")) {
        if (auto v = r.choice<KubeProxyMode>(*mode, kKubeProxyModeNames)) p.kubeProxyMode = *v;
      }
    }
  }
}

// byoCni: the CNI a networkPlugin none cluster runs (validation checks the pairing and the MTU).
void parse_byo_cni(FieldReader& r, const Field& field) {
  auto fields = r.mapping(field, kByoCniKeys, "the bring-your-own CNI (a mapping: name, encapsulation, mtu)");
  if (!fields) return;
  ByoCniSpec cni;
  bool named = false;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      if (auto v = r.choice<ByoCni>(f, kByoCniNames)) cni.name = *v, named = true;
    } else if (key == "encapsulation") {
      if (auto v = r.choice<Encapsulation>(f, kEncapsulationNames)) cni.encapsulation = *v;
    } else if (key == "mtu") {
      if (auto v = r.whole_number(f, aks::kMinIpv4Mtu, aks::kMaxMtu, "IPv4's minimum MTU (576) to a jumbo frame's"))
        cni.mtu = static_cast<std::uint32_t>(*v);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(field.path + ".name", r.mark_of(field), "byoCni needs the CNI's name", "name: cilium, calico or flannel",
            "e.g. byoCni: {name: flannel}");
    return;
  }
  if (!named) return;
  if (fields->find("encapsulation") == nullptr) cni.encapsulation = byo::facts(cni.name).default_encapsulation;
  r.spec().cluster.byoCni = cni;
}

void parse_vnet(FieldReader& r, const Field& field) {
  auto fields = r.mapping(field, kVnetKeys, "the virtual network (a mapping)");
  if (!fields) return;
  VnetSpec& v = r.spec().cluster.vnet;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      if (auto s = r.text(f, "the VNet's name")) v.name = *s;
    } else if (key == "subnetName") {
      if (auto s = r.text(f, "the node subnet's name")) v.subnetName = *s;
    } else if (key == "nodeSubnet") {
      if (auto c = r.cidr(f)) v.nodeSubnet = *c;
    } else if (key == "podSubnet") {
      if (auto c = r.cidr(f)) v.podSubnet = *c;
    } else if (key == "routes") {
      parse_routes(r, f, v.routes);
    } else if (key == "addressSpace") {
      // ARM's addressSpace.addressPrefixes is a list; a single CIDR is accepted as a list of one.
      if (f.value.IsScalar()) {
        if (auto c = r.cidr(f, f.value, f.path + "[0]")) v.addressSpace.push_back(*c);
        r.record(f.path, r.mark_of(f));
        continue;
      }
      auto items = r.list(f, "CIDRs");
      if (!items) continue;
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto c = r.cidr(f, (*items)[i], item_path(f.path, i))) v.addressSpace.push_back(*c);
      }
    }
  }
  // A VNet of your own must say where the nodes go; only the AKS-managed one has defaults.
  for (std::string_view required : {"addressSpace", "nodeSubnet"}) {
    if (fields->find(required) == nullptr) {
      r.error(field.path + "." + std::string(required), r.mark_of(field),
              "a VNet of your own needs " + std::string(required),
              required == "nodeSubnet" ? "nodeSubnet: a CIDR inside addressSpace, such as 10.1.0.0/22"
                                       : "addressSpace: a list of CIDRs, such as [10.1.0.0/16]",
              "add it, or remove the whole vnet section to use the AKS-managed VNet (10.224.0.0/12)");
    }
  }
}

}  // namespace

void parse_cluster(FieldReader& r, const Field& field) {
  auto fields = r.mapping(field, kClusterKeys, "the cluster description (a mapping)");
  if (!fields) return;
  ClusterSpec& c = r.spec().cluster;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      auto s = r.text(f, "the cluster's name");
      if (s && check_name(r, f, *s, cluster_name_problem(*s), "1-63 letters, digits, '-' or '_'",
                          "AKS cluster names look like 'aks-demo'")) {
        c.name = *s;
      }
    } else if (key == "kubernetesVersion") {
      auto s = r.text(f, "a Kubernetes version such as 1.30 or 1.30.4");
      if (!s) continue;
      if (!kubernetes_minor(*s)) {
        r.error(f.path, r.mark_of(f), "not a Kubernetes version: " + FieldReader::quoted(*s),
                "MAJOR.MINOR or MAJOR.MINOR.PATCH with major version 1, such as 1.30 or 1.30.4",
                "quote nothing, and write e.g. 1.29.7 (the plugin default depends on the minor version)");
        continue;
      }
      if (const int minor = *kubernetes_minor(*s);
          minor < aks::kOldestSupportedMinor || minor > aks::kNewestSupportedMinor) {
        const std::string window = "1." + std::to_string(aks::kOldestSupportedMinor) + " to 1." +
                                   std::to_string(aks::kNewestSupportedMinor);
        r.error(f.path, r.mark_of(f), "Kubernetes " + FieldReader::quoted(*s) + " is outside the versions AKS supports",
                "a version from " + window + " (AKS: the newest GA minors, and LTS from 1.27)",
                minor < aks::kOldestSupportedMinor ? "AKS no longer runs it; use 1." +
                                                         std::to_string(aks::kOldestSupportedMinor) + " or newer"
                                                   : "AKS does not offer it yet; use 1." +
                                                         std::to_string(aks::kNewestSupportedMinor) + " or older");
        continue;
      }
      c.kubernetesVersion = s->front() == 'v' ? s->substr(1) : *s;
    } else if (key == "networkProfile") {
      parse_network_profile(r, f);
    } else if (key == "vnet") {
      parse_vnet(r, f);
    } else if (key == "nodeLocalDNSCache") {
      if (auto b = r.flag(f)) c.nodeLocalDNSCache = *b;
    } else if (key == "byoCni") {
      parse_byo_cni(r, f);
    }
  }
}

}  // namespace cnisim::scenario
