// namespaces (their labels) and networkPolicies (networking.k8s.io/v1 NetworkPolicy), checked as the
// API server validates them (pkg/apis/networking/validation): a peer is podSelector and/or
// namespaceSelector, or an ipBlock alone; except ranges lie inside their cidr; endPort needs a port.
#include <algorithm>

#include "models/scenario/k8s_names.hpp"
#include "models/scenario/section_parsers.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kNamespaceKeys[] = {"name", "labels"};
constexpr std::string_view kPolicyKeys[] = {"name", "namespace", "podSelector", "policyTypes", "ingress", "egress"};
constexpr std::string_view kSelectorKeys[] = {"matchLabels", "matchExpressions"};
constexpr std::string_view kExpressionKeys[] = {"key", "operator", "values"};
constexpr std::string_view kIngressKeys[] = {"from", "ports"};
constexpr std::string_view kEgressKeys[] = {"to", "ports"};
constexpr std::string_view kPeerKeys[] = {"podSelector", "namespaceSelector", "ipBlock"};
constexpr std::string_view kIpBlockKeys[] = {"cidr", "except"};
constexpr std::string_view kPortKeys[] = {"protocol", "port", "endPort"};
constexpr std::string_view kProtocols[] = {"TCP", "UDP", "SCTP"};
constexpr NamedValue<LabelRequirement::Operator> kOperators[] = {{LabelRequirement::Operator::In, "In"},
                                                                 {LabelRequirement::Operator::NotIn, "NotIn"},
                                                                 {LabelRequirement::Operator::Exists, "Exists"},
                                                                 {LabelRequirement::Operator::DoesNotExist, "DoesNotExist"}};

bool empty_value(const YAML::Node& v) { return v.IsNull() || (v.IsSequence() && v.size() == 0); }

void parse_expression(FieldReader& r, const YAML::Node& node, const std::string& path, LabelSelector& out) {
  LabelRequirement req;
  auto fields = r.mapping(node, path, r.mark_of(node), kExpressionKeys,
                          "a requirement {key, operator, values} (a mapping)");
  if (!fields) return;
  bool has_values = false;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "key") {
      auto k = r.text(f, "a label key such as app");
      if (k && check_name(r, f, *k, label_key_problem(*k), "a label key: at most 63 letters, digits, '-', '_' or '.'",
                          "label keys look like 'app' or 'kubernetes.io/metadata.name'")) {
        req.key = *k;
      }
    } else if (key == "operator") {
      if (auto op = r.choice<LabelRequirement::Operator>(f, kOperators)) req.op = *op;
    } else if (key == "values") {
      auto items = r.list(f, "a list of label values");
      if (!items) continue;
      has_values = !items->empty();
      for (std::size_t i = 0; i < items->size(); ++i) {
        const Field item{item_path(f.path, i), (*items)[i], (*items)[i]};
        auto v = r.text(item, "a label value");
        if (v && check_name(r, item, *v, label_value_problem(*v), "a label value: at most 63 letters, digits, '-', '_' or '.'",
                            "label values look like 'web'")) {
          req.values.push_back(*v);
        }
      }
    }
  }
  for (const char* required : {"key", "operator"}) {
    if (fields->find(required) == nullptr) {
      r.error(path + "." + required, r.mark_of(node), std::string("a requirement needs a ") + required,
              "key, operator (In, NotIn, Exists, DoesNotExist) and, for In and NotIn, values",
              "write {key: app, operator: In, values: [web]}");
    }
  }
  const bool set_op = req.op == LabelRequirement::Operator::In || req.op == LabelRequirement::Operator::NotIn;
  if (fields->find("operator") != nullptr && set_op && !has_values) {
    r.error(path + ".values", r.mark_of(node), "operators In and NotIn need at least one value",
            "values: a non-empty list", "list the label values, or use Exists / DoesNotExist");
  } else if (fields->find("operator") != nullptr && !set_op && has_values) {
    r.error(path + ".values", r.mark_of(*fields->find("values")), "operators Exists and DoesNotExist take no values",
            "no values", "remove values, or use In / NotIn");
  }
  out.matchExpressions.push_back(req);
}

LabelSelector parse_selector(FieldReader& r, const Field& f) {
  LabelSelector s;
  auto fields = r.mapping(f, kSelectorKeys, "a label selector {matchLabels, matchExpressions} ({} selects all)");
  if (!fields) return s;
  for (const Field& g : fields->entries) {
    if (g.key.Scalar() == "matchLabels") {
      parse_labels(r, g, s.matchLabels);
    } else {
      auto items = r.list(g, "a list of {key, operator, values}");
      if (!items) continue;
      for (std::size_t i = 0; i < items->size(); ++i) parse_expression(r, (*items)[i], item_path(g.path, i), s);
    }
  }
  return s;
}

