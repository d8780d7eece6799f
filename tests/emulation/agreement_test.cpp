// The model against this kernel, on latency: with a profile calibrated here with --stand-ins (the
// NIC and the VNet router charged what emulate's stand-ins for them cost, a veth pair crossing and an
// IP forward), the simulator's median and p90 call latency must be within 15% of the emulation's on
// the seed walkthrough and chatty-app, under kubenet and azure, and the kubenet-minus-azure
// difference must have the same sign and be within 30%.
//
// Same traffic, sizes and paths in both: each chatty entry on its own (chatty-app has three), the
// emulated calls one at a time (TrafficOptions::serial: on two shared cores, concurrent clients
// measure CPU contention, not the path; the model's calls hardly meet at a device, so its latency is
// the one-at-a-time latency), and each emulated kept-alive connection pinned to the server the
// model's reached (TrafficOptions::pins: the kernel draws a Service's endpoint per connection, and
// with ten connections the share of same-node calls would otherwise be luck). This machine is shared
// with other work whose load moves every absolute number by tens of percent within seconds, so the
// comparison is made in rounds: each round calibrates (1.5 s), then the simulator runs with that
// round's profile and the emulation right after; each side is taken over its undisturbed rounds, and
// a whole attempt the host slowed is measured again (kAttempts). Needs root and network namespaces
// (skipped with a message otherwise); CI runs as root.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <algorithm>
#include <iostream>
#include <memory>

#include "models/calibration/calibrate.hpp"
#include "models/calibration/calibrated_profile.hpp"
#include "models/calibration/statistics.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/traffic.hpp"
#include "models/workload/scenario_run.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

constexpr int kRounds = 11;
constexpr int kAttempts = 3;  // a whole attempt slowed by the host is measured again
constexpr double kLatencyTolerance = 0.15;
constexpr double kDifferenceTolerance = 0.30;
constexpr double kUndisturbed = 0.10;  // a round within 10% of a side's lowest is taken as not slowed

struct Case {
  cluster::PluginKind plugin;
  scenario::ScenarioSpec spec;  // with the default calls when the scenario has none
  std::unique_ptr<cluster::Cluster> cluster;
  std::unique_ptr<Emulation> emulation;
};

struct Figures {
  double emu_p50 = 0, emu_p90 = 0, sim_p50 = 0, sim_p90 = 0;  // us
};

std::vector<std::string> measure_and_compare(const std::string& file, std::vector<Case>& cases);

// Emulated and simulated call latency of every chatty entry of every case, per round, in up to
// kAttempts attempts: the first that agrees passes.
void check_agreement(const std::string& file) {
  std::vector<Case> cases;
  for (auto kind : {cluster::PluginKind::Kubenet, cluster::PluginKind::AzureNodeSubnet}) {
    Case c;
    c.plugin = kind;
    c.spec = scenario::load_scenario_file(scenario_path(file));
    if (c.spec.plugin() != kind) scenario::apply_plugin(c.spec, kind);
    c.cluster = std::make_unique<cluster::Cluster>(cluster::build_cluster(c.spec));
    REQUIRE(add_default_chatty(c.spec, *c.cluster));
    c.emulation = std::make_unique<Emulation>(*c.cluster);
    c.emulation->up();
    // Untimed: every path used once, so that neighbour entries and routes are in place (a proxy ARP
    // answer can take up to 0.8 s) before anything is compared.
    TrafficOptions priming;
    priming.max_calls = 100;
    priming.serial = true;
    run_emulated_traffic(*c.emulation, c.spec, priming);
    cases.push_back(std::move(c));
  }
  std::vector<std::string> failures;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::printf("%s: attempt %d of %d\n", file.c_str(), attempt, kAttempts);
    failures = measure_and_compare(file, cases);
    if (failures.empty()) break;
  }
  std::string text;
  for (const auto& f : failures) text += "\n  " + f;
  INFO(file << ": each of " << kAttempts << " attempts disagreed; the last one:" << text);
  CHECK(failures.empty());
}

