// `cnisim graph`: the topology as Graphviz DOT.
#include <sstream>

#include "models/cluster/views.hpp"

namespace cnisim::cluster {

std::string view_graph(const Cluster& c) {
  std::ostringstream out;
  write_dot(
      out, c.topology(), [&](DeviceId id) { return c.device_name(id); },
      [&](DeviceId id) { return c.devices()[id].kind; });
  return out.str();
}

}  // namespace cnisim::cluster
