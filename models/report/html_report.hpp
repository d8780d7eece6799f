#pragma once
// `--html FILE`: one self-contained page (inline CSS and SVG, no scripts, nothing fetched): the
// comparison table, a latency CDF per variant, the per-hop breakdown as stacked bars and the path of a
// typical cross-node packet under each variant.
#include <string>

#include "models/report/comparison.hpp"
#include "models/report/svg_chart.hpp"

namespace cnisim::report {

std::string to_html(const Comparison& comparison);

// The pages' style sheet (the sweep's page uses it too).
const std::string& html_style();

// The stacked-bar data: per variant, the mean time per packet (us) spent in each device kind's
// service, in queueing anywhere, and on the wire of links.
std::vector<Bar> hop_breakdown_bars(const Comparison& comparison);

}  // namespace cnisim::report