// One attempt: kRounds rounds, then the comparison; what disagrees, one line each (none: agreement).
std::vector<std::string> measure_and_compare(const std::string& file, std::vector<Case>& cases) {
  std::vector<std::string> failures;
  const std::size_t entries = cases.front().spec.traffic.chatty.size();
  // [case][entry][round]
  std::vector<std::vector<std::vector<Figures>>> figures(cases.size(),
                                                          std::vector<std::vector<Figures>>(entries));
  const auto base = scenario::load_profile("aks-accelerated");
  const std::string profile_path = "/tmp/cnisim-agreement-" + std::to_string(::getpid()) + ".yaml";
  for (int round = 0; round < kRounds; ++round) {
    calibration::CalibrationOptions options;
    options.budget = std::chrono::milliseconds(1500);
    const auto measured = calibration::calibrate(options);
    {
      std::ofstream f(profile_path);
      f << calibration::calibrated_profile(measured, base, "aks-accelerated", true).yaml;
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
      for (std::size_t k = 0; k < entries; ++k) {
        auto spec = cases[i].spec;
        spec.traffic.chatty = {cases[i].spec.traffic.chatty[k]};
        // The model first: which server each of its kept-alive connections reached; the emulation's
        // connections are then made to reach the same ones (the kernel draws a Service's endpoint per
        // connection at random, and with a few connections per run the share of same-node calls, and
        // so the latency, would differ from the model's by the luck of the draw).
        scenario::use_profile(spec, profile_path);
        std::vector<dataplane::KeptConnection> model_connections, emulated_connections;
        workload::RunOptions run_options;
        run_options.kept_connections = &model_connections;
        const auto simulated = workload::run_scenario(spec, run_options);
        REQUIRE(simulated.calls_completed > 100);
        REQUIRE(!model_connections.empty());
        TrafficOptions limits;
        limits.max_calls = 600;
        limits.serial = true;
        limits.pins = &model_connections;
        limits.reached = &emulated_connections;
        auto emulated = run_emulated_traffic(*cases[i].emulation, spec, limits);
        if (emulated.partial) {
          // A call stalled until the time cap (TCP retransmitting after lost packets: seen now and then
          // under azure, a finding about the emulation, reported by cnisim emulate as "stopped by the
          // time cap"); said so, and the burst run again once.
          std::printf("%s %s: a call stalled until the time cap; burst run again\n", file.c_str(),
                      std::string(cluster::to_string(cases[i].plugin)).c_str());
          emulated = run_emulated_traffic(*cases[i].emulation, spec, limits);
        }
        INFO("round " << round << " case " << i << " started " << emulated.calls_started << " failed " << emulated.calls_failed << " cut off " << emulated.calls_cut_off << " partial " << emulated.partial);
        REQUIRE(emulated.calls_failed == 0);
        REQUIRE(emulated.calls_completed > 100);
        std::sort(model_connections.begin(), model_connections.end());
        std::sort(emulated_connections.begin(), emulated_connections.end());
        REQUIRE(emulated_connections == model_connections);
        if (round == 0) {
          int self = 0, node = 0, across = 0;
          for (const auto& kc : model_connections) {
            const auto& pods = cases[i].cluster->pods();
            (kc.client == kc.server ? self : pods[kc.client].node == pods[kc.server].node ? node : across) += 1;
          }
          std::printf("%s %s '%s': the kept-alive connections reach: %d their own pod, %d another on its node, %d "
                      "one across nodes\n", file.c_str(), std::string(cluster::to_string(cases[i].plugin)).c_str(),
                      spec.traffic.chatty[0].name.c_str(), self, node, across);
        }
        figures[i][k].push_back({emulated.call_latency.p50_ps / 1e6, emulated.call_latency.p90_ps / 1e6,
                                 simulated.call_latency.p50_ps / 1e6, simulated.call_latency.p90_ps / 1e6});
      }
    }
  }
  std::remove(profile_path.c_str());
  // A side's figure over its undisturbed rounds: the median of the rounds within kUndisturbed of its
  // lowest round.
  const auto lowest = [](const std::vector<Figures>& rounds, double Figures::*field) {
    double m = rounds.front().*field;
    for (const auto& f : rounds) m = std::min(m, f.*field);
    return m;
  };
  const auto within = [](double value, double low) { return value <= low * (1 + kUndisturbed); };
  const auto undisturbed = [&](const std::vector<Figures>& rounds, double Figures::*field) {
    const double low = lowest(rounds, field);
    std::vector<double> v;
    for (const auto& f : rounds) {
      if (within(f.*field, low)) v.push_back(f.*field);
    }
    return calibration::median(v);
  };

  const auto median_of = [](const std::vector<Figures>& rounds, double Figures::*field) {
    std::vector<double> v;
    for (const auto& f : rounds) v.push_back(f.*field);
    return calibration::median(v);
  };
  for (std::size_t k = 0; k < entries; ++k) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& r = figures[i][k];
      // Each side over its undisturbed rounds: on this shared virtual machine a run is now and then
      // slowed as a whole (every call +6 us, 20 to 40%: another guest on the core, it seems), on either
      // side (the calibration's profile is then dearer too, and a simulation with it agrees with an
      // emulation slowed alike), and the model has no such host. Rounds within kUndisturbed of the
      // side's lowest are the runs that were not slowed; their median, not the lowest alone, because a
      // percentile is read to its histogram bucket (131 ns at 17 us, a tenth of the kubenet-minus-azure
      // difference) and a median of several rounds averages that out.
      const double p50_ratio = undisturbed(r, &Figures::sim_p50) / undisturbed(r, &Figures::emu_p50);
      const double p90_ratio = undisturbed(r, &Figures::sim_p90) / undisturbed(r, &Figures::emu_p90);
      std::printf("%s %s '%s': emulated p50 %.2f p90 %.2f us, simulated p50 %.2f p90 %.2f us (medians of %d "
                  "rounds); undisturbed rounds, sim/emu: p50 %.3f p90 %.3f\n",
                  file.c_str(), std::string(cluster::to_string(cases[i].plugin)).c_str(),
                  cases[i].spec.traffic.chatty[k].name.c_str(), median_of(r, &Figures::emu_p50),
                  median_of(r, &Figures::emu_p90), median_of(r, &Figures::sim_p50), median_of(r, &Figures::sim_p90), kRounds, p50_ratio, p90_ratio);
      std::printf("  per round, emulated / simulated p50 | p90:");
      for (const auto& f : r) std::printf(" %.1f/%.1f|%.1f/%.1f", f.emu_p50, f.sim_p50, f.emu_p90, f.sim_p90);
      std::printf("\n");
      const std::string what = std::string(cluster::to_string(cases[i].plugin)) + " '" + cases[i].spec.traffic.chatty[k].name + "'";
      if (std::fabs(p50_ratio - 1) > kLatencyTolerance) failures.push_back(what + ": p50 sim/emu " + std::to_string(p50_ratio));
      if (std::fabs(p90_ratio - 1) > kLatencyTolerance) failures.push_back(what + ": p90 sim/emu " + std::to_string(p90_ratio));
    }
    // kubenet minus azure over each side's undisturbed rounds. The emulated runs of a round are
    // separate runs seconds apart; the two simulations of a round share its profile, so the simulated
    // difference is taken round by round (the median over rounds where both were undisturbed), which
    // leaves out the scatter between calibrations.
    const double e = undisturbed(figures[0][k], &Figures::emu_p50) - undisturbed(figures[1][k], &Figures::emu_p50);
    const double low_kubenet = lowest(figures[0][k], &Figures::sim_p50);
    const double low_azure = lowest(figures[1][k], &Figures::sim_p50);
    std::vector<double> sim_diffs;
    for (int round = 0; round < kRounds; ++round) {
      const auto& kn = figures[0][k][round];
      const auto& az = figures[1][k][round];
      if (within(kn.sim_p50, low_kubenet) && within(az.sim_p50, low_azure)) {
        sim_diffs.push_back(kn.sim_p50 - az.sim_p50);
      }
    }
    const double s = sim_diffs.empty() ? undisturbed(figures[0][k], &Figures::sim_p50) - undisturbed(figures[1][k], &Figures::sim_p50)
                                       : calibration::median(sim_diffs);
    std::printf("%s '%s': kubenet minus azure p50: emulated %+.3f us, simulated %+.3f us\n", file.c_str(),
                cases[0].spec.traffic.chatty[k].name.c_str(), e, s);
    if ((e > 0) != (s > 0) || std::fabs(s - e) > kDifferenceTolerance * std::fabs(e)) {
      failures.push_back("'" + cases[0].spec.traffic.chatty[k].name + "': kubenet minus azure, emulated " +
                         std::to_string(e) + " us, simulated " + std::to_string(s) + " us");
    }
  }
  for (const auto& f : failures) std::printf("  disagrees: %s\n", f.c_str());
  return failures;
}

// Timings are compared in the optimized build (the first stage of .ci/run); a sanitizer build's
// instrumented user space would compare the overhead of its instrumentation.
bool skip_in_sanitizer_build() {
#ifdef CNISIM_SANITIZE
  std::cout << "SKIPPED: timing agreement is checked in the optimized build; sanitizers change the timings" << std::endl;
  WARN("SKIPPED: timing agreement is checked in the optimized build");
  return true;
#else
  return false;
#endif
}

}  // namespace

TEST_CASE("On the seed walkthrough the calibrated model's call latency agrees with the kernel's under kubenet and azure") {
  if (skip_in_sanitizer_build() || !skip_without_namespaces().empty()) return;
  check_agreement("seed-walkthrough.yaml");
}

TEST_CASE("On chatty-app the calibrated model's call latency agrees with the kernel's under kubenet and azure") {
  if (skip_in_sanitizer_build() || !skip_without_namespaces().empty()) return;
  check_agreement("chatty-app.yaml");
}
