#pragma once
// cnisim calibrate: the Linux costs a profile uses, measured on this kernel by differential
// experiments. Each experiment is a request/response ping-pong of small messages over a path built
// in network namespaces this run creates (cnisim-<pid>-<random>-cal-..., removed on exit, error and
// signal), with the same Asio client and server code as the emulation's calls (call_once,
// serve_calls), on one thread pinned to one CPU with 1 ns timer slack. Variants that differ in one
// thing (one more veth pair, a router, a bridge, a NOTRACK rule, N iptables rules...) are sampled in
// interleaved rounds (A, B, C, ... then in reverse) so that drift cancels; a cost is a linear
// combination of the variants' per-round medians. See docs/calibrate.md.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "models/calibration/statistics.hpp"

namespace cnisim::calibration {

struct CalibrationOptions {
  // Sampling time over all experiments (setup comes on top, a few seconds). Sampling stops earlier
  // once every quantity's 95% interval is under its bound, but not before a third of this.
  std::chrono::milliseconds budget{20000};
  std::size_t per_variant = 40;  // exchanges per variant per round
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> progress;  // one line per stage
};

// One measured (or not measurable) cost.
struct Quantity {
  std::string key;         // "veth", "bridge", ...: what calibrated_profile() looks for
  std::string name;        // "veth pair crossing (one way)"
  std::string experiment;  // how it is isolated, in words
  std::string unit;        // "ns" or "ps/B"
  Estimate estimate;       // in unit
  std::uint64_t samples = 0;  // exchanges per variant behind it
  bool measurable = true;
  std::string note;        // why not measurable, or a caveat
};

struct Calibration {
  std::string kernel;  // "Linux 6.18.44-..."
  std::string cpu;     // /proc/cpuinfo's model name
  std::string date;    // UTC, YYYY-MM-DD
  std::string iptables;  // `iptables -V`
  std::size_t rounds = 0;
  double seconds = 0;  // sampling time
  std::vector<Quantity> quantities;
  std::vector<std::string> notes;

  const Quantity* find(const std::string& key) const;
};

// Runs every experiment. Needs root (throws std::runtime_error naming the failed command otherwise);
// everything it creates is removed before it returns or throws.
Calibration calibrate(const CalibrationOptions& options);

// The table printed by `cnisim calibrate`: quantity, value, N, spread, 95% interval, noisy?.
std::string table_text(const Calibration& calibration);

}  // namespace cnisim::calibration
