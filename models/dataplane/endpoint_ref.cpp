#include "models/dataplane/endpoint_ref.hpp"

#include <charconv>

#include <stdexcept>
#include <vector>

#include "models/scenario/spelling.hpp"

namespace cnisim::dataplane {
namespace {

constexpr std::string_view kAccepted =
    "pod/NAME, pod/NAMESPACE/NAME, svc/NAME, svc/NAMESPACE/NAME, node/NAME, vm/NAME, an IP or IP:PORT";

[[noreturn]] void fail(std::string_view text, const std::string& what, const std::string& hint) {
  throw std::invalid_argument("'" + std::string(text) + "': " + what +
                              "\n  expected: " + std::string(kAccepted) + "\n  hint: " + hint);
}

// "ns/name" -> (ns, name); "name" -> ("default", name).
std::pair<std::string, std::string> split_namespace(std::string_view rest) {
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return {"default", std::string(rest)};
  return {std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

std::string describe(const cluster::Cluster& c, HostRef h) {
  switch (h.kind) {
    case HostRef::Kind::Pod:
      return "pod " + c.pod_namespace(h.index) + "/" + c.pod_name(h.index);
    case HostRef::Kind::Node:
      return "node " + c.nodes()[h.index].name;
    case HostRef::Kind::External:
      return c.externals()[h.index].name;
  }
  return "?";
}

// "did you mean 'web-5d8f7-abcde'? pods in default: web-..., api-... (12 in all)": what does exist.
std::string what_exists(const std::vector<std::string>& names, const std::string& wanted, std::string_view what) {
  if (names.empty()) return "there are no " + std::string(what);
  std::string out;
  const std::vector<std::string_view> views(names.begin(), names.end());
  if (const auto close = scenario::closest_match(wanted, views)) out = "did you mean '" + *close + "'? ";
  out += std::string(what) + ": ";
  constexpr std::size_t kShown = 5;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) out.append(i ? ", " : "").append(names[i]);
  if (names.size() > kShown) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

}  // namespace

ResolvedEndpoint resolve_endpoint(const cluster::Cluster& c, std::string_view text) {
  ResolvedEndpoint r;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    // ADDRESS or ADDRESS:PORT (TCP to that port: a node's nodePort, or a server outside the cluster).
    std::string_view address = text;
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
      address = text.substr(0, colon);
      const std::string_view digits = text.substr(colon + 1);
      unsigned port = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
        fail(text, "the port after ':' is not a number from 1 to 65535", "write ADDRESS:PORT, e.g. 10.224.0.4:30080");
      }
      r.port = static_cast<std::uint16_t>(port);
      r.protocol = net::Protocol::Tcp;
    }
    const auto ip = net::Ipv4::try_parse(address);
    if (!ip)
      fail(text, "not an address and no kind/ prefix", "write pod/NAME for a pod, or a dotted IPv4 address");
    r.ip = *ip;
    if (const auto owner = c.owner_of(*ip)) {
      using Kind = cluster::Cluster::AddressOwner::Kind;
      r.host = HostRef{owner->kind == Kind::Pod    ? HostRef::Kind::Pod
                       : owner->kind == Kind::Node ? HostRef::Kind::Node
                                                   : HostRef::Kind::External,
                       owner->index};
      r.description = describe(c, *r.host);
    } else {
      r.description = "address " + ip->to_string();
    }
    if (r.port) r.description += " port " + std::to_string(r.port);
    return r;
  }
  const std::string_view kind = text.substr(0, slash);
  const std::string_view rest = text.substr(slash + 1);
  if (kind == "pod") {
    const auto [ns, name] = split_namespace(rest);
    const auto pod = c.find_pod(ns, name);
    if (!pod) {
      std::vector<std::string> names;
      for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
        if (c.pod_namespace(p) == ns) names.push_back(c.pod_name(p));
      }
      fail(text, "no pod " + ns + "/" + name,
           what_exists(names, name, "pods in " + ns) + "; `cnisim get pods -A` lists them all");
    }
    r.host = HostRef{HostRef::Kind::Pod, *pod};
    r.ip = c.pods()[*pod].ip;
  } else if (kind == "svc") {
    const auto [ns, name] = split_namespace(rest);
    const auto svc = c.find_service(ns, name);
    if (!svc) fail(text, "no Service " + ns + "/" + name, "`cnisim get svc -A` lists the Services");
    const auto& spec = c.service_spec(*svc);
    if (spec.ports.empty())
      fail(text, "Service " + ns + "/" + name + " has no ports", "give the Service a port");
    r.ip = c.services()[*svc].clusterIP;
    r.port = spec.ports.front().port;
    r.protocol = spec.ports.front().protocol == "UDP"    ? net::Protocol::Udp
                 : spec.ports.front().protocol == "SCTP" ? net::Protocol::Sctp
                                                         : net::Protocol::Tcp;
    r.description = "Service " + ns + "/" + name + " " + r.ip.to_string() + ":" + std::to_string(r.port);
    return r;
  } else if (kind == "node") {
    const auto node = c.find_node(rest);
    if (!node) {
      std::vector<std::string> names;
      for (const auto& n : c.nodes()) names.push_back(n.name);
      fail(text, "no node " + std::string(rest), what_exists(names, std::string(rest), "nodes"));
    }
    r.host = HostRef{HostRef::Kind::Node, *node};
    r.ip = c.nodes()[*node].ip;
  } else if (kind == "vm") {
    for (std::uint32_t e = 0; e < c.externals().size(); ++e) {
      if (c.externals()[e].name == rest) {
        r.host = HostRef{HostRef::Kind::External, e};
        r.ip = c.externals()[e].ip;
      }
    }
    if (!r.host)
      fail(text, "no external endpoint " + std::string(rest),
           "the external endpoints are vm-in-vnet and internet-host");
  } else {
    fail(text, "unknown kind '" + std::string(kind) + "'", "the kinds are pod, svc, node and vm");
  }
  r.description = describe(c, *r.host);
  return r;
}

}  // namespace cnisim::dataplane
