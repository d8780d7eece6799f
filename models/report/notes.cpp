#include "models/report/notes.hpp"

#include <cmath>
#include <cstdio>

#include "models/scenario/quantity.hpp"

namespace cnisim::report {

std::string percent_text(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0 || part == 0) return "0";
  if (part >= whole) return "100";
  const double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  char buf[32];
  if (p < 0.01) return "<0.01";
  if (p > 99.9) return ">99.9";
  if (p < 1) std::snprintf(buf, sizeof buf, "%.2f", p);
  else if (p < 10) std::snprintf(buf, sizeof buf, "%.1f", p);
  else if (p <= 99) std::snprintf(buf, sizeof buf, "%.0f", p);
  else std::snprintf(buf, sizeof buf, "%.1f", p);
  return buf;
}

std::optional<std::string> partial_note(const dataplane::Results& r) {
  if (!r.partial) return std::nullopt;
  return "partial: interrupted at simulated time " + scenario::format_duration(sim::Time::from_ps(r.stopped_at_ps));
}

std::optional<std::string> failed_calls_note(const dataplane::Results& r) {
  if (r.calls_failed == 0) return std::nullopt;
  return percent_text(r.calls_failed, r.calls_failed + r.calls_completed) + "% of calls failed: latency covers only the rest";
}

std::vector<std::string> run_notes(const dataplane::Results& r) {
  std::vector<std::string> notes;
  if (auto n = partial_note(r)) notes.push_back(*n);
  if (auto n = failed_calls_note(r)) notes.push_back(*n);
  if (r.policy.engine != "none" && !r.policy.engine.empty()) {
    notes.push_back("network policy enforced by " + std::string(r.policy.engine == "calico"  ? "Calico (iptables)"
                                                                : r.policy.engine == "azure" ? "Azure NPM (iptables, ipsets)"
                                                                                             : "Cilium (eBPF)"));
  }
  return notes;
}

std::vector<std::string> variant_notes(const Variant& v) { return run_notes(v.results); }

bool any_partial(const Comparison& c) {
  for (const auto& v : c.variants) {
    if (v.results.partial) return true;
  }
  return false;
}

std::string lookup_model_text(const std::string& model) {
  if (model == "proportional") {
    return "proportional (a what-if: each lookup charged per route-table entry examined; Azure's SDN caches "
           "each flow, so its real per-packet cost does not grow with the table)";
  }
  if (model == "measured") return "measured (the lookups timed on this machine)";
  return model;
}

}  // namespace cnisim::report
