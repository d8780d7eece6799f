// Address ranges: reserved ranges, overlaps between pod CIDR, service CIDR and the VNet, subnets
// inside the address space, the size of the service CIDR and where dnsServiceIP sits in it.
#include <map>
#include <string>
#include <vector>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

namespace {

const std::string kProfile = "cluster.networkProfile.";

struct Range {
  std::string path;
  std::string title;  // "podCidr 10.244.0.0/16"
  net::Cidr cidr;
};

std::string title(const ScenarioSpec& spec, const std::string& label, const std::string& path,
                  const net::Cidr& cidr) {
  return label + " " + cidr.to_string() + (spec.given(path) ? "" : " (the default)");
}

// The ranges this cluster uses, each once, skipping those with earlier diagnostics.
struct ClusterRanges {
  std::vector<Range> cluster;  // pod CIDR (if the plugin uses it), service CIDR, node and pod subnets
  std::vector<Range> vnet;     // the VNet's address spaces
};

ClusterRanges collect(RuleContext& c) {
  const ScenarioSpec& spec = c.spec();
  const NetworkProfile& np = spec.cluster.networkProfile;
  const VnetSpec& v = spec.cluster.vnet;
  ClusterRanges r;
  auto add = [&](std::vector<Range>& to, const std::string& path, const std::string& label,
                 const net::Cidr& cidr) {
    if (c.usable({path})) to.push_back(Range{path, title(spec, label, path, cidr), cidr});
  };
  if (c.plugin_known() && spec.uses_pod_cidr()) add(r.cluster, kProfile + "podCidr", "podCidr", np.podCidr);
  add(r.cluster, kProfile + "serviceCidr", "serviceCidr", np.serviceCidr);
  add(r.cluster, "cluster.vnet.nodeSubnet", "nodeSubnet", v.nodeSubnet);
  if (v.podSubnet) add(r.cluster, "cluster.vnet.podSubnet", "podSubnet", *v.podSubnet);
  for (std::size_t i = 0; i < v.addressSpace.size(); ++i) {
    add(r.vnet, "cluster.vnet.addressSpace[" + std::to_string(i) + "]", "VNet address space",
        v.addressSpace[i]);
  }
  return r;
}

// Of two overlapping ranges, blame the one the user wrote, and of two written ones the later line.
const Range& blamed(const ScenarioSpec& spec, const Range& a, const Range& b) {
  if (!spec.given(b.path)) return a;
  if (!spec.given(a.path)) return b;
  return spec.mark(b.path).line >= spec.mark(a.path).line ? b : a;
}

void check_reserved(RuleContext& c, const std::vector<Range>& ranges) {
  for (const Range& r : ranges) {
    for (std::string_view reserved_text : aks::kReservedRanges) {
      const net::Cidr reserved = net::Cidr::parse(reserved_text);
      if (!r.cidr.overlaps(reserved)) continue;
      c.report(r.path, r.title + " overlaps " + std::string(reserved_text) + ", a range AKS reserves",
               "a range outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24",
               "these ranges are used by the Azure platform and AKS itself; pick another private range");
      break;
    }
  }
}

void check_overlaps(RuleContext& c, const ClusterRanges& r) {
  const ScenarioSpec& spec = c.spec();
  auto check_pair = [&](const Range& a, const Range& b, bool subnet_in_vnet) {
    if (!c.usable({a.path, b.path}) || !a.cidr.overlaps(b.cidr)) return;
    const Range& at = blamed(spec, a, b);
    const Range& other = &at == &a ? b : a;
    c.report(at.path, at.title + " overlaps " + other.title,
             subnet_in_vnet ? "address spaces that do not overlap"
                            : "pod CIDR, service CIDR and the VNet in separate, non-overlapping ranges",
             "pod and Service addresses must not be mistaken for VNet addresses; pick another private range, "
             "e.g. 10.244.0.0/16 for pods and 10.0.0.0/16 for Services outside a 10.224.0.0/12 VNet");
  };
  // Pod CIDR vs service CIDR, node vs pod subnet; pod and service CIDRs vs the VNet (which holds the
  // subnets, so comparing with the subnets too would report one overlap twice) or, if the address
  // space is unusable, vs the subnets directly.
  const auto is_subnet = [](const Range& x) { return x.path.starts_with("cluster.vnet."); };
  for (std::size_t i = 0; i < r.cluster.size(); ++i) {
    for (std::size_t j = i + 1; j < r.cluster.size(); ++j) {
      if (is_subnet(r.cluster[i]) == is_subnet(r.cluster[j]) || r.vnet.empty()) {
        check_pair(r.cluster[i], r.cluster[j], false);
      }
    }
  }
  for (const Range& range : r.cluster) {
    if (is_subnet(range)) continue;
    for (const Range& space : r.vnet) check_pair(range, space, false);
  }
  for (std::size_t i = 0; i < r.vnet.size(); ++i) {
    for (std::size_t j = i + 1; j < r.vnet.size(); ++j) check_pair(r.vnet[i], r.vnet[j], true);
  }
  // Subnets inside the address space.
  if (r.vnet.empty() || !c.usable({"cluster.vnet.addressSpace"})) return;
  for (const Range& range : r.cluster) {
    if (!is_subnet(range) || !c.usable({range.path})) continue;
    bool inside = false;
    for (const Range& space : r.vnet) inside = inside || space.cidr.contains(range.cidr);
    if (!inside) {
      std::string spaces;
      for (const Range& space : r.vnet) spaces += (spaces.empty() ? "" : ", ") + space.cidr.to_string();
      c.report(range.path, range.title + " is not inside the VNet's address space (" + spaces + ")",
               "a subnet inside one of the VNet's address spaces",
               "a subnet is carved out of its VNet: widen addressSpace or move the subnet into it");
    }
  }
}

void check_service_cidr(RuleContext& c) {
  const NetworkProfile& np = c.spec().cluster.networkProfile;
  const std::string svc = kProfile + "serviceCidr";
  const std::string dns = kProfile + "dnsServiceIP";
  if (!c.usable({svc})) return;
  const net::Cidr& cidr = np.serviceCidr;
  if (cidr.length() < aks::kServiceCidrMinPrefix) {
    c.report(
        svc,
        "serviceCidr " + cidr.to_string() + " is too large: AKS requires a service CIDR smaller than /12",
        "a prefix length of /" + std::to_string(aks::kServiceCidrMinPrefix) +
            " or longer, such as 10.0.0.0/16",
        "a /16 gives 65,536 Service addresses, far more than any cluster uses");
    return;
  }
  if (!c.usable({dns})) return;
  const net::Ipv4 ip = np.dnsServiceIP;
  const std::string ip_text =
      "dnsServiceIP " + ip.to_string() + (c.spec().given(dns) ? "" : " (the default)");
  const std::string expected = "an address inside serviceCidr " + cidr.to_string() + " other than " +
                               cidr.first().to_string() + ", " + (cidr.first() + 1).to_string() + " and " +
                               cidr.last().to_string() + ", such as " + (cidr.first() + 10).to_string();
  if (!cidr.contains(ip)) {
    c.report(dns, ip_text + " is outside serviceCidr " + cidr.to_string(), expected,
             c.spec().given(dns) ? "kube-dns is a Service: its address comes from the service CIDR"
                                 : "you changed serviceCidr: set dnsServiceIP to an address inside it");
  } else if (ip == cidr.first() + 1) {
    c.report(dns,
             ip_text + " is the first address of serviceCidr " + cidr.to_string() +
                 ", which the kubernetes Service takes",
             expected, "AKS convention is the .10 address, e.g. " + (cidr.first() + 10).to_string());
  } else if (ip == cidr.first() || ip == cidr.last()) {
    c.report(dns,
             ip_text + " is the " + std::string(ip == cidr.first() ? "network" : "broadcast") +
                 " address of serviceCidr " + cidr.to_string(),
             expected, "AKS convention is the .10 address, e.g. " + (cidr.first() + 10).to_string());
  }
}

// A Service's own clusterIP: inside serviceCidr, not its network or broadcast address, not the
// kubernetes Service's first address nor kube-dns's dnsServiceIP, and no two Services the same.
void check_cluster_ips(RuleContext& c) {
  const auto& spec = c.spec();
  const NetworkProfile& np = spec.cluster.networkProfile;
  if (!c.usable({kProfile + "serviceCidr"})) return;
  const net::Cidr& cidr = np.serviceCidr;
  std::map<std::uint32_t, std::string> taken;  // address -> the Service that has it
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    const auto& s = spec.services[i];
    const std::string path = "services[" + std::to_string(i) + "].clusterIP";
    if (!s.clusterIP || !spec.given(path) || !c.usable({path})) continue;
    const net::Ipv4 ip = *s.clusterIP;
    const std::string expected = "an address inside serviceCidr " + cidr.to_string() + " other than " +
                                 cidr.first().to_string() + ", " + (cidr.first() + 1).to_string() + ", " +
                                 np.dnsServiceIP.to_string() + " and " + cidr.last().to_string();
    const std::string what = "clusterIP " + ip.to_string() + " of Service " + s.namespace_ + "/" + s.name;
    if (!cidr.contains(ip)) {
      c.report(path, what + " is outside serviceCidr " + cidr.to_string(), expected,
               "a ClusterIP comes from the service CIDR; leave clusterIP out to have one allocated");
    } else if (ip == cidr.first() || ip == cidr.last()) {
      c.report(path, what + " is the " + std::string(ip == cidr.first() ? "network" : "broadcast") + " address", expected,
               "leave clusterIP out to have one allocated");
    } else if (ip == cidr.first() + 1) {
      c.report(path, what + " is the kubernetes Service's address", expected, "leave clusterIP out to have one allocated");
    } else if (ip == np.dnsServiceIP) {
      c.report(path, what + " is dnsServiceIP, kube-dns's address", expected, "leave clusterIP out to have one allocated");
    } else if (const auto [at, fresh] = taken.emplace(ip.value, s.namespace_ + "/" + s.name); !fresh) {
      c.report(path, what + " is already Service " + at->second + "'s", expected,
               "two Services cannot share a ClusterIP; leave clusterIP out to have one allocated");
    }
  }
}

}  // namespace

void check_address_ranges(RuleContext& c) {
  const ClusterRanges ranges = collect(c);
  // Overlaps before the service CIDR's own rules: a dnsServiceIP outside a service CIDR that is wrong
  // anyway would be a follow-on error.
  check_reserved(c, ranges.cluster);
  check_overlaps(c, ranges);
  check_service_cidr(c);
  check_cluster_ips(c);
}

}  // namespace cnisim::scenario
