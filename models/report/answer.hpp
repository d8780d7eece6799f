#pragma once
// The comparison's answer in words, stated once for the table and the HTML page: "kubenet adds X us
// (Y%) per request over azure", the band `--sensitivity` found, and the costs the difference rests on.
#include <optional>
#include <string>
#include <vector>

#include "models/report/comparison.hpp"

namespace cnisim::report {

// Mean latency of one user request: a chain when the traffic has chains, else a call, else a ping.
// The mean, not a percentile: it is exact (percentiles are within 1%, which would blur a difference
// of a few us) and it adds up over the hops, so the difference splits into the kinds that make it.
double request_mean_us(const dataplane::Results& results);
// Variant 0 minus variant 1, per request (mean), in us.
double headline_difference_us(const Comparison& comparison);

// The device and link kinds that make the difference: time per request by kind (service, queueing and
// wire), variant 0 minus variant 1, largest magnitude first, those of at least 1% of the difference.
struct Contribution {
  std::string kind;  // "bridge", "link bridge-port"
  double us = 0;     // per request
};
std::vector<Contribution> difference_contributions(const Comparison& comparison);

// "kubenet adds 6.7 us (3.0%) per request over azure (mean of user requests: 234.190 vs 227.459 us);
// between ... and ... us with each assumed cost 50% lower or higher. It rests on ...": nothing
// when there are fewer than two variants or no requests.
std::optional<std::string> answer_text(const Comparison& comparison);

}  // namespace cnisim::report
