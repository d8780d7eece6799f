#include "models/report/answer.hpp"

#include <algorithm>
#include <cmath>

#include "models/cluster/topology.hpp"
#include "models/report/number_format.hpp"

namespace cnisim::report {
namespace {

double us(double ps) { return ps / 1e6; }

// Requests each variant completed: chains, else calls, else pings.
double requests(const dataplane::Results& r) {
  if (r.chain_latency.count > 0) return static_cast<double>(r.chain_latency.count);
  if (r.call_latency.count > 0) return static_cast<double>(r.call_latency.count);
  return static_cast<double>(r.ping_latency.count);
}

std::string what_is_a_request(const dataplane::Results& r) {
  if (r.chain_latency.count > 0) return "user requests";
  if (r.call_latency.count > 0) return "calls";
  return "pings";
}

}  // namespace

double request_mean_us(const dataplane::Results& r) {
  const auto& s = r.chain_latency.count > 0 ? r.chain_latency
                  : r.call_latency.count > 0 ? r.call_latency
                                             : r.ping_latency;
  return us(s.mean_ps);
}

double headline_difference_us(const Comparison& c) {
  if (c.variants.size() < 2) return 0;
  return request_mean_us(c.variants[0].results) - request_mean_us(c.variants[1].results);
}

std::vector<Contribution> difference_contributions(const Comparison& c) {
  std::vector<Contribution> out;
  if (c.variants.size() < 2) return out;
  const auto& a = c.variants[0].results;
  const auto& b = c.variants[1].results;
  const double ra = requests(a), rb = requests(b);
  if (ra == 0 || rb == 0) return out;
  const auto per_request = [](const dataplane::HopTime& t, double n) {
    return us(static_cast<double>(t.queueing_ps + t.service_ps + t.wire_ps)) / n;
  };
  for (std::size_t k = 0; k < dataplane::kDeviceKindCount; ++k) {
    out.push_back({std::string(cluster::to_string(static_cast<scenario::DeviceKind>(k))),
                   per_request(a.devices[k], ra) - per_request(b.devices[k], rb)});
  }
  for (std::size_t k = 0; k < dataplane::kLinkKindCount; ++k) {
    out.push_back({"link " + std::string(cluster::to_string(static_cast<scenario::LinkKind>(k))),
                   per_request(a.links[k], ra) - per_request(b.links[k], rb)});
  }
  const double total = std::abs(headline_difference_us(c));
  std::erase_if(out, [&](const Contribution& x) { return !(std::abs(x.us) >= 0.01 * total) || total == 0; });
  std::sort(out.begin(), out.end(), [&](const Contribution& x, const Contribution& y) {
    return std::abs(x.us) > std::abs(y.us) || (std::abs(x.us) == std::abs(y.us) && x.kind < y.kind);
  });
  return out;
}

std::optional<std::string> answer_text(const Comparison& c) {
  if (c.variants.size() < 2) return std::nullopt;
  const auto& a = c.variants[0];
  const auto& b = c.variants[1];
  if (requests(a.results) == 0 || requests(b.results) == 0) return std::nullopt;
  const double pa = request_mean_us(a.results), pb = request_mean_us(b.results);
  const double diff = pa - pb;
  const bool a_slower = diff >= 0;
  const auto& slower = a_slower ? a : b;
  const auto& faster = a_slower ? b : a;
  const double faster_us = a_slower ? pb : pa;
  std::string text = slower.label + " adds " + format_fixed(std::abs(diff), 3) + " us (" +
                     (faster_us > 0 ? format_fixed(100.0 * std::abs(diff) / faster_us, 1) : std::string("n/a")) +
                     "%) per request over " + faster.label + " (mean of " + what_is_a_request(a.results) + ": " +
                     format_fixed(pa, 3) + " vs " + format_fixed(pb, 3) + " us)";
  if (c.sensitivity) {
    const auto& s = *c.sensitivity;
    const double lo = a_slower ? s.min_us : -s.max_us, hi = a_slower ? s.max_us : -s.min_us;
    text += "; between " + format_fixed(lo, 3) + " and " + format_fixed(hi, 3) + " us with each assumed cost " +
            std::to_string(s.percent) + "% lower or higher";
    if (!s.rows.empty()) {
      text += ", moved most by";
      for (std::size_t i = 0; i < s.rows.size() && i < 3; ++i) text += (i ? ", " : " ") + s.rows[i].cost;
    }
  }
  text += ".";
  const auto parts = difference_contributions(c);
  if (!parts.empty()) {
    text += " Where it comes from, " + a.label + " minus " + b.label + " per request:";
    for (std::size_t i = 0; i < parts.size() && i < 4; ++i) {
      text += std::string(i ? ", " : " ") + parts[i].kind + " " + (parts[i].us >= 0 ? "+" : "-") +
              format_fixed(std::abs(parts[i].us), 3) + " us";
    }
    text += c.measured_costs.empty() ? "; every cost in this profile is assumed, none measured."
                                     : "; " + std::to_string(c.measured_costs.size()) +
                                           " of the profile's costs are measured, the rest assumed.";
  }
  return text;
}

}  // namespace cnisim::report
