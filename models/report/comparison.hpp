#pragma once
// A comparison: one scenario run under several variants (network plugin x kube-proxy mode) with the
// same cluster, traffic, seed and pod placement. `cnisim run` is a comparison of one variant, so both
// commands share every report format. Variant 0 is the baseline that differences and ratios refer to.
#include <cstdint>
#include <optional>
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
  // The topology with that path drawn (inline SVG, HTML only), or why it was not drawn.
  std::string typical_path_svg;
  std::string typical_path_not_drawn;
};

// `compare --sensitivity PCT`: the headline difference per request (variant 0 minus variant 1, mean
// of user requests) rerun with each cost that was not measured set PCT% lower and PCT% higher.
struct SensitivityRow {
  std::string cost;    // a profile leaf path, "devices.bridge.fixed"
  double low_us = 0;   // the difference with the cost PCT% lower
  double high_us = 0;  // ... PCT% higher
};
struct Sensitivity {
  int percent = 50;
  double base_us = 0;                 // the difference with every cost as in the profile
  double min_us = 0, max_us = 0;      // over every row, both ends, and the base
  std::vector<SensitivityRow> rows;   // largest swing |high - low| first
};

struct Comparison {
  std::string command;   // "run" | "compare"
  std::string scenario;  // the scenario file as given
  std::uint64_t seed = 0;
  bool host_figures = false;  // include machine-dependent figures (never in golden files)
  std::vector<Variant> variants;
  // The profile's numbers measured on a real kernel (every other number is assumed or published).
  std::vector<std::string> measured_costs;
  std::optional<Sensitivity> sensitivity;
};

}  // namespace cnisim::report
