// cnisim routes: the Azure route table, every node's kernel table and the NAT points.
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {

Subcommand routes_subcommand() {
  Subcommand s;
  s.name = "routes";
  s.summary = "show the Azure route table, each node's kernel routes and the NAT rules";
  s.usage = "cnisim routes [-f FILE] [--plugin P]";
  s.examples =
      "  cnisim routes                    # kubenet: one UDR per node, counted against the 400 limit\n"
      "  cnisim routes --plugin azure     # Azure CNI: no UDRs, a /32 host route per pod on each node\n";
  s.options = [](po::options_description& o, po::positional_options_description&) { add_scenario_options(o); };
  s.run = [](const po::variables_map& vm) {
    std::cout << cluster::view_routes(cluster::build_cluster(load_scenario(vm)));
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
