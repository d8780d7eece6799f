#pragma once
// A comparison: one scenario run under several variants (network plugin x kube-proxy mode) with the
// same cluster, traffic, seed and pod placement. `cnisim run` is a comparison of one variant, so both
// commands share every report format. Variant 0 is the baseline that differences and ratios refer to.
#include <cstdint>
#include <string>
#include <vector>

#include "models/dataplane/results.hpp"

namespace cnisim::report {

struct Variant {
  std::string label;       // "kubenet", or "kubenet/iptables" when kube-proxy modes vary too
  std::string plugin;      // kubenet | azure | overlay | cilium | none
  std::string kube_proxy;  // iptables | ipvs | nftables
  dataplane::Results results;
  // The hops of one typical cross-node packet, one explanation per line (empty when none was traced).
  std::vector<std::string> typical_path;
};

struct Comparison {
  std::string command;   // "run" | "compare"
  std::string scenario;  // the scenario file as given
  std::uint64_t seed = 0;
  bool host_figures = false;  // include machine-dependent figures (never in golden files)
  std::vector<Variant> variants;
};

}  // namespace cnisim::report
