#include "models/cluster/scenario_parser.hpp"

#include <algorithm>
#include <charconv>

#include "models/cluster/aks_facts.hpp"
#include "models/cluster/k8s_names.hpp"
#include "models/cluster/spelling.hpp"

namespace cnisim::cluster {

namespace {

using Keys = std::span<const std::string_view>;

constexpr std::string_view kTopKeys[] = {"cluster", "nodePools", "workloads", "services", "traffic", "costs", "run"};
constexpr std::string_view kClusterKeys[] = {"name", "kubernetesVersion", "networkProfile", "vnet"};
constexpr std::string_view kNetworkProfileKeys[] = {"networkPlugin", "networkPluginMode", "networkDataplane",
                                                    "networkPolicy", "podCidr",           "serviceCidr",
                                                    "dnsServiceIP",  "outboundType",      "kubeProxyConfig"};
constexpr std::string_view kKubeProxyKeys[] = {"mode"};
constexpr std::string_view kVnetKeys[] = {"name", "addressSpace", "subnetName", "nodeSubnet", "podSubnet"};
constexpr std::string_view kPoolKeys[] = {"name", "count", "vmSize", "osType", "mode", "maxPods", "maxSurge"};
constexpr std::string_view kWorkloadKeys[] = {"kind", "namespace", "name", "replicas", "image", "labels",
                                              "hostNetwork", "nodeSelector"};
constexpr std::string_view kServiceKeys[] = {"type", "namespace", "name", "selector", "ports"};
constexpr std::string_view kPortKeys[] = {"name", "protocol", "port", "targetPort"};
constexpr std::string_view kProtocols[] = {"TCP", "UDP", "SCTP"};
constexpr std::string_view kNodeOsKey = "kubernetes.io/os";

// The most pods any AKS cluster can run: a sanity bound for replicas before scheduling is checked.
constexpr std::uint64_t kMaxReplicas = std::uint64_t{aks::kMaxNodesPerCluster} * aks::kMaxMaxPods;

std::string item_path(const std::string& list, std::size_t i) { return list + "[" + std::to_string(i) + "]"; }

// Reports a name problem (from k8s_names) on the field.
bool check_name(FieldReader& r, const Field& f, const std::string& name, std::optional<std::string> problem,
                std::string expected, std::string hint) {
  if (!problem) return true;
  r.error(f.path, r.mark_of(f), "name " + FieldReader::quoted(name) + " " + *problem, std::move(expected),
          std::move(hint));
  return false;
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
    } else if (key == "kubeProxyConfig") {
      auto proxy = r.mapping(f, kKubeProxyKeys, "the kube-proxy configuration (a mapping)");
      if (!proxy) continue;
      if (const Field* mode = proxy->find("mode")) {
        if (auto v = r.choice<KubeProxyMode>(*mode, kKubeProxyModeNames)) p.kubeProxyMode = *v;
      }
    }
  }
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
      c.kubernetesVersion = s->front() == 'v' ? s->substr(1) : *s;
    } else if (key == "networkProfile") {
      parse_network_profile(r, f);
    } else if (key == "vnet") {
      parse_vnet(r, f);
    }
  }
}

