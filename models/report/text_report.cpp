#include "models/report/text_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/report/metrics.hpp"
#include "models/report/answer.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"
#include "models/report/visible_rows.hpp"

namespace cnisim::report {

namespace {

// Columns: the first left-aligned, the others right-aligned, two spaces apart.
class AlignedTable {
 public:
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void write(std::ostream& out) const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_) {
      width.resize(std::max(width.size(), r.size()), 0);
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    for (const auto& r : rows_) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const std::string pad(width[i] - r[i].size(), ' ');
        line += i == 0 ? r[i] + pad : "  " + pad + r[i];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::string format_table(const Comparison& c) {
  std::ostringstream out;
  const auto& variants = c.variants;
  out << "cnisim " << c.command << ": " << c.scenario << ", seed " << c.seed << "\n";
  if (variants.empty()) return out.str();
  const auto& base = variants.front();
  out << "cluster " << base.results.cluster << ", cost profile " << base.results.profile << ", route lookups charged "
      << lookup_model_text(base.results.lookup_cost_model) << "\n";
  if (variants.size() > 1) out << "differences and ratios are against " << base.label << "\n";
  for (const auto& v : variants) {
    for (const auto& note : variant_notes(v)) out << "[" << v.label << "] " << note << "\n";
  }
  if (const auto answer = answer_text(c)) out << "answer: " << *answer << "\n";

  // One table for every section, so columns line up down the whole report.
  AlignedTable t;
  for (const auto& section : visible_sections(c)) {
    t.row({});
    std::vector<std::string> head{section.group};
    for (const auto& v : variants) head.push_back(v.label);
    for (std::size_t i = 1; i < variants.size(); ++i) {
      head.push_back(variants[i].label + " diff");
      head.push_back(variants[i].label + " ratio");
    }
    t.row(head);
    for (const Metric* m : section.metrics) {
      std::vector<std::string> cells{"  " + m->label + " (" + m->unit + ")"};
      const double b = m->value(base.results);
      for (const auto& v : variants) cells.push_back(format_value(m->value(v.results), m->unit));
      for (std::size_t i = 1; i < variants.size(); ++i) {
        const double x = m->value(variants[i].results);
        cells.push_back(format_difference(difference(x, b), m->unit));
        cells.push_back(format_ratio(ratio(x, b)));
      }
      t.row(cells);
    }
  }
  t.write(out);
  if (!c.host_figures) out << "\n(machine-dependent figures such as the measured cost of a route lookup: add --host-figures)\n";
  if (c.sensitivity) {
    const auto& sens = *c.sensitivity;
    out << "\nSensitivity: " << variants[0].label << " minus " << variants[1].label
        << " per request (mean, us) with each assumed cost " << sens.percent << "% lower / higher\n";
    AlignedTable st;
    st.row({"  cost", "lower", "higher", "swing"});
    st.row({"  (all as in the profile)", format_fixed(sens.base_us, 3), format_fixed(sens.base_us, 3), "0.000"});
    for (const auto& r : sens.rows) {
      st.row({"  " + r.cost, format_fixed(r.low_us, 3), format_fixed(r.high_us, 3),
              format_fixed(std::abs(r.high_us - r.low_us), 3)});
    }
    st.write(out);
  }
  return out.str();
}

}  // namespace cnisim::report
