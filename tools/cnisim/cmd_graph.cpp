// cnisim graph: the topology (devices and links) as Graphviz DOT.
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {

Subcommand graph_subcommand() {
  Subcommand s;
  s.name = "graph";
  s.summary = "write the cluster's topology as Graphviz DOT";
  s.usage = "cnisim graph [-f FILE] [--plugin P]";
  s.examples =
      "  cnisim graph | dot -Tsvg > topology.svg\n"
      "  cnisim graph --plugin azure | dot -Tpng > azure.png\n";
  s.options = [](po::options_description& o, po::positional_options_description&) { add_scenario_options(o); };
  s.run = [](const po::variables_map& vm) {
    std::cout << cluster::view_graph(cluster::build_cluster(load_scenario(vm)));
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
