// cnisim get nodes|pods|svc: kubectl's tables and JSON lists, answered from the model.
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {
namespace {

cluster::OutputFormat output_format(const po::variables_map& vm) {
  if (!vm.count("output")) return cluster::OutputFormat::Table;
  const auto& o = vm["output"].as<std::string>();
  if (o == "wide") return cluster::OutputFormat::Wide;
  if (o == "json") return cluster::OutputFormat::Json;
  throw UsageError("unknown output format '" + o + "': expected wide or json (or leave -o out for the table)");
}

int run_get(const po::variables_map& vm) {
  if (!vm.count("resource")) throw UsageError("get needs a resource: nodes, pods or svc (e.g. cnisim get pods -A)");
  const auto& resource = vm["resource"].as<std::string>();
  const auto format = output_format(vm);
  cluster::NamespaceFilter filter;
  filter.allNamespaces = vm.count("all-namespaces") > 0;
  if (vm.count("namespace")) filter.namespace_ = vm["namespace"].as<std::string>();
  enum class Kind { Nodes, Pods, Services };
  Kind kind;
  if (resource == "nodes" || resource == "node" || resource == "no") {
    kind = Kind::Nodes;
  } else if (resource == "pods" || resource == "pod" || resource == "po") {
    kind = Kind::Pods;
  } else if (resource == "svc" || resource == "services" || resource == "service") {
    kind = Kind::Services;
  } else {
    throw UsageError("unknown resource '" + resource + "': expected nodes, pods or svc");
  }
  const auto cluster = cluster::build_cluster(load_scenario(vm));
  switch (kind) {
    case Kind::Nodes: std::cout << cluster::view_nodes(cluster, format); break;
    case Kind::Pods: std::cout << cluster::view_pods(cluster, filter, format); break;
    case Kind::Services: std::cout << cluster::view_services(cluster, filter, format); break;
  }
  return 0;
}

}  // namespace

Subcommand get_subcommand() {
  Subcommand s;
  s.name = "get";
  s.summary = "list nodes, pods or services as kubectl shows them";
  s.usage = "cnisim get (nodes|pods|svc) [-A | -n NAMESPACE] [-o wide|json] [-f FILE] [--plugin P]";
  s.examples =
      "  cnisim get nodes -o wide                  # node IPs from the node subnet\n"
      "  cnisim get pods -A -o wide                # pod IPs and their nodes, all namespaces\n"
      "  cnisim get pods -A -o wide --plugin azure # the same cluster under Azure CNI\n"
      "  cnisim get svc -A                         # ClusterIPs from the service CIDR\n"
      "  cnisim get nodes -o json | jq -r '.items[].spec.podCIDR'\n"
      "AGE is not simulated: every object shows " + std::string(cluster::kSimulatedAge) + ".\n";
  s.options = [](po::options_description& o, po::positional_options_description& p) {
    o.add_options()("resource", po::value<std::string>(), "nodes | pods | svc")(
        "output,o", po::value<std::string>()->value_name("FORMAT"), "wide | json")(
        "all-namespaces,A", "list across all namespaces")(
        "namespace,n", po::value<std::string>()->value_name("NS"), "namespace (default: default)");
    add_scenario_options(o);
    p.add("resource", 1);
  };
  s.run = run_get;
  return s;
}

}  // namespace cnisim::cli
