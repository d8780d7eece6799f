#include "models/dataplane/devices/external_host.hpp"

#include <algorithm>

namespace cnisim::dataplane::devices {

std::int64_t ExternalHosts::serve(const ServeContext& cx, cluster::DeviceId device, const cluster::Device& d,
                                  Packet& p) const {
  const cluster::Cluster& c = cx.cluster;
  const bool internet = d.kind == scenario::DeviceKind::InternetHost;
  if (p.in_link != cluster::kNone) {
    // The internet host stands for the whole internet: it takes whatever Azure routes to the internet.
    if (internet || p.tuple.dst == c.externals()[d.pod].ip) {
      p.verdict = Verdict::Deliver;
    } else {
      ServeContext::drop(p, DropReason::NotForUs);
    }
    return 0;
  }
  // From the internet, a reply to one of the cluster's outbound public IPs comes in through its egress
  // device; anything else through the VNet.
  const auto& egress = c.egress();
  if (internet && egress.device != cluster::kNone &&
      std::find(egress.publicIps.begin(), egress.publicIps.end(), p.tuple.dst) != egress.publicIps.end()) {
    cx.forward(p, device, egress.device);
    return 0;
  }
  cx.forward(p, device, c.vnet_router());
  return 0;
}

}  // namespace cnisim::dataplane::devices