void parse_pool(FieldReader& r, const YAML::Node& node, const std::string& path) {
  NodePoolSpec pool;
  pool.maxSurge = aks::kDefaultMaxSurge;
  auto fields = r.mapping(node, path, r.mark_of(node), kPoolKeys, "a node pool (a mapping)");
  if (!fields) {
    r.spec().nodePools.push_back(pool);
    return;
  }
  const Field* surge = nullptr;
  const Field* name = nullptr;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      name = &f;
      if (auto s = r.text(f, "the pool's name")) pool.name = *s;
    } else if (key == "count") {
      if (auto n = r.whole_number(f, 0, aks::kMaxNodesPerPool, "AKS allows 1000 nodes per pool")) {
        pool.count = static_cast<std::uint32_t>(*n);
      }
    } else if (key == "vmSize") {
      if (auto s = r.text(f, "an Azure VM size such as Standard_DS2_v2")) pool.vmSize = *s;
    } else if (key == "osType") {
      if (auto v = r.choice<OsType>(f, kOsTypeNames)) pool.osType = *v;
    } else if (key == "mode") {
      if (auto v = r.choice<PoolMode>(f, kPoolModeNames)) pool.mode = *v;
    } else if (key == "maxPods") {
      // The plugin's own range is checked by validation, which knows the plugin.
      if (auto n = r.whole_number(f, 0, 100000)) pool.maxPods = static_cast<std::uint32_t>(*n);
    } else if (key == "maxSurge") {
      surge = &f;
    }
  }
  if (name == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a node pool needs a name", "name: a lowercase name such as nodepool1",
            "add 'name: ...' to this pool");
  } else if (r.spec().marks.count(name->path) != 0) {
    const std::size_t limit = pool.osType == OsType::Windows ? aks::kMaxWindowsNodePoolNameLength
                                                             : aks::kMaxNodePoolNameLength;
    check_name(r, *name, pool.name, pool_name_problem(pool.name, limit),
               "a lowercase letter then lowercase letters or digits, at most " + std::to_string(limit) +
                   " characters" + (pool.osType == OsType::Windows ? " for a Windows pool" : ""),
               "AKS pool names look like 'nodepool1' (Windows: 'npwin')");
  }
  if (fields->find("count") == nullptr) {
    r.error(path + ".count", r.mark_of(node), "a node pool needs a node count",
            "count: a whole number from 0 to " + std::to_string(aks::kMaxNodesPerPool), "add 'count: 3' to this pool");
  }
  if (surge != nullptr) {
    // AKS takes a node count ("1") or a percentage of the pool ("33%", rounded up).
    const std::string text = surge->value.IsScalar() ? surge->value.Scalar() : "";
    if (!text.empty() && text.back() == '%') {
      unsigned percent = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, percent);
      if (ec == std::errc() && end == text.data() + text.size() - 1 && percent >= 1 && percent <= 100) {
        pool.maxSurge = static_cast<std::uint32_t>((std::uint64_t{pool.count} * percent + 99) / 100);
        r.record(surge->path, r.mark_of(*surge));
      } else {
        r.error(surge->path, r.mark_of(*surge), "not a valid percentage: " + FieldReader::quoted(text),
                "a node count such as 1, or a percentage from 1% to 100%", "write e.g. maxSurge: 33%");
      }
    } else if (auto n = r.whole_number(*surge, 0, aks::kMaxNodesPerPool)) {
      pool.maxSurge = static_cast<std::uint32_t>(*n);
    }
  }
  r.spec().nodePools.push_back(pool);
}

void parse_node_selector(FieldReader& r, const Field& f, WorkloadSpec& w) {
  auto selector = r.string_map(f, "kubernetes.io/os: linux or windows");
  if (!selector) return;
  for (const auto& [key, value] : *selector) {
    const std::string path = f.path + "." + key;
    if (key != kNodeOsKey) {
      r.error(path, r.spec().mark(path), "unsupported node selector " + FieldReader::quoted(key),
              "only kubernetes.io/os (linux or windows)", "pods are placed by OS only; remove this selector");
    } else if (value == "linux") {
      w.nodeOs = OsType::Linux;
    } else if (value == "windows") {
      w.nodeOs = OsType::Windows;
    } else {
      r.error(path, r.spec().mark(path), "unknown operating system " + FieldReader::quoted(value), "linux or windows",
              "node OS labels are lowercase");
    }
  }
}

void parse_labels(FieldReader& r, const Field& f, std::map<std::string, std::string>& out) {
  auto labels = r.string_map(f, "label 'key: value' pairs such as app: nginx");
  if (!labels) return;
  bool ok = true;
  for (const auto& [key, value] : *labels) {
    const std::string path = f.path + "." + key;
    auto key_problem = label_key_problem(key);
    auto value_problem = label_value_problem(value);
    if (key_problem || value_problem) {
      ok = false;
      r.error(path, r.spec().mark(path),
              key_problem ? "label key " + FieldReader::quoted(key) + " " + *key_problem
                          : "label value " + FieldReader::quoted(value) + " " + *value_problem,
              "keys and values of at most 63 letters, digits, '-', '_' or '.'", "labels look like 'app: nginx'");
    }
  }
  if (ok) out = *labels;
}

