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
// with ten connections the share of same-node calls would otherwise be luck).
//
// This machine is shared with other work whose load moves every absolute number by tens of percent
// (seen: a call's 17 us becoming 24 us, both sides alike), and its speed changes from one second to
// the next. So the comparison is made in rounds, each side of a round measured close in time: the
// calibration (1.5 s), then per chatty entry the simulation with that round's profile and the
// emulation right after, kubenet and azure back to back (in turn first). An emulated run's
// percentiles are the median over its windows of about 100 calls (windowed_percentiles): the host's
// stalls of a few milliseconds would otherwise be in its tail. Within a round the two sides
// may still have met different speeds, either way; over rounds a rise is as likely as a fall, so the
// median over rounds of a round's sim/emu ratio is the model's error without the host's changes of
// speed (the ratio of two medians would not be: one side's fast rounds are not the other's). The
// kubenet-minus-azure difference is compared as a fraction of azure's latency, round by round: a
// change of the host's speed scales both plugins' latency and leaves that fraction as it is (in us
// it would grow with the host's slowness). Each round also records a probe of the host's speed
// (host_probe) around each emulated run, and the calibration's socket cost, printed with the figures:
// seen here, the probe has two modes, 3.8 and 5.6 us, which the host switches between within a
// second, and a call's latency moves with it (14.2 and 20.6 us); a round's calibration of 1.5 s and
// more of setup mixes both, so a round's two sides cannot be made to meet one speed, and the medians
// over rounds are what the comparison rests on. Rounds whose two sides both met the host fast (by
// the probe and the calibration's socket cost, never by the figures compared) are compared alone
// when there are five of them: in its slow phase the kernel's tail widens (p90 8 to 12% over p50 on
// one path, 1 to 3% when the host is fast), which the model has no cause for. An attempt
// that disagrees adds kRounds rounds and compares again over all of them (kAttempts).
// Needs root and network namespaces (skipped with a message otherwise); CI runs as root.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <algorithm>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "models/calibration/calibrate.hpp"
#include "models/calibration/calibrated_profile.hpp"
#include "models/calibration/statistics.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/process.hpp"
#include "models/emulation/traffic.hpp"
#include "models/workload/scenario_run.hpp"
#include "tests/emulation/emulation_test_support.hpp"

using namespace cnisim;
using namespace cnisim::emulation;
using namespace cnisim::emulation::testing;

namespace {

constexpr int kRounds = 11;
constexpr int kProbeExchanges = 2000;
constexpr double kQuiet = 0.10;        // a side within 10% of the host's fastest met it undisturbed
constexpr std::size_t kMinQuiet = 5;   // quiet rounds needed to compare over them alone
constexpr int kAttempts = 5;  // an attempt that disagrees adds kRounds rounds
constexpr double kLatencyTolerance = 0.15;
constexpr double kDifferenceTolerance = 0.30;
constexpr std::size_t kWindowCalls = 100;  // at least this many calls per window of an emulated run

struct Case {
  cluster::PluginKind plugin;
  scenario::ScenarioSpec spec;  // with the default calls when the scenario has none
  std::unique_ptr<cluster::Cluster> cluster;
  std::unique_ptr<Emulation> emulation;
};

struct Figures {
  double emu_p50 = 0, emu_p90 = 0, sim_p50 = 0, sim_p90 = 0;  // us
  double emu_probe = 0;   // the host probe (ns) around the emulated run: the slower of before and after
  double cal_socket = 0;  // the round's calibrated socket cost (ns)
};

using Rounds = std::vector<std::vector<std::vector<Figures>>>;  // [case][entry][round]
std::vector<std::string> measure_and_compare(const std::string& file, std::vector<Case>& cases, Rounds& figures);

// The nearest-rank q-quantile of values.
double quantile(std::vector<std::int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]);
}

