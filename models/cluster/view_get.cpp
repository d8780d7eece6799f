// `kubectl get nodes|pods|svc` answered from the model: headers, column order and values as
// kubectl's printers (K8S pkg/printers/internalversion/printers.go) show them.
#include <boost/json.hpp>

#include <algorithm>
#include <numeric>

#include "models/scenario/aks_facts.hpp"
#include "models/cluster/json_pretty.hpp"
#include "models/cluster/table_writer.hpp"
#include "models/cluster/views.hpp"

namespace cnisim::cluster {
namespace {

namespace json = boost::json;

constexpr std::string_view kNoneText = "<none>";

json::object labels_json(const std::map<std::string, std::string>& labels) {
  json::object o;
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

std::string list_json(json::array items) {
  json::object list;
  list["apiVersion"] = "v1";
  list["items"] = std::move(items);
  list["kind"] = "List";
  list["metadata"] = json::object{{"resourceVersion", ""}};
  return to_kubectl_json(list);
}

std::string kubelet_version(const Cluster& c) {
  const auto& v = c.spec().cluster.kubernetesVersion;
  return !v.empty() && v.front() == 'v' ? v : "v" + v;
}

template <typename T, typename Key>
std::vector<T> sorted_indices(std::size_t n, Key key) {
  std::vector<T> idx(n);
  std::iota(idx.begin(), idx.end(), T{0});
  std::stable_sort(idx.begin(), idx.end(), [&](T a, T b) { return key(a) < key(b); });
  return idx;
}

std::string ports_text(const ServiceSpec& s) {
  std::string out;
  for (const auto& p : s.ports) {
    if (!out.empty()) out += ",";
    out += std::to_string(p.port) + "/" + p.protocol;
  }
  return out.empty() ? std::string(kNoneText) : out;
}

std::string selector_text(const std::map<std::string, std::string>& selector) {
  std::string out;
  for (const auto& [k, v] : selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out.empty() ? std::string(kNoneText) : out;
}

// kubectl's message when a namespaced list is empty.
std::string no_resources(const NamespaceFilter& filter) {
  return filter.allNamespaces ? "No resources found\n" : "No resources found in " + filter.namespace_ + " namespace.\n";
}

// With -A, kubectl adds a NAMESPACE column in front.
std::vector<std::string> namespace_column(const NamespaceFilter& filter) {
  return filter.allNamespaces ? std::vector<std::string>{"NAMESPACE"} : std::vector<std::string>{};
}

}  // namespace

std::string view_nodes(const Cluster& c, OutputFormat format) {
  const auto order = sorted_indices<NodeIndex>(c.nodes().size(), [&](NodeIndex i) { return c.nodes()[i].name; });
  const std::string version = kubelet_version(c);
  if (format == OutputFormat::Json) {
    json::array items;
    for (NodeIndex i : order) {
      const Node& n = c.nodes()[i];
      const auto& pool = c.spec().nodePools[n.pool];
      const bool windows = n.os == OsType::Windows;
      json::object labels{{"agentpool", pool.name},
                          {"kubernetes.io/hostname", n.name},
                          {"kubernetes.io/os", windows ? "windows" : "linux"},
                          {"kubernetes.io/role", aks::kNodeRole},
                          {"node.kubernetes.io/instance-type", pool.vmSize}};
      json::object spec;
      if (n.podCidr) {
        spec["podCIDR"] = n.podCidr->to_string();
        spec["podCIDRs"] = json::array{json::value(n.podCidr->to_string())};
      }
      json::object node_info{{"architecture", "amd64"},
                             {"containerRuntimeVersion", windows ? aks::kWindowsRuntime : aks::kLinuxRuntime},
                             {"kernelVersion", windows ? aks::kWindowsKernel : aks::kLinuxKernel},
                             {"kubeletVersion", version},
                             {"operatingSystem", windows ? "windows" : "linux"},
                             {"osImage", windows ? aks::kWindowsOsImage : aks::kLinuxOsImage}};
      json::object status{
          {"addresses", json::array{json::object{{"address", n.ip.to_string()}, {"type", "InternalIP"}},
                                    json::object{{"address", n.name}, {"type", "Hostname"}}}},
          {"conditions", json::array{json::object{{"status", "True"}, {"type", "Ready"}}}},
          {"nodeInfo", std::move(node_info)}};
      items.push_back(json::object{{"apiVersion", "v1"},
                                   {"kind", "Node"},
                                   {"metadata", json::object{{"labels", std::move(labels)}, {"name", n.name}}},
                                   {"spec", std::move(spec)},
                                   {"status", std::move(status)}});
    }
    return list_json(std::move(items));
  }
  const bool wide = format == OutputFormat::Wide;
  TableWriter t;
  std::vector<std::string> header{"NAME", "STATUS", "ROLES", "AGE", "VERSION"};
  if (wide) header.insert(header.end(), {"INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"});
  t.row(header);
  for (NodeIndex i : order) {
    const Node& n = c.nodes()[i];
    std::vector<std::string> r{n.name, "Ready", std::string(aks::kNodeRole), std::string(kSimulatedAge), version};
    if (wide) {
      const bool windows = n.os == OsType::Windows;
      r.insert(r.end(), {n.ip.to_string(), std::string(kNoneText),
                         std::string(windows ? aks::kWindowsOsImage : aks::kLinuxOsImage),
                         std::string(windows ? aks::kWindowsKernel : aks::kLinuxKernel),
                         std::string(windows ? aks::kWindowsRuntime : aks::kLinuxRuntime)});
    }
    t.row(std::move(r));
  }
  return t.str();
}

std::string view_pods(const Cluster& c, const NamespaceFilter& filter, OutputFormat format) {
  std::vector<PodIndex> selected;
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    if (filter.matches(c.pod_namespace(p))) selected.push_back(p);
  }
  std::vector<std::pair<std::string, std::string>> keys;  // (namespace, name), computed once
  keys.reserve(selected.size());
  for (PodIndex p : selected) keys.emplace_back(c.pod_namespace(p), c.pod_name(p));
  const auto order = sorted_indices<std::size_t>(selected.size(), [&](std::size_t i) { return keys[i]; });

  if (format == OutputFormat::Json) {
    json::array items;
    for (std::size_t i : order) {
      const PodIndex p = selected[i];
      const Pod& pod = c.pods()[p];
      const auto& w = c.workload(p);
      const Node& node = c.nodes()[pod.node];
      json::object spec{{"containers", json::array{json::object{{"image", w.image}, {"name", w.name}}}},
                        {"nodeName", node.name}};
      if (w.hostNetwork) spec["hostNetwork"] = true;
      json::object status{{"hostIP", node.ip.to_string()},
                          {"hostIPs", json::array{json::object{{"ip", node.ip.to_string()}}}},
                          {"phase", "Running"},
                          {"podIP", pod.ip.to_string()},
                          {"podIPs", json::array{json::object{{"ip", pod.ip.to_string()}}}}};
      items.push_back(json::object{
          {"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", json::object{{"labels", labels_json(w.labels)}, {"name", keys[i].second}, {"namespace", keys[i].first}}},
          {"spec", std::move(spec)},
          {"status", std::move(status)}});
    }
    return list_json(std::move(items));
  }
  if (selected.empty()) return no_resources(filter);
  const bool wide = format == OutputFormat::Wide;
  TableWriter t;
  std::vector<std::string> header = namespace_column(filter);
  header.insert(header.end(), {"NAME", "READY", "STATUS", "RESTARTS", "AGE"});
  if (wide) header.insert(header.end(), {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"});
  t.row(header);
  for (std::size_t i : order) {
    const PodIndex p = selected[i];
    std::vector<std::string> r;
    if (filter.allNamespaces) r.push_back(keys[i].first);
    r.insert(r.end(), {keys[i].second, "1/1", "Running", "0", std::string(kSimulatedAge)});
    if (wide) {
      r.insert(r.end(), {c.pods()[p].ip.to_string(), c.nodes()[c.pods()[p].node].name, std::string(kNoneText),
                         std::string(kNoneText)});
    }
    t.row(std::move(r));
  }
  return t.str();
}

std::string view_services(const Cluster& c, const NamespaceFilter& filter, OutputFormat format) {
  std::vector<ServiceIndex> selected;
  for (ServiceIndex s = 0; s < c.services().size(); ++s) {
    if (filter.matches(c.service_spec(s).namespace_)) selected.push_back(s);
  }
  const auto order = sorted_indices<std::size_t>(selected.size(), [&](std::size_t i) {
    const auto& s = c.service_spec(selected[i]);
    return std::make_pair(s.namespace_, s.name);
  });
  if (format == OutputFormat::Json) {
    json::array items;
    for (std::size_t i : order) {
      const auto& svc = c.services()[selected[i]];
      const auto& s = c.service_spec(selected[i]);
      json::array ports;
      for (const auto& p : s.ports) {
        json::object port{{"port", p.port}, {"protocol", p.protocol}, {"targetPort", p.targetPort ? p.targetPort : p.port}};
        if (!p.name.empty()) port["name"] = p.name;
        ports.push_back(std::move(port));
      }
      json::object spec{{"clusterIP", svc.clusterIP.to_string()},
                        {"clusterIPs", json::array{json::value(svc.clusterIP.to_string())}},
                        {"internalTrafficPolicy", "Cluster"},
                        {"ipFamilies", json::array{"IPv4"}},
                        {"ipFamilyPolicy", "SingleStack"},
                        {"ports", std::move(ports)},
                        {"sessionAffinity", "None"},
                        {"type", "ClusterIP"}};
      if (!s.selector.empty()) spec["selector"] = labels_json(s.selector);
      items.push_back(json::object{{"apiVersion", "v1"},
                                   {"kind", "Service"},
                                   {"metadata", json::object{{"name", s.name}, {"namespace", s.namespace_}}},
                                   {"spec", std::move(spec)},
                                   {"status", json::object{{"loadBalancer", json::object{}}}}});
    }
    return list_json(std::move(items));
  }
  if (selected.empty()) return no_resources(filter);
  const bool wide = format == OutputFormat::Wide;
  TableWriter t;
  std::vector<std::string> header = namespace_column(filter);
  header.insert(header.end(), {"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"});
  if (wide) header.push_back("SELECTOR");
  t.row(header);
  for (std::size_t i : order) {
    const auto& s = c.service_spec(selected[i]);
    std::vector<std::string> r;
    if (filter.allNamespaces) r.push_back(s.namespace_);
    r.insert(r.end(), {s.name, "ClusterIP", c.services()[selected[i]].clusterIP.to_string(), std::string(kNoneText),
                       ports_text(s), std::string(kSimulatedAge)});
    if (wide) r.push_back(selector_text(s.selector));
    t.row(std::move(r));
  }
  return t.str();
}

}  // namespace cnisim::cluster
