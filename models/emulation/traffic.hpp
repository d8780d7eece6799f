#pragma once
// The scenario's chatty calls run for real: TCP connections between the emulation's pod namespaces
// (Boost.Asio, one thread; every socket created inside its namespace), requests and responses of the
// scenario's sizes, chains of chainDepth calls, think and server times. Bounded in calls, chains and
// wall-clock time. Latencies go into dataplane::Results (call and chain), the same schema as a run.
//
// What a call's time contains, so that it is the time the model prices: one request and one response
// over a kept-alive connection (one per client slot and server, opened before the call is timed, as
// the model keeps one per slot), the server's time as CPU work (a bounded spin, not a timer: a timer
// would add its slack and a wake-up), on a thread pinned to one CPU with 1 ns timer slack. A new
// connection per call (connection: perCall) is timed with its TCP handshake, as the model times it.
//
// The exchange itself (call_once / serve_calls) is shared with `cnisim calibrate`, so that the socket
// cost calibrate measures is the one these calls pay.
#include <sched.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/kept_connection.hpp"
#include "models/dataplane/results.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::emulation {

class Emulation;

struct TrafficOptions {
  std::uint64_t max_calls = 2000;          // calls started, over every chatty entry
  std::chrono::milliseconds wall{5000};    // hard cap on the traffic phase
  // One call in flight at a time over the whole run (the chains of every client slot in turn), so
  // that the latency is the path's and not the contention of many clients on a few CPUs.
  bool serial = false;
  // When set: the server each kept-alive connection is to reach, by (entry, client, slot), as the
  // model's run reports them (workload::RunOptions::kept_connections), so that the emulation carries
  // each client's calls over the model's paths. A call to a pod is made to that pod; a connection to
  // a Service is opened again (untimed, at most kPinAttempts per endpoint) until the kernel's DNAT
  // picks that endpoint. Slots without a pin draw as usual.
  const std::vector<dataplane::KeptConnection>* pins = nullptr;
  // When set, filled with the server each kept-alive connection reached (known from the response:
  // its first 4 bytes carry the server's pod index, so only with responses of 4 bytes or more).
  std::vector<dataplane::KeptConnection>* reached = nullptr;
  // When set, filled with each measured call's latency (ps) in the order the calls completed: what a
  // window of the run saw, where the summary only has the whole run's percentiles.
  std::vector<std::int64_t>* call_latencies = nullptr;
};

// Tries per endpoint of the Service to land a pinned connection on its endpoint (the kernel draws
// uniformly: 16 tries per endpoint miss with probability (1 - 1/n)^(16 n) < e^-16).
inline constexpr int kPinAttempts = 16;

// When the scenario has no chatty traffic (seed-walkthrough): calls from the pods of the first
// user Service to that Service (200 B request, 1000 B response, chains of 4, 200 chains). Returns
// false when the cluster has no such Service. Applied to the spec, so that the simulation of the
// same scenario (--with-sim) runs the same calls.
bool add_default_chatty(scenario::ScenarioSpec& spec, const cluster::Cluster& cluster);

// Runs spec.traffic.chatty between the namespaces. Throws std::invalid_argument for a selector that
// selects nothing; std::runtime_error when sockets cannot be set up.
dataplane::Results run_emulated_traffic(const Emulation& emulation, const scenario::ScenarioSpec& spec,
                                        const TrafficOptions& options, const std::atomic<bool>* stop = nullptr);

// --- The pieces shared with cnisim calibrate ---

// While alive: the calling thread is pinned to one CPU (the last it may run on), runs at real-time
// priority SCHED_FIFO 1 and its timer slack is 1 ns; all restored on destruction. Best effort: what could not be set is in problems().
class MeasurementThread {
 public:
  MeasurementThread();
  ~MeasurementThread();
  MeasurementThread(const MeasurementThread&) = delete;
  MeasurementThread& operator=(const MeasurementThread&) = delete;
  int cpu() const { return cpu_; }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  int cpu_ = -1;
  bool pinned_ = false;
  unsigned long old_slack_ = 0;
  bool slack_set_ = false;
  bool realtime_ = false;
  int old_policy_ = 0;
  sched_param old_param_{};
  std::vector<char> old_mask_;
  std::vector<std::string> problems_;
};

// Busy-waits for d: a server's CPU work, without the slack and wake-up of a timer.
void spin_for(std::chrono::nanoseconds d);

// The server side of calls on one connection: read a request of request_size bytes, work for
// server_time, write response_size bytes; until the peer closes. With an identity, the response's
// first 4 bytes (when it has them) are that number, so the client learns who answered.
boost::asio::awaitable<void> serve_calls(boost::asio::ip::tcp::socket socket, std::size_t request_size,
                                         std::size_t response_size, std::chrono::nanoseconds server_time,
                                         std::optional<std::uint32_t> identity = std::nullopt);
// The client side of one call: write the request, read the whole response.
boost::asio::awaitable<void> call_once(boost::asio::ip::tcp::socket& socket, std::vector<char>& request,
                                       std::vector<char>& response);

}  // namespace cnisim::emulation
