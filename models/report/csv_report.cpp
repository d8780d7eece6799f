#include "models/report/csv_report.hpp"

#include "models/report/metrics.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"

namespace cnisim::report {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string to_csv(const Comparison& c) {
  std::string out = std::string(kCsvHeader) + "\n";
  if (c.variants.empty()) return out;
  const auto& base = c.variants.front().results;
  for (const auto& v : c.variants) {
    const auto partial = partial_note(v.results);
    const auto failed = failed_calls_note(v.results);
    for (const auto& m : metrics(c.host_figures)) {
      const double x = m.value(v.results);
      const double b = m.value(base);
      const auto r = ratio(x, b);
      std::string note = partial.value_or("");
      if (failed && (m.key.starts_with("latency.call.") || m.key.starts_with("latency.chain."))) {
        note += (note.empty() ? "" : "; ") + *failed;
      }
      out += csv_field(v.label) + "," + csv_field(v.plugin) + "," + csv_field(v.kube_proxy) + "," + csv_field(m.key) + "," +
             csv_field(m.unit) + "," + format_value(x, m.unit) + "," + format_value(difference(x, b), m.unit) + "," +
             (r ? format_fixed(*r, 6) : std::string()) + "," + csv_field(note) + "\n";
    }
  }
  return out;
}

}  // namespace cnisim::report
