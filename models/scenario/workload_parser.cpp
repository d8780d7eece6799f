// One entry of workloads, and the label maps workloads and services share.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/k8s_names.hpp"
#include "models/scenario/section_parsers.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kWorkloadKeys[] = {"kind",  "namespace", "name",        "replicas",
                                              "image", "labels",    "hostNetwork", "nodeSelector"};
constexpr std::string_view kNodeOsKey = "kubernetes.io/os";
// The most pods any AKS cluster can run: a sanity bound for replicas before scheduling is checked.
constexpr std::uint64_t kMaxReplicas = std::uint64_t{aks::kMaxNodesPerCluster} * aks::kMaxMaxPods;

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
      r.error(path, r.spec().mark(path), "unknown operating system " + FieldReader::quoted(value),
              "linux or windows", "node OS labels are lowercase");
    }
  }
}

}  // namespace

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
              "keys and values of at most 63 letters, digits, '-', '_' or '.'",
              "labels look like 'app: nginx'");
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
            "no replicas key for kind DaemonSet",
            "a DaemonSet runs one pod on every eligible node; remove replicas");
  }
  r.spec().workloads.push_back(w);
}

}  // namespace cnisim::scenario
