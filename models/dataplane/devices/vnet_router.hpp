#pragma once
// Azure's VNet (its SDN): the Azure route table (system routes plus the subnet's route table, UDRs
// such as kubenet's), then delivery to whoever owns the address the route delivers to.
#include <cstdint>

#include "models/dataplane/devices/serve_context.hpp"

namespace cnisim::dataplane::devices {

class VnetRouter {
 public:
  std::int64_t serve(const ServeContext& cx, Packet& p) const;
};

}  // namespace cnisim::dataplane::devices