void parse_ip_block(FieldReader& r, const Field& f, PolicyPeer& peer) {
  auto fields = r.mapping(f, kIpBlockKeys, "an ipBlock {cidr, except} (a mapping)");
  if (!fields) return;
  IpBlock block;
  const Field* cidr = fields->find("cidr");
  if (cidr == nullptr) {
    r.error(f.path + ".cidr", r.mark_of(f), "an ipBlock needs a cidr", "cidr: a range such as 10.0.0.0/8",
            "add 'cidr: ...' to this ipBlock");
    return;
  }
  auto c = r.cidr(*cidr);
  if (!c) return;
  block.cidr = *c;
  if (const Field* except = fields->find("except")) {
    auto items = r.list(*except, "a list of ranges inside cidr");
    if (!items) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string path = item_path(except->path, i);
      auto e = r.cidr(*except, (*items)[i], path);
      if (!e) continue;
      if (!(e->length() > block.cidr.length() && block.cidr.contains(*e))) {
        r.error(path, r.mark_of((*items)[i]),
                "except range " + e->to_string() + " is not strictly inside cidr " + block.cidr.to_string(),
                "a range inside " + block.cidr.to_string() + " with a longer prefix",
                "Kubernetes refuses an except range outside its ipBlock's cidr");
        continue;
      }
      block.except.push_back(*e);
    }
  }
  peer.ipBlock = block;
}

void parse_peer(FieldReader& r, const YAML::Node& node, const std::string& path, PolicyRule& rule) {
  PolicyPeer peer;
  auto fields = r.mapping(node, path, r.mark_of(node), kPeerKeys,
                          "a peer {podSelector, namespaceSelector} or {ipBlock} (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "podSelector") {
      peer.podSelector = parse_selector(r, f);
    } else if (key == "namespaceSelector") {
      peer.namespaceSelector = parse_selector(r, f);
    } else {
      parse_ip_block(r, f, peer);
    }
  }
  if (fields->entries.empty()) {
    r.error(path, r.mark_of(node), "a peer must give podSelector, namespaceSelector or ipBlock",
            "one of podSelector, namespaceSelector (or both), or ipBlock",
            "an empty peer is refused by Kubernetes; leave the whole from/to list out to allow every peer");
    return;
  }
  if (fields->find("ipBlock") != nullptr && fields->entries.size() > 1) {
    r.error(path + ".ipBlock", r.mark_of(*fields->find("ipBlock")),
            "ipBlock cannot be combined with podSelector or namespaceSelector in one peer",
            "ipBlock alone, or selectors alone", "make it two peers of the list");
    return;
  }
  rule.peers.push_back(peer);
}

void parse_policy_port(FieldReader& r, const YAML::Node& node, const std::string& path, PolicyRule& rule) {
  PolicyPort port;
  auto fields = r.mapping(node, path, r.mark_of(node), kPortKeys, "a port {protocol, port, endPort} (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "protocol") {
      auto protocol = r.text(f, "TCP, UDP or SCTP");
      if (!protocol) continue;
      if (std::find(std::begin(kProtocols), std::end(kProtocols), *protocol) == std::end(kProtocols)) {
        r.error(f.path, r.mark_of(f), "unknown protocol " + FieldReader::quoted(*protocol), "TCP, UDP or SCTP",
                "protocols are upper case, as in Kubernetes");
      } else {
        port.protocol = *protocol;
      }
    } else if (key == "port") {
      if (auto n = r.whole_number(f, 1, 65535, "named ports are not modelled")) port.port = static_cast<std::uint16_t>(*n);
    } else if (key == "endPort") {
      if (auto n = r.whole_number(f, 1, 65535)) port.endPort = static_cast<std::uint16_t>(*n);
    }
  }
  if (const Field* end = fields->find("endPort")) {
    if (fields->find("port") == nullptr) {
      r.error(end->path, r.mark_of(*end), "endPort needs a port", "port: the first port of the range",
              "add 'port: ...' (the range is port..endPort)");
      return;
    }
    if (port.endPort != 0 && port.port != 0 && port.endPort < port.port) {
      r.error(end->path, r.mark_of(*end),
              "endPort " + std::to_string(port.endPort) + " is below port " + std::to_string(port.port),
              "endPort >= port", "the range is port..endPort");
      return;
    }
  }
  rule.ports.push_back(port);
}

void parse_rules(FieldReader& r, const Field& f, bool ingress, std::vector<PolicyRule>& out) {
  auto items = r.list(f, ingress ? "a list of ingress rules {from, ports}" : "a list of egress rules {to, ports}");
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = item_path(f.path, i);
    PolicyRule rule;
    auto fields = r.mapping((*items)[i], path, r.mark_of((*items)[i]), ingress ? kIngressKeys : kEgressKeys,
                            ingress ? "an ingress rule {from, ports} ({} allows all)" : "an egress rule {to, ports} ({} allows all)");
    if (!fields) continue;
    for (const Field& g : fields->entries) {
      auto list = r.list(g, g.key.Scalar() == "ports" ? "a list of ports" : "a list of peers");
      if (!list) continue;
      for (std::size_t j = 0; j < list->size(); ++j) {
        if (g.key.Scalar() == "ports") {
          parse_policy_port(r, (*list)[j], item_path(g.path, j), rule);
        } else {
          parse_peer(r, (*list)[j], item_path(g.path, j), rule);
        }
      }
    }
    out.push_back(rule);
  }
}

