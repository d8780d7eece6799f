#include "models/report/visible_rows.hpp"

namespace cnisim::report {

std::vector<Section> visible_sections(const Comparison& c) {
  std::vector<Section> sections;
  for (const auto& m : metrics(c.host_figures)) {
    bool any = !m.hide_when_zero;
    for (const auto& v : c.variants) any = any || m.value(v.results) != 0;
    if (!any) continue;
    if (sections.empty() || sections.back().group != m.group) sections.push_back({m.group, {}});
    sections.back().metrics.push_back(&m);
  }
  return sections;
}

}  // namespace cnisim::report
