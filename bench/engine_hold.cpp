// The hold model (Jones 1986): N events pending; each executed event schedules one new event at
// now + Exp(mean 1 us), through the public Simulator API. Prints events per second for each queue
// implementation and N, median of 5 runs.
//   engine_hold [--json] [--short] [--runs R] [--events M]
#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_report.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"

namespace po = boost::program_options;
using namespace cnisim::sim;

namespace {

struct Hold {
  Simulator* sim;
  RandomStream* rng;
  std::uint64_t* remaining;
  void operator()() const {
    if (--*remaining == 0) sim->stop();
    sim->schedule_in(rng->exponential(us(1)), *this);
  }
};

// Returns events per second over `events` timed events after a warm-up of `n` events.
double hold_run(QueueKind kind, std::uint64_t n, std::uint64_t events, std::uint64_t seed) {
  Simulator sim(kind);
  RandomStream rng(seed);
  std::uint64_t remaining = n;  // warm-up: every preloaded event runs once on average
  for (std::uint64_t i = 0; i < n; ++i) sim.schedule_in(rng.exponential(us(1)), Hold{&sim, &rng, &remaining});
  sim.run();
  remaining = events;
  const auto before = sim.events_executed();
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  const auto t1 = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  return static_cast<double>(sim.events_executed() - before) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("engine_hold options");
  bool json = false, short_mode = false;
  int runs = 5;
  std::uint64_t events = 0;
  std::uint64_t only_n = 0;
  std::string only_impl;
  opts.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "one JSON object per line")(
      "short", po::bool_switch(&short_mode), "a quick run (fewer events, one run, N up to 10^5)")(
      "runs", po::value(&runs), "runs per configuration; the median is reported (default 5)")(
      "events", po::value(&events), "timed events per run (default 5,000,000; --short 500,000)")(
      "n", po::value(&only_n), "run only this number of pending events")(
      "impl", po::value<std::string>(), "run only this queue: radix-heap or binary-heap");
  po::variables_map vm;
  if (const auto rc = cnisim::bench::parse_command_line(argc, argv, opts, "engine_hold", vm)) return *rc;
  if (events == 0) events = short_mode ? 500'000 : 5'000'000;
  if (short_mode && !vm.count("runs")) runs = 1;
  if (vm.count("impl")) only_impl = vm["impl"].as<std::string>();
  if (!only_impl.empty() && only_impl != "radix-heap" && only_impl != "binary-heap") {
    std::cerr << "engine_hold: --impl must be radix-heap or binary-heap, not '" << only_impl << "'\n";
    return 2;
  }
  std::vector<std::uint64_t> sizes = short_mode ? std::vector<std::uint64_t>{1'000, 100'000}
                                                : std::vector<std::uint64_t>{1'000, 100'000, 1'000'000};

  cnisim::bench::BenchReport report("engine_hold", json);
  if (only_n != 0) sizes = {only_n};
  for (auto kind : {QueueKind::RadixHeap, QueueKind::BinaryHeap}) {
    if (!only_impl.empty() && only_impl != to_string(kind)) continue;
    for (auto n : sizes) {
      std::vector<double> rates;
      for (int r = 0; r < runs; ++r) rates.push_back(hold_run(kind, n, events, 1 + static_cast<std::uint64_t>(r)));
      std::sort(rates.begin(), rates.end());
      const double median = rates[rates.size() / 2];
      report.row({{"impl", std::string(to_string(kind))},
                  {"n", n},
                  {"events_per_s", median},
                  {"ns_per_event", 1e9 / median},
                  {"min_events_per_s", rates.front()},
                  {"max_events_per_s", rates.back()},
                  {"runs", runs}});
    }
  }
  report.print_table();
  return 0;
}
