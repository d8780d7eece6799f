// A node pool's vmSize must be a size the simulator knows: the data path takes the node's vCPUs and
// network bandwidth from it (models/scenario/vm_sizes.cpp).
#include <algorithm>
#include <vector>

#include "models/scenario/spelling.hpp"
#include "models/scenario/validation_rules.hpp"
#include "models/scenario/vm_sizes.hpp"

namespace cnisim::scenario {

void check_vm_sizes(RuleContext& c) {
  const auto& pools = c.spec().nodePools;
  std::vector<std::string_view> names;
  for (const auto& s : vm_sizes()) names.push_back(s.name);
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const std::string path = pool_path(i) + ".vmSize";
    if (!c.usable({path}) || find_vm_size(pools[i].vmSize)) continue;
    const auto close = closest_match(pools[i].vmSize, names);
    c.report(path, "unknown VM size '" + pools[i].vmSize + "'",
             "an Azure VM size in the simulator's table, such as Standard_DS2_v2, Standard_D4s_v3 or Standard_D8s_v5",
             close ? "did you mean '" + *close + "'?"
                   : "the table (models/scenario/vm_sizes.cpp) holds the Dv2, DSv2, Dv3, Dsv3, Dv5 and Dsv5 sizes; "
                     "add a row with its source to model another");
  }
}

}  // namespace cnisim::scenario
