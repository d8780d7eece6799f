#include "models/dataplane/devices/serve_context.hpp"

#include <stdexcept>

namespace cnisim::dataplane {

const scenario::VmSize& node_vm_size(const cluster::Cluster& c, cluster::NodeIndex n) {
  const auto& pool = c.spec().nodePools[c.nodes()[n].pool];
  const scenario::VmSize* size = scenario::find_vm_size(pool.vmSize);
  if (!size) {
    throw std::logic_error("node pool " + pool.name + " has VM size '" + pool.vmSize +
                           "', which is not in the size table; scenario validation should have refused it");
  }
  return *size;
}

}  // namespace cnisim::dataplane
