#pragma once
// `cnisim sweep`: a grid of runs of one scenario, each point a combination of the values given with
// --vary (plugin, kube-proxy mode, node count, chatty rate or concurrency, seed), and its outputs: a row
// per point in CSV and JSON (every metric of report::metrics), a text table of the headline figures,
// and an HTML page with a line chart per headline metric against the last swept variable, one line
// per combination of the others (per plugin when only the plugin is varied besides it).
//
// A point whose scenario cannot be built or run (the node count does not fit the subnet, the traffic
// is over the work budget) keeps its row with the reason in `error` and no figures: that it does not fit
// is itself an answer.
#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "models/dataplane/results.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::report {

enum class SweepKey { Plugin, KubeProxy, Nodes, Rate, Concurrency, Seed };

struct SweepVariable {
  SweepKey key = SweepKey::Plugin;
  std::string name;                 // as written: "plugin", "nodes", ...
  std::vector<std::string> values;  // as written, in order
};

// "KEY=V1,V2,...". Throws std::invalid_argument saying what is wrong, what is expected and an example.
SweepVariable parse_vary(const std::string& text);
// The keys --vary takes, for help and errors: "plugin, kube-proxy, nodes, rate, concurrency, seed".
std::string sweep_keys();

// The grid's points as value indices per variable, the last variable varying fastest.
std::vector<std::vector<std::size_t>> sweep_grid(const std::vector<SweepVariable>& variables);

// The scenario of one point. Throws scenario::ScenarioError when a value does not fit it (nodes on a
// scenario with several node pools, rate on one without chatty traffic) and what apply_plugin throws.
scenario::ScenarioSpec apply_point(const scenario::ScenarioSpec& base, const std::vector<SweepVariable>& variables,
                                   const std::vector<std::size_t>& point);
// The seed of a point: its `seed` value when swept, else `seed`.
std::uint64_t point_seed(const std::vector<SweepVariable>& variables, const std::vector<std::size_t>& point,
                         std::uint64_t seed);

struct SweepPoint {
  std::vector<std::string> values;  // per variable
  std::vector<double> metrics;      // per report::metrics(false) entry; empty when error is set
  std::vector<std::string> notes;   // the run's notes (partial, failed calls)
  std::string error;
};
// A point's row from its run's results.
SweepPoint sweep_point(std::vector<std::string> values, const dataplane::Results& results);

struct Sweep {
  std::string scenario;
  std::uint64_t seed = 0;
  std::vector<SweepVariable> variables;
  std::vector<SweepPoint> points;  // grid order
};

std::string sweep_csv(const Sweep& sweep);
boost::json::value sweep_json(const Sweep& sweep);
std::string sweep_table(const Sweep& sweep);
std::string sweep_html(const Sweep& sweep);

}  // namespace cnisim::report
