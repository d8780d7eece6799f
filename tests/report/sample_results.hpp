#pragma once
// Results as a run would fill them, built from histograms of recorded latencies (no simulation), for
// testing the report formats on their own.
#include "models/report/comparison.hpp"

namespace cnisim::testing {

// A variant whose call latencies are base_us, base_us + 1, ... (200 calls) and whose packets cross
// `hops` devices; different base_us give visibly different results.
report::Variant sample_variant(const std::string& plugin, double base_us, int hops);
// kubenet (slower) then azure.
report::Comparison sample_comparison();

}  // namespace cnisim::testing
