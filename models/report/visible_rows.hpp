#pragma once
// Which metric rows the text and HTML tables show: grouped by section in metric order, leaving out
// rows marked hide_when_zero that are 0 under every variant, and sections left empty.
#include <string>
#include <vector>

#include "models/report/comparison.hpp"
#include "models/report/metrics.hpp"

namespace cnisim::report {

struct Section {
  std::string group;
  std::vector<const Metric*> metrics;
};

std::vector<Section> visible_sections(const Comparison& comparison);

}  // namespace cnisim::report