// The host's speed now: the median time (ns) of a UDP exchange over a namespace's loopback, both
// sockets on one thread run as the emulated calls are (MeasurementThread): two sends, two receives
// and two loopback crossings, no wakeup. Kernel network work as the calls' and the calibration's,
// and none of what they measure.
// (run_in_netns's thread: failures are thrown, not Catch assertions, which are for the test's thread.)
double host_probe(const std::string& netns_path) {
  double result = 0;
  run_in_netns(netns_path, [&] {
    const MeasurementThread pinned;
    const int a = ::socket(AF_INET, SOCK_DGRAM, 0), b = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (a < 0 || b < 0) throw std::runtime_error("host probe: socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sockaddr_in at_a = addr, at_b = addr;
    socklen_t length = sizeof at_a;
    const timeval wait{0, 100000};  // a datagram lost on lo would not hold the test
    for (const int fd : {a, b}) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    const bool bound = ::bind(a, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
                       ::bind(b, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::getsockname(a, reinterpret_cast<sockaddr*>(&at_a), &length);
    length = sizeof at_b;
    ::getsockname(b, reinterpret_cast<sockaddr*>(&at_b), &length);
    const bool connected = bound && ::connect(a, reinterpret_cast<const sockaddr*>(&at_b), sizeof at_b) == 0 &&
                           ::connect(b, reinterpret_cast<const sockaddr*>(&at_a), sizeof at_a) == 0;
    char buffer[64] = {};
    std::vector<double> times;
    times.reserve(kProbeExchanges);
    for (int i = 0; connected && i < kProbeExchanges; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const bool ok = ::send(a, buffer, sizeof buffer, 0) > 0 && ::recv(b, buffer, sizeof buffer, 0) > 0 &&
                      ::send(b, buffer, sizeof buffer, 0) > 0 && ::recv(a, buffer, sizeof buffer, 0) > 0;
      const auto t1 = std::chrono::steady_clock::now();
      if (ok) times.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    ::close(a);
    ::close(b);
    if (times.size() <= kProbeExchanges / 2) throw std::runtime_error("host probe: loopback exchanges failed");
    result = calibration::median(times);
  });
  return result;
}

// An emulated run's p50 and p90 (ps) as the median over its windows of each window's: a window is
// the fewest whole cycles of the serial calls (`cycle` calls: every kept-alive connection's chain
// once) of at least kWindowCalls calls, so that every window carries the run's mix of paths. The host
// stalls now and then for a few milliseconds (seen: a run's p50 17.8 us and its p90 24.4 us, where
// an undisturbed run's p90 is 18.2), which a whole run's tail counts and the model does not have; a
// window it hit is outvoted by the ones it did not. Fewer than 3 windows: the whole run's.
std::pair<double, double> windowed_percentiles(const std::vector<std::int64_t>& latencies, std::size_t cycle) {
  const std::size_t window = cycle == 0 ? latencies.size() : cycle * ((kWindowCalls + cycle - 1) / cycle);
  const std::size_t windows = window == 0 ? 0 : latencies.size() / window;
  if (windows < 3) return {quantile(latencies, 0.5), quantile(latencies, 0.9)};
  std::vector<double> p50, p90;
  for (std::size_t w = 0; w < windows; ++w) {
    const std::vector<std::int64_t> part(latencies.begin() + static_cast<std::ptrdiff_t>(w * window),
                                         latencies.begin() + static_cast<std::ptrdiff_t>((w + 1) * window));
    p50.push_back(quantile(part, 0.5));
    p90.push_back(quantile(part, 0.9));
  }
  return {calibration::median(p50), calibration::median(p90)};
}

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
  // Each attempt adds kRounds rounds and compares over every round so far: more rounds, not a fresh
  // draw of all the checks at once (chatty-app has 15, and one of them near its bound in a noisy
  // phase would fail a whole attempt).
  std::vector<std::string> failures;
  Rounds figures(cases.size(), std::vector<std::vector<Figures>>(cases.front().spec.traffic.chatty.size()));
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::printf("%s: attempt %d of %d\n", file.c_str(), attempt, kAttempts);
    failures = measure_and_compare(file, cases, figures);
    if (failures.empty()) break;
  }
  std::string text;
  for (const auto& f : failures) text += "\n  " + f;
  INFO(file << ": over all " << kAttempts * kRounds << " rounds of " << kAttempts << " attempts it disagreed:" << text);
  CHECK(failures.empty());
}

// One attempt: kRounds more rounds into figures, then the comparison over all of them; what
// disagrees, one line each (none: agreement).
std::vector<std::string> measure_and_compare(const std::string& file, std::vector<Case>& cases, Rounds& figures) {
  std::vector<std::string> failures;
  const std::size_t entries = cases.front().spec.traffic.chatty.size();
  const int first_round = static_cast<int>(figures.front().front().size());
  const auto base = scenario::load_profile("aks-accelerated");
  const std::string profile_path = "/tmp/cnisim-agreement-" + std::to_string(::getpid()) + ".yaml";
  const std::string probe_at = cases.front().emulation->path_of_pod(0);
  for (int round = first_round; round < first_round + kRounds; ++round) {
    calibration::CalibrationOptions options;
    options.budget = std::chrono::milliseconds(1500);
    const auto measured = calibration::calibrate(options);
    const auto* socket = measured.find("socket");
    REQUIRE(socket);
    {
      std::ofstream f(profile_path);
      f << calibration::calibrated_profile(measured, base, "aks-accelerated", true).yaml;
    }
    for (std::size_t k = 0; k < entries; ++k) {
      for (std::size_t turn = 0; turn < cases.size(); ++turn) {
        // kubenet and azure back to back, in turn first: a drift of the host's speed within a round
        // favours neither.
        const std::size_t i = round % 2 == 0 ? turn : cases.size() - 1 - turn;
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
        std::vector<std::int64_t> latencies;
        TrafficOptions limits;
        limits.max_calls = 600;
        limits.call_latencies = &latencies;
        limits.serial = true;
        limits.pins = &model_connections;
        limits.reached = &emulated_connections;
        double before = host_probe(probe_at);
        auto emulated = run_emulated_traffic(*cases[i].emulation, spec, limits);
        if (emulated.partial) {
          // A call stalled until the time cap (TCP retransmitting after lost packets: seen now and then
          // under azure, a finding about the emulation, reported by cnisim emulate as "stopped by the
          // time cap"); said so, and the burst run again once.
          std::printf("%s %s: a call stalled until the time cap; burst run again\n", file.c_str(),
                      std::string(cluster::to_string(cases[i].plugin)).c_str());
          before = host_probe(probe_at);
          emulated = run_emulated_traffic(*cases[i].emulation, spec, limits);
        }
        const double after = host_probe(probe_at);
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
        const std::size_t cycle = model_connections.size() * spec.traffic.chatty[0].chain_depth;
        const auto [emu_p50, emu_p90] = windowed_percentiles(latencies, cycle);
        figures[i][k].push_back({emu_p50 / 1e6, emu_p90 / 1e6, simulated.call_latency.p50_ps / 1e6,
                                 simulated.call_latency.p90_ps / 1e6, std::max(before, after), socket->estimate.value});
      }
    }
  }
  const int compared = static_cast<int>(figures.front().front().size());
  std::remove(profile_path.c_str());
  // The median over rounds of a per-round figure.
  const auto median_over_rounds = [](const auto& rounds, const auto& of) {
    std::vector<double> v;
    for (const auto& f : rounds) v.push_back(of(f));
    return calibration::median(v);
  };
  // The host's slowness at each side of a run, relative to its fastest over all rounds: the probes
  // around the emulated run over the lowest, the round's calibrated socket cost over the lowest.
  // Measured beside the figures compared, never from them.
  double probe_low = figures[0][0][0].emu_probe, socket_low = figures[0][0][0].cal_socket;
  for (const auto& per_case : figures) {
    for (const auto& rounds : per_case) {
      for (const auto& f : rounds) {
        probe_low = std::min(probe_low, f.emu_probe);
        socket_low = std::min(socket_low, f.cal_socket);
      }
    }
  }
  const auto emu_slowness = [&](const Figures& f) { return f.emu_probe / probe_low; };
  const auto cal_slowness = [&](const Figures& f) { return f.cal_socket / socket_low; };
  // A quiet round met the host at its usual fast speed on both sides (within kQuiet of the fastest):
  // in its slow phase the kernel's calls also spread (p90 8 to 12% over p50 on one path, against 1
  // to 3% when fast), which the model has no cause for. The comparison is over the quiet rounds when
  // there are kMinQuiet of them, else over all (said so).
  const auto quiet = [&](const Figures& f) { return emu_slowness(f) <= 1 + kQuiet && cal_slowness(f) <= 1 + kQuiet; };
  const auto select = [&](const std::vector<Figures>& rounds) {
    std::vector<Figures> out;
    for (const auto& f : rounds) {
      if (quiet(f)) out.push_back(f);
    }
    return out.size() >= kMinQuiet ? out : rounds;
  };
  for (std::size_t k = 0; k < entries; ++k) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto r = select(figures[i][k]);
      const double p50_ratio = median_over_rounds(r, [](const Figures& f) { return f.sim_p50 / f.emu_p50; });
      const double p90_ratio = median_over_rounds(r, [](const Figures& f) { return f.sim_p90 / f.emu_p90; });
      std::printf("%s %s '%s': emulated p50 %.2f p90 %.2f us, simulated p50 %.2f p90 %.2f us (medians of %d "
                  "rounds%s); sim/emu, median over rounds: p50 %.3f p90 %.3f\n",
                  file.c_str(), std::string(cluster::to_string(cases[i].plugin)).c_str(),
                  cases[i].spec.traffic.chatty[k].name.c_str(), median_over_rounds(r, [](const Figures& f) { return f.emu_p50; }),
                  median_over_rounds(r, [](const Figures& f) { return f.emu_p90; }),
                  median_over_rounds(r, [](const Figures& f) { return f.sim_p50; }),
                  median_over_rounds(r, [](const Figures& f) { return f.sim_p90; }), static_cast<int>(r.size()),
                  r.size() == figures[i][k].size() ? ", all" : " with the host quiet on both sides", p50_ratio, p90_ratio);
      std::printf("  per round, emulated / simulated p50 | p90, slowness emulated / calibrated:");
      for (const auto& f : r) {
        std::printf(" %.1f/%.1f|%.1f/%.1f,%.2f/%.2f", f.emu_p50, f.sim_p50, f.emu_p90, f.sim_p90, emu_slowness(f), cal_slowness(f));
      }
      std::printf("\n");
      const std::string what = std::string(cluster::to_string(cases[i].plugin)) + " '" + cases[i].spec.traffic.chatty[k].name + "'";
      if (std::fabs(p50_ratio - 1) > kLatencyTolerance) failures.push_back(what + ": p50 sim/emu " + std::to_string(p50_ratio));
      if (std::fabs(p90_ratio - 1) > kLatencyTolerance) failures.push_back(what + ": p90 sim/emu " + std::to_string(p90_ratio));
    }
    // kubenet minus azure, as a fraction of azure's p50, round by round (the two emulations of a
    // round ran back to back, the two simulations share its profile); the median over rounds.
    struct Difference {
      double emu_fraction, emu_us, sim_fraction, sim_us;  // kubenet over azure less one; kubenet minus azure
    };
    std::vector<Difference> pairs, quiet_pairs;
    for (int round = 0; round < compared; ++round) {
      const auto& kn = figures[0][k][round];
      const auto& az = figures[1][k][round];
      const Difference d{kn.emu_p50 / az.emu_p50 - 1, kn.emu_p50 - az.emu_p50, kn.sim_p50 / az.sim_p50 - 1,
                         kn.sim_p50 - az.sim_p50};
      pairs.push_back(d);
      if (quiet(kn) && quiet(az)) quiet_pairs.push_back(d);
    }
    if (quiet_pairs.size() >= kMinQuiet) pairs = quiet_pairs;
    const double e = median_over_rounds(pairs, [](const Difference& d) { return d.emu_fraction; });
    const double s = median_over_rounds(pairs, [](const Difference& d) { return d.sim_fraction; });
    std::printf("%s '%s': kubenet minus azure p50, median over rounds: emulated %+.2f%% (%+.3f us), simulated %+.2f%% (%+.3f us)\n",
                file.c_str(), cases[0].spec.traffic.chatty[k].name.c_str(), 100 * e,
                median_over_rounds(pairs, [](const Difference& d) { return d.emu_us; }), 100 * s,
                median_over_rounds(pairs, [](const Difference& d) { return d.sim_us; }));
    if ((e > 0) != (s > 0) || std::fabs(s - e) > kDifferenceTolerance * std::fabs(e)) {
      failures.push_back("'" + cases[0].spec.traffic.chatty[k].name + "': kubenet minus azure, emulated " +
                         std::to_string(100 * e) + "% of azure's p50, simulated " + std::to_string(100 * s) + "%");
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
