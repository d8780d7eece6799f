// cnisim describe node|pod|svc NAME: one object in kubectl describe's layout, answered from the model.
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {

Subcommand describe_subcommand() {
  Subcommand s;
  s.name = "describe";
  s.summary = "show one node, pod or service as kubectl describe does";
  s.usage = "cnisim describe (node|pod|svc) NAME [-n NAMESPACE] [-f FILE] [--plugin P]";
  s.examples =
      "  cnisim describe node aks-nodepool1-12883929-vmss000000   # PodCIDR, addresses, the pods on it\n"
      "  cnisim describe svc nginx                                 # ClusterIP and its endpoints\n"
      "  cnisim describe pod NAME -n kube-system\n";
  s.options = [](po::options_description& o, po::positional_options_description& p) {
    o.add_options()("resource", po::value<std::vector<std::string>>(), "TYPE NAME")(
        "namespace,n", po::value<std::string>()->value_name("NS"), "namespace (default: default)");
    add_scenario_options(o);
    p.add("resource", -1);
  };
  s.run = [](const po::variables_map& vm) {
    const auto args = vm.count("resource") ? vm["resource"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (args.size() != 2) {
      throw UsageError("describe needs a type and a name, e.g. cnisim describe node NAME (types: node, pod, svc)");
    }
    const auto* kind = cluster::find_api_kind(args[0]);
    if (!kind || (kind->kind != cluster::ApiKind::Node && kind->kind != cluster::ApiKind::Pod &&
                  kind->kind != cluster::ApiKind::Service)) {
      throw UsageError("cannot describe '" + args[0] + "': expected node, pod or svc");
    }
    const auto ns = vm.count("namespace") ? vm["namespace"].as<std::string>() : std::string("default");
    const auto cluster = cluster::build_cluster(load_scenario(vm));
    try {
      std::cout << cluster::view_describe(cluster, kind->kind, ns, args[1]);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
