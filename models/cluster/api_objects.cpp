#include "models/cluster/api_objects.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <set>

#include "models/cluster/pod_naming.hpp"
#include "models/scenario/aks_facts.hpp"
#include "models/scenario/node_reservations.hpp"
#include "models/scenario/scenario_parser.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::cluster {
namespace {

namespace json = boost::json;

// A version-4-shaped UUID from the object's identity (stable across runs, distinct per object).
std::string uid(const Cluster& c, std::string_view kind, std::string_view ns, std::string_view name) {
  const std::string key = c.spec().cluster.name + "/" + std::string(kind) + "/" + std::string(ns) + "/" + std::string(name);
  const std::uint64_t a = stable_hash(key), b = stable_hash(key + "#");
  char out[40];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

json::object labels_json(const std::map<std::string, std::string>& labels) {
  json::object o;
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

std::string kubelet_version(const Cluster& c) {
  const auto& v = c.spec().cluster.kubernetesVersion;
  return !v.empty() && v.front() == 'v' ? v : "v" + v;
}

// The ReplicaSet of a Deployment's pods: <deployment>-<pod-template-hash>, the hash being the middle
// part of the pod names.
std::string template_hash(const std::string& pod_name, const std::string& workload) {
  const auto rest = pod_name.substr(workload.size() + 1);
  return rest.substr(0, rest.find('-'));
}

struct Builder {
  const Cluster& c;
  std::uint64_t resource_version = 1000;  // counts objects in creation order, as etcd's revision would

  json::object metadata(std::string_view kind, const std::string& ns, const std::string& name,
                        const std::map<std::string, std::string>& labels) {
    json::object m{{"creationTimestamp", kCreationTimestamp},
                   {"name", name},
                   {"resourceVersion", std::to_string(++resource_version)},
                   {"uid", uid(c, kind, ns, name)}};
    if (!ns.empty()) m["namespace"] = ns;
    if (!labels.empty()) m["labels"] = labels_json(labels);
    return m;
  }

  std::vector<ApiObject> nodes() {
    std::vector<ApiObject> out;
    const std::string version = kubelet_version(c);
    for (NodeIndex i = 0; i < c.nodes().size(); ++i) {
      const Node& n = c.nodes()[i];
      const auto& pool = c.spec().nodePools[n.pool];
      const bool windows = n.os == OsType::Windows;
      std::map<std::string, std::string> labels{{"agentpool", pool.name},
                                                {"kubernetes.io/hostname", n.name},
                                                {"kubernetes.io/os", windows ? "windows" : "linux"},
                                                {"kubernetes.io/role", std::string(aks::kNodeRole)},
                                                {"node.kubernetes.io/instance-type", pool.vmSize}};
      // AKS writes REGION-ZONE ("eastus-1"); a scenario has no region, so the zone alone.
      if (n.zone != 0) labels["topology.kubernetes.io/zone"] = std::to_string(n.zone);
      json::object spec;
      if (n.podCidr) {
        spec["podCIDR"] = n.podCidr->to_string();
        spec["podCIDRs"] = json::array{json::value(n.podCidr->to_string())};
      }
      spec["providerID"] = "azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_" +
                           c.spec().cluster.name + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + n.name;
      json::object node_info{{"architecture", "amd64"},
                             {"containerRuntimeVersion", windows ? aks::kWindowsRuntime : aks::kLinuxRuntime},
                             {"kernelVersion", windows ? aks::kWindowsKernel : aks::kLinuxKernel},
                             {"kubeletVersion", version},
                             {"operatingSystem", windows ? "windows" : "linux"},
                             {"osImage", windows ? aks::kWindowsOsImage : aks::kLinuxOsImage}};
      const std::string max_pods = std::to_string(n.maxPods);
      // Capacity: the VM size's vCPUs and memory and the pool's maxPods; allocatable: less what AKS
      // reserves for the kubelet and the OS (scenario/node_reservations.hpp).
      // Keys in the API server's (sorted) order.
      json::object capacity, allocatable;
      if (const auto* size = scenario::find_vm_size(pool.vmSize)) {
        const auto left = scenario::aks_allocatable(size->vcpus, size->memory_mib, n.maxPods,
                                                    scenario::kubernetes_minor(c.spec().cluster.kubernetesVersion).value_or(29));
        capacity["cpu"] = std::to_string(size->vcpus);
        capacity["memory"] = std::to_string(size->memory_mib * 1024) + "Ki";
        allocatable["cpu"] = std::to_string(left.cpu_millicores) + "m";
        allocatable["memory"] = std::to_string(left.memory_kib) + "Ki";
      }
      capacity["pods"] = max_pods;
      allocatable["pods"] = max_pods;
      json::object status{
          {"addresses", json::array{json::object{{"address", n.ip.to_string()}, {"type", "InternalIP"}},
                                    json::object{{"address", n.name}, {"type", "Hostname"}}}},
          {"allocatable", std::move(allocatable)},
          {"capacity", std::move(capacity)},
          {"conditions", json::array{json::object{{"lastTransitionTime", kCreationTimestamp},
                                                  {"message", "kubelet is posting ready status"},
                                                  {"reason", "KubeletReady"},
                                                  {"status", "True"},
                                                  {"type", "Ready"}}}},
          {"nodeInfo", std::move(node_info)}};
      ApiObject o{ApiKind::Node, "", n.name, labels, {}};
      o.json = json::object{{"apiVersion", "v1"},
                            {"kind", "Node"},
                            {"metadata", metadata("Node", "", n.name, labels)},
                            {"spec", std::move(spec)},
                            {"status", std::move(status)}};
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<ApiObject> pods() {
    std::vector<ApiObject> out;
    for (PodIndex p = 0; p < c.pods().size(); ++p) {
      const Pod& pod = c.pods()[p];
      const auto& w = c.workload(p);
      const Node& node = c.nodes()[pod.node];
      const auto name = c.pod_name(p);
      auto labels = w.labels;
      json::array owners;
      if (w.kind == WorkloadKind::Deployment) {
        const auto hash = template_hash(name, w.name);
        labels["pod-template-hash"] = hash;
        const auto rs = w.name + "-" + hash;
        owners.push_back(json::object{{"apiVersion", "apps/v1"}, {"blockOwnerDeletion", true}, {"controller", true},
                                      {"kind", "ReplicaSet"}, {"name", rs}, {"uid", uid(c, "ReplicaSet", w.namespace_, rs)}});
      } else {
        owners.push_back(json::object{{"apiVersion", "apps/v1"}, {"blockOwnerDeletion", true}, {"controller", true},
                                      {"kind", "DaemonSet"}, {"name", w.name},
                                      {"uid", uid(c, "DaemonSet", w.namespace_, w.name)}});
      }
      auto meta = metadata("Pod", w.namespace_, name, labels);
      meta["ownerReferences"] = std::move(owners);
      json::object spec{{"containers", json::array{json::object{{"image", w.image}, {"name", w.name}}}},
                        {"nodeName", node.name}};
      if (w.hostNetwork) spec["hostNetwork"] = true;
      json::array conditions;
      for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
        conditions.push_back(json::object{{"lastTransitionTime", kCreationTimestamp}, {"status", "True"}, {"type", type}});
      }
      json::object status{
          {"conditions", std::move(conditions)},
          {"containerStatuses",
           json::array{json::object{{"image", w.image},
                                    {"name", w.name},
                                    {"ready", true},
                                    {"restartCount", 0},
                                    {"started", true},
                                    {"state", json::object{{"running", json::object{{"startedAt", kCreationTimestamp}}}}}}}},
          {"hostIP", node.ip.to_string()},
          {"hostIPs", json::array{json::object{{"ip", node.ip.to_string()}}}},
          {"phase", "Running"},
          {"podIP", pod.ip.to_string()},
          {"podIPs", json::array{json::object{{"ip", pod.ip.to_string()}}}},
          {"qosClass", "BestEffort"},
          {"startTime", kCreationTimestamp}};
      ApiObject o{ApiKind::Pod, w.namespace_, name, labels, {}};
      o.json = json::object{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(meta)},
                            {"spec", std::move(spec)}, {"status", std::move(status)}};
      out.push_back(std::move(o));
    }
    return out;
  }

  json::array service_ports(const ServiceSpec& s, const Service& svc) {
    json::array ports;
    for (std::size_t k = 0; k < s.ports.size(); ++k) {
      const auto& p = s.ports[k];
      json::object port{{"port", p.port}, {"protocol", p.protocol}, {"targetPort", p.targetPort ? p.targetPort : p.port}};
      if (!p.name.empty()) port["name"] = p.name;
      if (k < svc.nodePorts.size()) port["nodePort"] = svc.nodePorts[k];
      ports.push_back(std::move(port));
    }
    return ports;
  }

  std::vector<ApiObject> services() {
    std::vector<ApiObject> out;
    for (ServiceIndex i = 0; i < c.services().size(); ++i) {
      const auto& svc = c.services()[i];
      const auto& s = c.service_spec(i);
      json::object spec{{"clusterIP", svc.clusterIP.to_string()},
                        {"clusterIPs", json::array{json::value(svc.clusterIP.to_string())}},
                        {"internalTrafficPolicy", s.internalTrafficPolicy == TrafficPolicy::Local ? "Local" : "Cluster"},
                        {"ipFamilies", json::array{"IPv4"}},
                        {"ipFamilyPolicy", "SingleStack"},
                        {"ports", service_ports(s, svc)},
                        {"sessionAffinity", s.affinityClientIP ? "ClientIP" : "None"},
                        {"type", s.type == ServiceType::NodePort ? "NodePort" : "ClusterIP"}};
      if (s.type == ServiceType::NodePort) {
        spec["externalTrafficPolicy"] = s.externalTrafficPolicy == TrafficPolicy::Local ? "Local" : "Cluster";
      }
      if (s.affinityClientIP) {
        spec["sessionAffinityConfig"] =
            json::object{{"clientIP", json::object{{"timeoutSeconds", s.affinityTimeoutSeconds}}}};
      }
      if (!s.selector.empty()) spec["selector"] = labels_json(s.selector);
      ApiObject o{ApiKind::Service, s.namespace_, s.name, {}, {}};
      o.json = json::object{{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", metadata("Service", s.namespace_, s.name, {})},
                            {"spec", std::move(spec)},
                            {"status", json::object{{"loadBalancer", json::object{}}}}};
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<ApiObject> endpoints() {
    std::vector<ApiObject> out;
    for (ServiceIndex i = 0; i < c.services().size(); ++i) {
      const auto& svc = c.services()[i];
      const auto& s = c.service_spec(i);
      json::array addresses;
      for (PodIndex p : svc.endpoints) {
        addresses.push_back(json::object{
            {"ip", c.pods()[p].ip.to_string()},
            {"nodeName", c.nodes()[c.pods()[p].node].name},
            {"targetRef", json::object{{"kind", "Pod"}, {"name", c.pod_name(p)}, {"namespace", c.pod_namespace(p)},
                                       {"uid", uid(c, "Pod", c.pod_namespace(p), c.pod_name(p))}}}});
      }
      json::array ports;
      for (const auto& p : s.ports) {
        json::object port{{"port", p.targetPort ? p.targetPort : p.port}, {"protocol", p.protocol}};
        if (!p.name.empty()) port["name"] = p.name;
        ports.push_back(std::move(port));
      }
      json::array subsets;
      if (!addresses.empty()) subsets.push_back(json::object{{"addresses", std::move(addresses)}, {"ports", std::move(ports)}});
      ApiObject o{ApiKind::Endpoints, s.namespace_, s.name, {}, {}};
      o.json = json::object{{"apiVersion", "v1"}, {"kind", "Endpoints"},
                            {"metadata", metadata("Endpoints", s.namespace_, s.name, {})},
                            {"subsets", std::move(subsets)}};
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<ApiObject> deployments() {
    std::vector<ApiObject> out;
    for (std::uint32_t i = 0; i < c.spec().workloads.size(); ++i) {
      const auto& w = c.spec().workloads[i];
      if (w.kind != WorkloadKind::Deployment) continue;
      std::uint32_t placed = 0;
      for (PodIndex p = 0; p < c.pods().size(); ++p) placed += c.pods()[p].workload == i ? 1 : 0;
      json::object container{{"image", w.image}, {"name", w.name}};
      json::object pod_spec{{"containers", json::array{std::move(container)}}};
      if (w.hostNetwork) pod_spec["hostNetwork"] = true;
      json::object pod_template{{"metadata", json::object{{"labels", labels_json(w.labels)}}},
                                {"spec", std::move(pod_spec)}};
      json::object spec{{"replicas", w.replicas},
                        {"selector", json::object{{"matchLabels", labels_json(w.labels)}}},
                        {"template", std::move(pod_template)}};
      json::object status{{"availableReplicas", placed}, {"readyReplicas", placed}, {"replicas", placed},
                          {"updatedReplicas", placed}};
      ApiObject o{ApiKind::Deployment, w.namespace_, w.name, w.labels, {}};
      o.json = json::object{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                            {"metadata", metadata("Deployment", w.namespace_, w.name, w.labels)},
                            {"spec", std::move(spec)}, {"status", std::move(status)}};
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<ApiObject> namespaces() {
    // AKS's own namespaces, and every one a workload or Service uses.
    std::set<std::string> names{"default", "kube-node-lease", "kube-public", "kube-system"};
    for (const auto& w : c.spec().workloads) names.insert(w.namespace_);
    for (const auto& s : c.spec().services) names.insert(s.namespace_);
    std::vector<ApiObject> out;
    for (const auto& n : names) {
      std::map<std::string, std::string> labels{{"kubernetes.io/metadata.name", n}};
      ApiObject o{ApiKind::Namespace, "", n, labels, {}};
      o.json = json::object{{"apiVersion", "v1"}, {"kind", "Namespace"},
                            {"metadata", metadata("Namespace", "", n, labels)},
                            {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
                            {"status", json::object{{"phase", "Active"}}}};
      out.push_back(std::move(o));
    }
    return out;
  }
};

}  // namespace

const std::vector<ApiKindName>& api_kinds() {
  static const std::vector<ApiKindName> kinds = {
      {ApiKind::Node, "nodes", "node", "no", "Node", "node", false},
      {ApiKind::Pod, "pods", "pod", "po", "Pod", "pod", true},
      {ApiKind::Service, "services", "service", "svc", "Service", "service", true},
      {ApiKind::Deployment, "deployments", "deployment", "deploy", "Deployment", "deployment.apps", true},
      {ApiKind::Endpoints, "endpoints", "endpoints", "ep", "Endpoints", "endpoints", true},
      {ApiKind::Namespace, "namespaces", "namespace", "ns", "Namespace", "namespace", false},
  };
  return kinds;
}

const ApiKindName* find_api_kind(const std::string& word) {
  for (const auto& k : api_kinds()) {
    if (word == k.plural || word == k.singular || word == k.shortname) return &k;
  }
  return nullptr;
}

const ApiKindName& api_kind_name(ApiKind kind) {
  const auto& kinds = api_kinds();
  return *std::find_if(kinds.begin(), kinds.end(), [&](const ApiKindName& k) { return k.kind == kind; });
}

std::string not_found_message(ApiKind kind, const std::string& name, const std::string& namespace_, bool all_namespaces) {
  const auto& k = api_kind_name(kind);
  return std::string(k.plural) + " \"" + name + "\" not found" +
         (k.namespaced && !all_namespaces ? " in namespace " + namespace_ : std::string()) + " (list them: cnisim get " +
         k.plural + (k.namespaced ? " -A" : "") + ")";
}

std::vector<ApiObject> api_objects(const Cluster& c, ApiKind kind) {
  // resourceVersions: a range per kind (etcd's revision counts every write of the cluster).
  Builder b{c, 1000 + 10'000'000ULL * static_cast<std::uint64_t>(kind)};
  std::vector<ApiObject> out;
  switch (kind) {
    case ApiKind::Node: out = b.nodes(); break;
    case ApiKind::Pod: out = b.pods(); break;
    case ApiKind::Service: out = b.services(); break;
    case ApiKind::Deployment: out = b.deployments(); break;
    case ApiKind::Endpoints: out = b.endpoints(); break;
    case ApiKind::Namespace: out = b.namespaces(); break;
  }
  std::stable_sort(out.begin(), out.end(), [](const ApiObject& a, const ApiObject& b2) {
    return std::tie(a.namespace_, a.name) < std::tie(b2.namespace_, b2.name);
  });
  return out;
}

const json::value* field_at(const json::object& object, std::initializer_list<const char*> path) {
  const json::value* v = nullptr;
  const json::object* cur = &object;
  for (const char* key : path) {
    if (!cur) return nullptr;
    v = cur->if_contains(key);
    if (!v) return nullptr;
    cur = v->is_object() ? &v->get_object() : nullptr;
  }
  return v;
}

const json::value* field_at(const json::value& value, std::initializer_list<const char*> path) {
  if (path.size() == 0) return &value;
  return value.is_object() ? field_at(value.get_object(), path) : nullptr;
}

std::string text_of(const json::value& value) {
  return value.is_string() ? std::string(value.get_string()) : json::serialize(value);
}

std::string field_text(const json::value& value, std::initializer_list<const char*> path, const char* none) {
  const auto* f = field_at(value, path);
  return f ? text_of(*f) : none;
}

std::string field_text(const json::object& object, std::initializer_list<const char*> path, const char* none) {
  const auto* f = field_at(object, path);
  return f ? text_of(*f) : none;
}

}  // namespace cnisim::cluster
