// cnisim plan: VNet addresses this cluster consumes under every plugin and the largest cluster that fits.
#include <iostream>

#include "models/cluster/views.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {

Subcommand plan_subcommand() {
  Subcommand s;
  s.name = "plan";
  s.summary = "compare VNet address use and the largest cluster that fits under each plugin";
  s.usage = "cnisim plan [-f FILE]";
  s.examples =
      "  cnisim plan                                   # the walkthrough cluster\n"
      "  cnisim plan -f scenarios/seed-walkthrough-azure.yaml\n";
  s.options = [](po::options_description& o, po::positional_options_description&) { add_scenario_options(o); };
  s.run = [](const po::variables_map& vm) {
    std::cout << cluster::view_plan(load_scenario(vm));
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