void parse_workload(FieldReader& r, const YAML::Node& node, const std::string& path) {
  WorkloadSpec w;
  auto fields = r.mapping(node, path, r.mark_of(node), kWorkloadKeys, "a workload (a mapping)");
  if (!fields) {
    r.spec().workloads.push_back(w);
    return;
  }
  const Field* replicas = nullptr;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "kind") {
      if (auto v = r.choice<WorkloadKind>(f, kWorkloadKindNames)) w.kind = *v;
    } else if (key == "namespace") {
      auto s = r.text(f, "a namespace name");
      if (s && check_name(r, f, *s, dns_label_problem(*s), "1-63 lowercase letters, digits or '-'",
                          "namespaces look like 'default' or 'kube-system'")) {
        w.namespace_ = *s;
      }
    } else if (key == "name") {
      auto s = r.text(f, "the workload's name");
      if (s && check_name(r, f, *s, dns_subdomain_problem(*s), "lowercase letters, digits, '-' and '.'",
                          "Deployment names look like 'nginx' or 'web-frontend'")) {
        w.name = *s;
      }
    } else if (key == "replicas") {
      replicas = &f;
      if (auto n = r.whole_number(f, 0, kMaxReplicas, "5000 nodes x 250 pods, the largest AKS cluster")) {
        w.replicas = static_cast<std::uint32_t>(*n);
      }
    } else if (key == "image") {
      if (auto s = r.text(f, "a container image such as nginx or nginx:1.27")) w.image = *s;
    } else if (key == "labels") {
      parse_labels(r, f, w.labels);
    } else if (key == "hostNetwork") {
      if (auto b = r.flag(f)) w.hostNetwork = *b;
    } else if (key == "nodeSelector") {
      parse_node_selector(r, f, w);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a workload needs a name", "name: a name such as nginx",
            "add 'name: ...' to this workload");
  }
  if (w.kind == WorkloadKind::DaemonSet && replicas != nullptr && r.spec().given(path + ".kind")) {
    r.error(replicas->path, r.mark_of(*replicas), "a DaemonSet has no replicas",
            "no replicas key for kind DaemonSet", "a DaemonSet runs one pod on every eligible node; remove replicas");
  }
  r.spec().workloads.push_back(w);
}

void parse_port(FieldReader& r, const YAML::Node& node, const std::string& path, ServiceSpec& s) {
  ServicePort port;
  auto fields = r.mapping(node, path, r.mark_of(node), kPortKeys, "a service port (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      auto name = r.text(f, "a port name such as http");
      if (name && check_name(r, f, *name, dns_label_problem(*name), "1-63 lowercase letters, digits or '-'",
                             "port names look like 'http' or 'dns-tcp'")) {
        port.name = *name;
      }
    } else if (key == "protocol") {
      auto protocol = r.text(f, "TCP, UDP or SCTP");
      if (!protocol) continue;
      if (std::find(std::begin(kProtocols), std::end(kProtocols), *protocol) == std::end(kProtocols)) {
        r.error(f.path, r.mark_of(f), "unknown protocol " + FieldReader::quoted(*protocol), "TCP, UDP or SCTP",
                "protocols are upper case, as in Kubernetes");
      } else {
        port.protocol = *protocol;
      }
    } else if (key == "port") {
      if (auto n = r.whole_number(f, 1, 65535)) port.port = static_cast<std::uint16_t>(*n);
    } else if (key == "targetPort") {
      if (auto n = r.whole_number(f, 1, 65535, "named target ports are not modelled")) {
        port.targetPort = static_cast<std::uint16_t>(*n);
      }
    }
  }
  if (fields->find("port") == nullptr) {
    r.error(path + ".port", r.mark_of(node), "a service port needs a port number", "port: a number from 1 to 65535",
            "add 'port: 80' to this entry");
  }
  if (port.targetPort == 0) port.targetPort = port.port;  // Kubernetes: targetPort defaults to port
  s.ports.push_back(port);
}

void parse_service(FieldReader& r, const YAML::Node& node, const std::string& path) {
  ServiceSpec s;
  auto fields = r.mapping(node, path, r.mark_of(node), kServiceKeys, "a service (a mapping)");
  if (!fields) {
    r.spec().services.push_back(s);
    return;
  }
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "type") {
      auto type = r.text(f, "ClusterIP");
      if (type && *type != "ClusterIP") {
        r.error(f.path, r.mark_of(f), "service type " + FieldReader::quoted(*type) + " is not modelled", "ClusterIP",
                "only ClusterIP Services are modelled; remove 'type' or set it to ClusterIP");
      }
    } else if (key == "namespace") {
      auto ns = r.text(f, "a namespace name");
      if (ns && check_name(r, f, *ns, dns_label_problem(*ns), "1-63 lowercase letters, digits or '-'",
                           "namespaces look like 'default'")) {
        s.namespace_ = *ns;
      }
    } else if (key == "name") {
      auto name = r.text(f, "the service's name");
      if (name && check_name(r, f, *name, service_name_problem(*name),
                             "1-63 lowercase letters, digits or '-', starting with a letter",
                             "Service names look like 'nginx'")) {
        s.name = *name;
      }
    } else if (key == "selector") {
      parse_labels(r, f, s.selector);
    } else if (key == "ports") {
      auto items = r.list(f, "ports ({name, protocol, port, targetPort})");
      if (!items) continue;
      for (std::size_t i = 0; i < items->size(); ++i) parse_port(r, (*items)[i], item_path(f.path, i), s);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a service needs a name", "name: a name such as nginx",
            "add 'name: ...' to this service");
  }
  const Field* ports = fields->find("ports");
  if (ports == nullptr || (ports->value.IsNull() || (ports->value.IsSequence() && ports->value.size() == 0))) {
    r.error(path + ".ports", ports ? r.mark_of(*ports) : r.mark_of(node), "a service needs at least one port",
            "ports: a list such as [{port: 80, targetPort: 80}]", "add the port clients connect to");
  } else if (s.ports.size() > 1) {
    for (std::size_t i = 0; i < s.ports.size(); ++i) {
      if (s.ports[i].name.empty()) {
        const std::string port_path = item_path(path + ".ports", i);
        r.error(port_path + ".name", r.spec().locate(port_path), "a service with several ports must name each one",
                "name: a port name such as http", "Kubernetes requires port names when there is more than one port");
      }
    }
  }
  r.spec().services.push_back(s);
}

