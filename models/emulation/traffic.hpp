#pragma once
// The scenario's chatty calls run for real: TCP connections between the emulation's pod namespaces
// (Boost.Asio, one thread; every socket created inside its namespace), requests and responses of the
// scenario's sizes, chains of chainDepth calls, think and server times. Bounded in calls, chains and
// wall-clock time. Latencies go into dataplane::Results (call and chain), the same schema as a run.
#include <atomic>
#include <chrono>
#include <string>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/results.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::emulation {

class Emulation;

struct TrafficLimits {
  std::uint64_t max_calls = 2000;          // calls started, over every chatty entry
  std::chrono::milliseconds wall{5000};    // hard cap on the traffic phase
};

// When the scenario has no chatty traffic (seed-walkthrough): calls from the pods of the first
// user Service to that Service (200 B request, 1000 B response, chains of 4, 200 chains). Returns
// false when the cluster has no such Service. Applied to the spec, so that the simulation of the
// same scenario (--with-sim) runs the same calls.
bool add_default_chatty(scenario::ScenarioSpec& spec, const cluster::Cluster& cluster);

// Runs spec.traffic.chatty between the namespaces. Throws std::invalid_argument for a selector that
// selects nothing; std::runtime_error when sockets cannot be set up.
dataplane::Results run_emulated_traffic(const Emulation& emulation, const scenario::ScenarioSpec& spec,
                                        const TrafficLimits& limits, const std::atomic<bool>* stop = nullptr);

}  // namespace cnisim::emulation
