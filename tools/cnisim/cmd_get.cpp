// cnisim get TYPE[,TYPE] [NAME...]: kubectl's tables, JSON, YAML, names, JSONPath and custom columns,
// answered from the model.
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/jsonpath.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {
namespace {

void read_format(const po::variables_map& vm, cluster::GetRequest& r) {
  if (!vm.count("output")) return;
  const auto& o = vm["output"].as<std::string>();
  const auto eq = o.find('=');
  const auto name = o.substr(0, eq);
  const auto arg = eq == std::string::npos ? std::string() : o.substr(eq + 1);
  using F = cluster::GetFormat;
  if (name == "wide" && eq == std::string::npos) r.format = F::Wide;
  else if (name == "json" && eq == std::string::npos) r.format = F::Json;
  else if (name == "yaml" && eq == std::string::npos) r.format = F::Yaml;
  else if (name == "name" && eq == std::string::npos) r.format = F::Name;
  else if (name == "jsonpath" && !arg.empty()) r.format = F::JsonPath;
  else if (name == "custom-columns" && !arg.empty()) r.format = F::CustomColumns;
  else {
    throw UsageError("unknown output format '" + o +
                     "': expected wide, json, yaml, name, jsonpath=TEMPLATE or custom-columns=SPEC "
                     "(e.g. -o jsonpath='{.items[*].spec.podCIDR}')");
  }
  r.formatArg = arg;
}

std::string kind_names() {
  std::string out;
  for (const auto& k : cluster::api_kinds()) out += (out.empty() ? "" : ", ") + std::string(k.plural) + " (" + k.shortname + ")";
  return out;
}

int run_get(const po::variables_map& vm) {
  if (!vm.count("resource")) {
    throw UsageError("get needs a resource type: " + kind_names() + " (e.g. cnisim get pods -A)");
  }
  const auto args = vm["resource"].as<std::vector<std::string>>();
  cluster::GetRequest r;
  for (const auto& word : split_list(args[0], "get", "nodes,pods")) {
    const auto* kind = cluster::find_api_kind(word);
    if (!kind) {
      std::vector<std::string> known;
      for (const auto& k : cluster::api_kinds()) known.insert(known.end(), {k.plural, k.singular, k.shortname});
      const auto hint = did_you_mean(word, known);
      throw UsageError("unknown resource type '" + word + "'" + (hint ? "; did you mean '" + *hint + "'?" : "") +
                       " expected one of " + kind_names());
    }
    r.kinds.push_back(kind->kind);
  }
  r.names.assign(args.begin() + 1, args.end());
  read_format(vm, r);
  r.filter.allNamespaces = vm.count("all-namespaces") > 0;
  if (vm.count("namespace")) r.filter.namespace_ = vm["namespace"].as<std::string>();
  if (vm.count("selector")) r.selector = vm["selector"].as<std::string>();
  if (vm.count("sort-by")) r.sortBy = vm["sort-by"].as<std::string>();
  r.showLabels = vm.count("show-labels") > 0;
  const auto cluster = cluster::build_cluster(load_scenario(vm));
  try {
    std::cout << cluster::view_get(cluster, r);
  } catch (const cluster::JsonPathError& e) {
    throw UsageError(e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return 0;
}

}  // namespace

Subcommand get_subcommand() {
  Subcommand s;
  s.name = "get";
  s.summary = "list nodes, pods, services, deployments, endpoints or namespaces as kubectl shows them";
  s.usage = "cnisim get TYPE[,TYPE...] [NAME...] [-A | -n NS] [-l SELECTOR] [--show-labels] [--sort-by JSONPATH]\n"
            "           [-o wide|json|yaml|name|jsonpath=TEMPLATE|custom-columns=SPEC] [-f FILE] [--plugin P]";
  s.examples =
      "  cnisim get nodes -o wide                  # node IPs from the node subnet\n"
      "  cnisim get node -o jsonpath='{.items[*].spec.podCIDR}'   # each node's pod /24 (kubenet)\n"
      "  cnisim get pods -A -o wide                # pod IPs and their nodes, all namespaces\n"
      "  cnisim get pods -l app=nginx --show-labels --sort-by .status.podIP\n"
      "  cnisim get pods -A -o custom-columns=NAME:.metadata.name,IP:.status.podIP,NODE:.spec.nodeName\n"
      "  cnisim get svc,endpoints -A               # ClusterIPs and the pods behind them\n"
      "  cnisim get deploy,ns                      # Deployments and namespaces\n"
      "  cnisim get pod NAME -o yaml               # one object as the API server returns it\n"
      "AGE is not simulated: every object shows " + std::string(cluster::kSimulatedAge) + ".\n";
  s.options = [](po::options_description& o, po::positional_options_description& p) {
    o.add_options()("resource", po::value<std::vector<std::string>>(), "TYPE[,TYPE] [NAME...]")(
        "output,o", po::value<std::string>()->value_name("FORMAT"),
        "wide | json | yaml | name | jsonpath=TEMPLATE | custom-columns=SPEC")(
        "all-namespaces,A", "list across all namespaces")(
        "namespace,n", po::value<std::string>()->value_name("NS"), "namespace (default: default)")(
        "selector,l", po::value<std::string>()->value_name("SELECTOR"), "label selector: app=web,tier!=db,env in (a,b)")(
        "show-labels", "add a LABELS column")(
        "sort-by", po::value<std::string>()->value_name("JSONPATH"), "sort by a field, e.g. .metadata.name");
    add_scenario_options(o);
    p.add("resource", -1);
  };
  s.run = run_get;
  return s;
}

}  // namespace cnisim::cli