template <class ParseItem>
void parse_list(FieldReader& r, const Field& f, std::string_view what, ParseItem parse_item) {
  auto items = r.list(f, what);
  if (!items) return;
  for (std::size_t i = 0; i < items->size() && !r.sink().full(); ++i) parse_item(r, (*items)[i], item_path(f.path, i));
}

// traffic, costs, run: kept for the data-path issue; only their shape is checked here.
void keep_raw(FieldReader& r, const Field& f, YAML::Node& out) {
  r.record(f.path, r.mark_of(f));
  if (!f.value.IsNull() && !f.value.IsMap() && !f.value.IsSequence()) {
    r.error(f.path, r.mark_of(f), "expected a mapping or a list, got a single value", "a mapping or a list",
            "this section is read by the data-path model; indent its contents under the key");
    return;
  }
  out = f.value;
}

}  // namespace

std::optional<int> kubernetes_minor(std::string_view version) {
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  if (!version.starts_with("1.")) return std::nullopt;
  version.remove_prefix(2);
  int minor = -1;
  auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), minor);
  if (ec != std::errc() || end == version.data() || minor > 999) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(version.data() + version.size() - end));
  if (!rest.empty()) {
    unsigned patch = 0;
    if (rest.front() != '.') return std::nullopt;
    auto [pend, pec] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), patch);
    if (pec != std::errc() || pend != rest.data() + rest.size()) return std::nullopt;
  }
  return minor;
}

void parse_scenario(const YAML::Node& root, FieldReader& r) {
  ScenarioSpec& spec = r.spec();
  if (!root.IsDefined() || root.IsNull()) {
    r.error("", SourceMark{spec.sourceFile, 1, 1}, "the scenario is empty",
            "a mapping with at least a 'cluster' section",
            "start from scenarios/seed-walkthrough.yaml; see docs/scenario-format.md");
    return;
  }
  if (!root.IsMap()) {
    r.error("", r.mark_of(root), "expected a mapping of sections at the top level, got " +
                                     std::string(describe_node_type(root)),
            "top-level keys " + one_of(kTopKeys),
            "a scenario is YAML with 'cluster:', 'nodePools:', ... at the start of a line; see "
            "scenarios/seed-walkthrough.yaml");
    return;
  }
  auto fields = r.mapping(root, "", r.mark_of(root), kTopKeys, "a mapping");
  if (!fields) return;
  if (const Field* f = fields->find("cluster")) {
    parse_cluster(r, *f);
  } else {
    r.error("cluster", r.mark_of(root), "the scenario has no 'cluster' section",
            "cluster: with at least a name", "add 'cluster:' with 'name: ...' under it");
  }
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "nodePools") {
      parse_list(r, f, "node pools", parse_pool);
    } else if (key == "workloads") {
      parse_list(r, f, "workloads (Deployments and DaemonSets)", parse_workload);
    } else if (key == "services") {
      parse_list(r, f, "ClusterIP services", parse_service);
    } else if (key == "traffic") {
      keep_raw(r, f, spec.traffic);
    } else if (key == "costs") {
      keep_raw(r, f, spec.costs);
    } else if (key == "run") {
      keep_raw(r, f, spec.run);
    }
  }
  if (spec.cluster.name.empty() && spec.marks.count("cluster") != 0 && r.sink().usable("cluster.name")) {
    r.error("cluster.name", spec.mark("cluster"), "the cluster needs a name", "name: a name such as aks-demo",
            "add 'name: ...' under cluster");
  }
}

}  // namespace cnisim::cluster
