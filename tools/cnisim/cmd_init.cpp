// cnisim init: a starter scenario from `az aks create`'s own flags, or from the JSON of `az aks show`.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/scenario/aks_facts.hpp"
#include "models/scenario/az_import.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {
namespace {

// az aks create's flag for each scenario field init writes.
struct FlagField {
  const char* flag;
  const char* field;  // the field path the loader reports
};
constexpr FlagField kFlagFields[] = {
    {"network-plugin", "cluster.networkProfile.networkPlugin"},
    {"network-plugin-mode", "cluster.networkProfile.networkPluginMode"},
    {"network-dataplane", "cluster.networkProfile.networkDataplane"},
    {"network-policy", "cluster.networkProfile.networkPolicy"},
    {"pod-cidr", "cluster.networkProfile.podCidr"},
    {"service-cidr", "cluster.networkProfile.serviceCidr"},
    {"dns-service-ip", "cluster.networkProfile.dnsServiceIP"},
    {"outbound-type", "cluster.networkProfile.outboundType"},
    {"kubernetes-version", "cluster.kubernetesVersion"},
    {"name", "cluster.name"},
    {"node-count", "nodePools[0].count"},
    {"node-vm-size", "nodePools[0].vmSize"},
    {"max-pods", "nodePools[0].maxPods"},
};

// A diagnostic about the written file, said of the flag its value came from.
std::string flag_message(const scenario::Diagnostic& d) {
  std::string where;
  for (const auto& f : kFlagFields) {
    if (d.path.rfind(f.field, 0) == 0 && (where.empty() || std::string(f.field).size() > where.size())) where = f.flag;
  }
  std::string text = (where.empty() ? std::string("the starter scenario") : "--" + where) + ": " + d.message;
  if (!d.expected.empty()) text += "; expected " + d.expected;
  if (!d.hint.empty()) text += "; hint: " + d.hint;
  if (where.empty() && !d.path.empty()) text += " (field " + d.path + ")";
  return text;
}

void add_flag(po::options_description& o, const char* name, const char* what) {
  o.add_options()(name, po::value<std::string>()->value_name("VALUE"), what);
}

std::optional<std::string> flag(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

scenario::StarterRequest from_flags(const po::variables_map& vm) {
  scenario::StarterRequest r;
  r.source = "az aks create";
  for (const auto& f : kFlagFields) {
    if (vm.count(f.flag)) r.source += std::string(" --") + f.flag + " " + vm[f.flag].as<std::string>();
  }
  if (auto v = flag(vm, "name")) r.name = *v;
  r.kubernetesVersion = flag(vm, "kubernetes-version");
  r.networkPlugin = flag(vm, "network-plugin");
  r.networkPluginMode = flag(vm, "network-plugin-mode");
  r.networkDataplane = flag(vm, "network-dataplane");
  r.networkPolicy = flag(vm, "network-policy");
  r.podCidr = flag(vm, "pod-cidr");
  r.serviceCidr = flag(vm, "service-cidr");
  r.dnsServiceIP = flag(vm, "dns-service-ip");
  r.outboundType = flag(vm, "outbound-type");
  if (vm.count("node-count") || vm.count("node-vm-size") || vm.count("max-pods")) {
    scenario::StarterPool pool;
    pool.name = "nodepool1";  // az aks create --nodepool-name default
    pool.count = scenario::aks::kDefaultNodeCount;  // a pool needs its count; az's default when not given
    if (auto v = flag(vm, "node-count")) pool.count = static_cast<std::uint32_t>(parse_whole_number(*v, 0, 1000, "--node-count", "3"));
    pool.vmSize = flag(vm, "node-vm-size");
    if (auto v = flag(vm, "max-pods")) pool.maxPods = static_cast<std::uint32_t>(parse_whole_number(*v, 1, 250, "--max-pods", "110"));
    r.pools.push_back(pool);
  }
  if (vm.count("zones")) {
    std::string zones;
    for (const auto& z : vm["zones"].as<std::vector<std::string>>()) zones += (zones.empty() ? "" : " ") + z;
    r.source += " --zones " + zones;
    r.notes.push_back("--zones " + zones + ": zones are not modelled yet (cross-zone hops: issue 13); the pool is one zone");
  }
  return r;
}

}  // namespace

Subcommand init_subcommand() {
  Subcommand s;
  s.name = "init";
  s.summary = "write a starter scenario from az aks create's flags or az aks show's JSON";
  s.usage = "cnisim init [az aks create flags] [--traffic chatty|bulk|service-heavy|none] [-o FILE]\n"
            "       cnisim init --from-az FILE [--traffic T] [-o FILE]";
  s.examples =
      "  cnisim init --network-plugin kubenet --node-count 4 -o my-cluster.yaml\n"
      "  cnisim init --network-plugin azure --network-plugin-mode overlay --pod-cidr 192.168.0.0/16\n"
      "  az aks show -g GROUP -n NAME -o json > cluster.json && cnisim init --from-az cluster.json -o mine.yaml\n"
      "Flags not given take AKS's defaults when the scenario is loaded (docs/scenario-format.md). What cannot be\n"
      "carried over (zones, egress profiles, unknown fields of az aks show) is printed and kept as comments.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_flag(o, "network-plugin", "kubenet | azure | none");
    add_flag(o, "network-plugin-mode", "overlay");
    add_flag(o, "network-dataplane", "azure | cilium");
    add_flag(o, "network-policy", "none | calico | azure | cilium");
    add_flag(o, "pod-cidr", "CIDR of the pod network (kubenet, overlay)");
    add_flag(o, "service-cidr", "CIDR of ClusterIPs");
    add_flag(o, "dns-service-ip", "kube-dns's ClusterIP");
    add_flag(o, "node-count", "nodes of the first pool");
    add_flag(o, "node-vm-size", "VM size of the first pool");
    add_flag(o, "max-pods", "pods per node of the first pool");
    add_flag(o, "outbound-type", "loadBalancer | managedNATGateway | userAssignedNATGateway | userDefinedRouting | none");
    add_flag(o, "kubernetes-version", "e.g. 1.30.0");
    add_flag(o, "name", "the cluster's name (default my-cluster)");
    o.add_options()("zones", po::value<std::vector<std::string>>()->multitoken()->value_name("ZONE..."),
                    "availability zones (not modelled yet: reported)")(
        "traffic", po::value<std::string>()->default_value("chatty")->value_name("T"),
        "chatty | bulk | service-heavy | none: the starter traffic")(
        "from-az", po::value<std::string>()->value_name("FILE"), "the JSON of az aks show -o json")(
        "output,o", po::value<std::string>()->value_name("FILE"), "write the scenario here (default stdout)")(
        "force", "overwrite FILE if it exists");
  };
  s.run = [](const po::variables_map& vm) {
    const auto traffic = scenario::starter_traffic_from(vm["traffic"].as<std::string>());
    if (!traffic) {
      throw UsageError("unknown --traffic '" + vm["traffic"].as<std::string>() +
                       "': expected chatty, bulk, service-heavy or none");
    }
    std::optional<scenario::AzImport> imported;
    scenario::StarterRequest request;
    if (vm.count("from-az")) {
      for (const auto& f : kFlagFields) {
        if (vm.count(f.flag)) {
          throw UsageError(std::string("--") + f.flag + " with --from-az: the cluster comes from the file; " +
                           "edit the written scenario instead");
        }
      }
      if (vm.count("zones")) throw UsageError("--zones with --from-az: the cluster comes from the file");
      imported = scenario::import_az_show_file(vm["from-az"].as<std::string>());
      request = imported->request;
    } else {
      request = from_flags(vm);
    }
    request.traffic = *traffic;
    if (vm.count("output") && !vm.count("force") && std::filesystem::exists(vm["output"].as<std::string>())) {
      throw UsageError(vm["output"].as<std::string>() + " exists; give --force to overwrite it");
    }
    std::string text;
    try {
      text = scenario::write_starter(request);
      if (*traffic == scenario::StarterTraffic::Bulk) {
        // Two pods of the cluster just written, on different nodes where there are two.
        const auto cluster = cluster::build_cluster(scenario::load_scenario_string(text, "cnisim init"));
        std::optional<cluster::PodIndex> from, to;
        for (cluster::PodIndex p = 0; p < cluster.pods().size(); ++p) {
          const auto& w = cluster.workload(p).name;
          if (w == "sender" && !from) from = p;
          if (w == "receiver" && !to) to = p;
        }
        if (!from || !to) throw std::runtime_error("the bulk template's sender and receiver pods were not placed");
        text = scenario::write_starter(request, {"pod/" + cluster.pod_name(*from), "pod/" + cluster.pod_name(*to)});
      }
    } catch (const scenario::ScenarioError& e) {
      if (imported) {
        std::vector<scenario::Diagnostic> moved;
        for (const auto& d : e.diagnostics()) moved.push_back(imported->relocate(d));
        throw scenario::ScenarioError(moved);
      }
      std::string message;
      for (const auto& d : e.diagnostics()) message += (message.empty() ? "" : "\ncnisim: ") + flag_message(d);
      throw UsageError(message);
    }
    for (const auto& note : request.notes) std::cerr << "cnisim init: not carried over: " << note << '\n';
    if (vm.count("output")) {
      const auto& path = vm["output"].as<std::string>();
      std::ofstream out(path);
      if (!(out << text) || !out.flush()) throw std::runtime_error("cannot write " + path);
      std::cerr << "cnisim init: wrote " << path << "; next: cnisim get pods -o wide -f " << path
                << " && cnisim compare -f " << path << '\n';
    } else {
      std::cout << text;
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
