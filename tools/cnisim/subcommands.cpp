#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      run_subcommand(),
      compare_subcommand(),
      sweep_subcommand(),
      trace_subcommand(),
      get_subcommand(),
      describe_subcommand(),
      routes_subcommand(),
      plan_subcommand(),
      graph_subcommand(),
      emulate_subcommand(),
      init_subcommand(),
      calibrate_subcommand(),
  };
  return table;
}

}  // namespace cnisim::cli