void parse_policy_types(FieldReader& r, const Field& f, NetworkPolicySpec& p) {
  auto items = r.list(f, "a list of Ingress and/or Egress");
  if (!items) return;
  if (items->empty()) {
    r.error(f.path, r.mark_of(f), "policyTypes is empty", "Ingress, Egress or both",
            "leave policyTypes out for the default (Ingress, plus Egress when egress rules are given)");
    return;
  }
  p.ingressType = p.egressType = false;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Field item{item_path(f.path, i), (*items)[i], (*items)[i]};
    auto type = r.text(item, "Ingress or Egress");
    if (!type) continue;
    bool& slot = *type == "Ingress" ? p.ingressType : p.egressType;
    if (*type != "Ingress" && *type != "Egress") {
      r.error(item.path, r.mark_of(item), "unknown policy type " + FieldReader::quoted(*type), "Ingress or Egress",
              "policy types are capitalised, as in Kubernetes");
    } else if (slot) {
      r.error(item.path, r.mark_of(item), *type + " is listed twice", "each type once", "remove the repeat");
    } else {
      slot = true;
    }
  }
}

}  // namespace

void parse_namespace(FieldReader& r, const YAML::Node& node, const std::string& path) {
  NamespaceSpec ns;
  auto fields = r.mapping(node, path, r.mark_of(node), kNamespaceKeys, "a namespace {name, labels} (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    if (f.key.Scalar() == "name") {
      auto name = r.text(f, "a namespace name");
      if (name && check_name(r, f, *name, dns_label_problem(*name), "1-63 lowercase letters, digits or '-'",
                             "namespaces look like 'shop'")) {
        ns.name = *name;
      }
    } else {
      parse_labels(r, f, ns.labels);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a namespace needs a name", "name: a namespace such as shop",
            "add 'name: ...' to this entry");
  }
  r.spec().namespaces.push_back(ns);
}

void parse_network_policy(FieldReader& r, const YAML::Node& node, const std::string& path) {
  NetworkPolicySpec p;
  auto fields = r.mapping(node, path, r.mark_of(node), kPolicyKeys, "a NetworkPolicy (a mapping)");
  if (!fields) {
    r.spec().networkPolicies.push_back(p);
    return;
  }
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      auto name = r.text(f, "the policy's name");
      if (name && check_name(r, f, *name, dns_subdomain_problem(*name),
                             "lowercase letters, digits, '-' and '.', at most 253",
                             "policy names look like 'allow-frontend'")) {
        p.name = *name;
      }
    } else if (key == "namespace") {
      auto ns = r.text(f, "a namespace name");
      if (ns && check_name(r, f, *ns, dns_label_problem(*ns), "1-63 lowercase letters, digits or '-'",
                           "namespaces look like 'default'")) {
        p.namespace_ = *ns;
      }
    } else if (key == "podSelector") {
      p.podSelector = parse_selector(r, f);
    } else if (key == "policyTypes") {
      parse_policy_types(r, f, p);
    } else if (key == "ingress") {
      parse_rules(r, f, true, p.ingress);
    } else if (key == "egress") {
      parse_rules(r, f, false, p.egress);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a network policy needs a name", "name: a name such as allow-frontend",
            "add 'name: ...' to this policy");
  }
  if (fields->find("podSelector") == nullptr) {
    r.error(path + ".podSelector", r.mark_of(node), "a network policy needs a podSelector",
            "podSelector: {matchLabels: {...}}, or {} for every pod of its namespace",
            "Kubernetes requires the field; {} selects the whole namespace");
  }
  const Field* types = fields->find("policyTypes");
  if (types == nullptr) {
    p.egressType = fields->find("egress") != nullptr;  // Kubernetes' default
  } else {
    // Rules of a type the policy does not have would be accepted and never applied: refused.
    for (const char* dir : {"ingress", "egress"}) {
      const Field* rules = fields->find(dir);
      const bool has_type = std::string_view(dir) == "ingress" ? p.ingressType : p.egressType;
      if (rules != nullptr && !has_type && !empty_value(rules->value)) {
        r.error(rules->path, r.mark_of(*rules),
                std::string(dir) + " rules are given but policyTypes has no " + (dir[0] == 'i' ? "Ingress" : "Egress"),
                std::string("policyTypes listing ") + (dir[0] == 'i' ? "Ingress" : "Egress"),
                "Kubernetes would ignore these rules; add the type or remove the rules");
      }
    }
  }
  r.spec().networkPolicies.push_back(p);
}

}  // namespace cnisim::scenario
