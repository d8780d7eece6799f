// cnisim sweep: a grid of runs (--vary KEY=V1,V2 ...), a row per point in CSV or JSON, a text table,
// and an HTML page with a line chart per headline metric; on the thread pool, or over MPI ranks.
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "models/cluster/builder.hpp"
#include "models/report/json_report.hpp"
#include "models/report/parallel_runs.hpp"
#include "models/report/sweep.hpp"
#include "models/workload/scenario_run.hpp"
#include "tools/cnisim/comparison_run.hpp"
#include "tools/cnisim/scenario_input.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "tools/cnisim/sweep_mpi.hpp"

namespace cnisim::cli {

namespace {

// What keeps a point from running, in one line.
std::string why(const std::exception& e) {
  std::string text = e.what();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

Subcommand sweep_subcommand() {
  Subcommand s;
  s.name = "sweep";
  s.summary = "run a grid of variants of a scenario (--vary) and report each point: CSV, JSON, HTML charts";
  s.usage = "cnisim sweep [-f FILE] --vary KEY=V1,V2,... [--vary ...] [-j N] [-o table|csv|json] [--html FILE]";
  s.examples =
      "  cnisim sweep -f scenarios/chatty-app.yaml --vary plugin=kubenet,azure --vary nodes=3,10,40\n"
      "  cnisim sweep -f scenarios/chatty-app.yaml --vary plugin=kubenet,azure --vary rate=100,1000 -o csv\n"
      "  cnisim sweep -f scenarios/service-heavy.yaml --vary kube-proxy=iptables,nftables --html sweep.html\n"
      "  mpirun -np 4 cnisim sweep -f scenarios/chatty-app.yaml --vary nodes=3,50,400   # over MPI ranks\n"
      "KEY: " + report::sweep_keys() + ". The chart's x axis is the last --vary; a line per value of the others.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_scenario_options(o);
    add_strict_option(o);
    o.add_options()("vary", po::value<std::vector<std::string>>()->composing()->value_name("KEY=V1,V2,..."),
                    ("a swept variable and its values (repeatable): KEY is one of " + report::sweep_keys()).c_str())(
        "jobs,j", po::value<std::string>()->value_name("N"), "points run at once on this machine (default: one per hardware thread)")(
        "output,o", po::value<std::string>()->default_value("table")->value_name("FORMAT"), "table | csv | json: a row per point")(
        "html", po::value<std::string>()->value_name("FILE"), "also write an HTML page with a line chart per headline metric")(
        "seed", po::value<std::string>()->value_name("N"), "random seed of every point (default: the scenario's run.seed)")(
        "duration", po::value<std::string>()->value_name("DURATION"), "stop every point's run at this simulated time, e.g. 2ms")(
        "max-events", po::value<std::string>()->value_name("N"),
        "refuse a point whose traffic is estimated to need more than N engine events (default 6e9)");
  };
  s.run = [](const po::variables_map& vm) {
    if (!vm.count("vary")) throw UsageError("sweep needs at least one --vary KEY=V1,V2,... (KEY: " + report::sweep_keys() + "), e.g. --vary nodes=3,50,400");
    std::vector<report::SweepVariable> variables;
    for (const auto& text : vm["vary"].as<std::vector<std::string>>()) {
      try {
        auto v = report::parse_vary(text);
        for (const auto& earlier : variables) {
          if (earlier.name == v.name) throw UsageError("--vary " + v.name + " is given twice: list every value in one --vary " + v.name + "=...");
        }
        variables.push_back(std::move(v));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    }
    const auto& format = vm["output"].as<std::string>();
    if (format != "table" && format != "json" && format != "csv") {
      throw UsageError("unknown output format '" + format + "': expected table, csv or json (e.g. -o csv)");
    }
    const std::size_t jobs = vm.count("jobs") ? parse_whole_number(vm["jobs"].as<std::string>(), 1, kMaxJobs, "-j", "-j 4")
                                              : std::min(report::default_jobs(), kMaxJobs);
    std::optional<std::uint64_t> seed;
    std::optional<sim::Time> duration;
    std::uint64_t max_events = workload::kDefaultMaxEvents;
    read_run_bounds(vm, seed, duration, max_events);
    if (started_by_mpirun() && !mpi_built()) {
      throw UsageError("this cnisim was built without MPI, so mpirun would run the whole sweep once per rank\n"
                       "  hint: install openmpi-bin and libboost-mpi1.81-dev and rebuild (tools/setup.sh does), or run without mpirun and use -j");
    }

    const auto base = load_scenario(vm, true);
    const std::string scenario_arg = vm.count("file") ? vm["file"].as<std::string>() : default_scenario_path();
    const auto grid = report::sweep_grid(variables);
    // Every point's scenario first: a value that cannot apply to this scenario is bad input, before any run.
    std::vector<scenario::ScenarioSpec> specs;
    for (const auto& point : grid) {
      try {
        specs.push_back(report::apply_point(base, variables, point));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
      if (duration) specs.back().run.duration = *duration;
    }
    report::Sweep sweep;
    sweep.scenario = scenario_arg;
    sweep.seed = seed.value_or(base.run.seed);
    sweep.variables = variables;
    const std::function<report::SweepPoint(std::size_t)> run_point = [&](std::size_t i) {
      std::vector<std::string> values;
      for (std::size_t v = 0; v < variables.size(); ++v) values.push_back(variables[v].values[grid[i][v]]);
      workload::RunOptions options;
      options.seed = report::point_seed(variables, grid[i], sweep.seed);
      options.max_events = max_events;
      try {
        return report::sweep_point(std::move(values), workload::run_scenario(specs[i], options));
      } catch (const std::exception& e) {
        report::SweepPoint p;
        p.values = std::move(values);
        p.error = why(e);
        return p;
      }
    };
    if (started_by_mpirun()) {
      std::size_t ranks = 1;
      auto points = run_points_on_ranks(grid.size(), jobs, run_point, &ranks);
      if (!points) return 0;  // not rank 0: rank 0 writes
      spdlog::info("{} points over {} MPI ranks", grid.size(), ranks);
      sweep.points = std::move(*points);
    } else {
      spdlog::info("{} points on {} thread(s)", grid.size(), std::min(jobs, grid.size()));
      sweep.points = report::run_in_parallel(grid.size(), jobs, run_point);
    }
    if (format == "csv") {
      std::cout << report::sweep_csv(sweep);
    } else if (format == "json") {
      std::cout << report::pretty_json(report::sweep_json(sweep));
    } else {
      std::cout << report::sweep_table(sweep);
    }
    if (vm.count("html")) {
      const auto& path = vm["html"].as<std::string>();
      std::ofstream out(path, std::ios::binary);
      out << report::sweep_html(sweep);
      if (!out) throw std::runtime_error("cannot write " + path);
    }
    for (std::size_t i = 0; i < sweep.points.size(); ++i) {
      if (!sweep.points[i].error.empty()) std::cerr << "cnisim sweep: point " << i << " not run: " << sweep.points[i].error << '\n';
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
