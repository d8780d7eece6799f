#include "models/dataplane/devices/external_host.hpp"

namespace cnisim::dataplane::devices {

std::int64_t ExternalHosts::serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d,
                                  Packet& p) const {
  if (p.in_link != cluster::kNone) {
    if (p.tuple.dst == cx.cluster.externals()[d.pod].ip) {
      p.verdict = Verdict::Deliver;
    } else {
      ServeContext::drop(p, DropReason::NotForUs);
    }
    return 0;
  }
  cx.forward(p, device, cx.cluster.vnet_router());
  return 0;
}

}  // namespace cnisim::dataplane::devices
