#include "models/scenario/scenario_parser.hpp"

#include <charconv>

#include "models/scenario/section_parsers.hpp"
#include "models/scenario/spelling.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kTopKeys[] = {"cluster",         "nodePools", "workloads", "services", "namespaces",
                                         "networkPolicies", "traffic",   "costs",     "run"};

template <class ParseItem>
void parse_list(FieldReader& r, const Field& f, std::string_view what, ParseItem parse_item) {
  auto items = r.list(f, what);
  if (!items) return;
  for (std::size_t i = 0; i < items->size() && !r.sink().full(); ++i)
    parse_item(r, (*items)[i], item_path(f.path, i));
}

}  // namespace

std::string item_path(const std::string& list, std::size_t i) { return list + "[" + std::to_string(i) + "]"; }

bool check_name(FieldReader& r, const Field& f, const std::string& name, std::optional<std::string> problem,
                std::string expected, std::string hint) {
  if (!problem) return true;
  r.error(f.path, r.mark_of(f), "name " + FieldReader::quoted(name) + " " + *problem, std::move(expected),
          std::move(hint));
  return false;
}

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
    r.error("", r.mark_of(root),
            "expected a mapping of sections at the top level, got " + std::string(describe_node_type(root)),
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
    } else if (key == "namespaces") {
      parse_list(r, f, "namespaces ({name, labels})", parse_namespace);
    } else if (key == "networkPolicies") {
      parse_list(r, f, "NetworkPolicies", parse_network_policy);
    } else if (key == "traffic") {
      parse_traffic(r, f);
    } else if (key == "costs") {
      parse_costs(r, f);
    } else if (key == "run") {
      parse_run(r, f);
    }
  }
  if (spec.cluster.name.empty() && spec.marks.count("cluster") != 0 && r.sink().usable("cluster.name")) {
    r.error("cluster.name", spec.mark("cluster"), "the cluster needs a name", "name: a name such as aks-demo",
            "add 'name: ...' under cluster");
  }
}

}  // namespace cnisim::scenario
