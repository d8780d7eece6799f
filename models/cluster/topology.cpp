#include "models/cluster/topology.hpp"

namespace cnisim::cluster {

std::string_view to_string(DeviceKind kind) { return scenario::info(kind).name; }

std::string_view to_string(LinkKind kind) { return scenario::info(kind).name; }

}  // namespace cnisim::cluster
