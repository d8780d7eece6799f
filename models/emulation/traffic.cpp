#include "models/emulation/traffic.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <map>
#include <tuple>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <cstring>
#include <stdexcept>

#include "models/emulation/emulator.hpp"
#include "models/emulation/process.hpp"
#include "models/scenario/labels.hpp"
#include "sim/histogram.hpp"

namespace cnisim::emulation {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

MeasurementThread::MeasurementThread() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof mask, &mask) == 0) {
    old_mask_.assign(reinterpret_cast<const char*>(&mask), reinterpret_cast<const char*>(&mask) + sizeof mask);
    for (int c = CPU_SETSIZE - 1; c >= 0; --c) {
      if (!CPU_ISSET(c, &mask)) continue;
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(c, &one);
      if (::sched_setaffinity(0, sizeof one, &one) == 0) {
        cpu_ = c;
        pinned_ = true;
      }
      break;
    }
  }
  if (!pinned_) problems_.push_back("could not pin the traffic thread to one CPU");
  // Real-time priority 1 (as root): other work on a shared machine no longer preempts the calls in
  // the middle of a measurement. The thread blocks whenever it waits for a packet, and Linux's RT
  // throttling keeps 5% of each second for everything else.
  if (::pthread_getschedparam(::pthread_self(), &old_policy_, &old_param_) == 0) {
    sched_param fifo{};
    fifo.sched_priority = 1;
    realtime_ = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &fifo) == 0;
  }
  if (!realtime_) problems_.push_back("could not give the traffic thread real-time priority (SCHED_FIFO 1)");
  const int slack = ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  if (slack >= 0 && ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0) {
    old_slack_ = static_cast<unsigned long>(slack);
    slack_set_ = true;
  } else {
    problems_.push_back("could not set the timer slack to 1 ns");
  }
}

MeasurementThread::~MeasurementThread() {
  if (realtime_) ::pthread_setschedparam(::pthread_self(), old_policy_, &old_param_);
  if (slack_set_) ::prctl(PR_SET_TIMERSLACK, old_slack_, 0, 0, 0);
  if (pinned_ && old_mask_.size() == sizeof(cpu_set_t)) {
    cpu_set_t mask;
    std::memcpy(&mask, old_mask_.data(), sizeof mask);
    ::sched_setaffinity(0, sizeof mask, &mask);
  }
}

void spin_for(std::chrono::nanoseconds d) {
  if (d.count() <= 0) return;
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

awaitable<void> serve_calls(tcp::socket socket, std::size_t request_size, std::size_t response_size,
                            std::chrono::nanoseconds server_time, std::optional<std::uint32_t> identity) {
  std::vector<char> request(request_size), response(response_size, 'r');
  if (identity && response.size() >= sizeof *identity) std::memcpy(response.data(), &*identity, sizeof *identity);
  try {
    for (;;) {
      co_await asio::async_read(socket, asio::buffer(request), use_awaitable);
      spin_for(server_time);
      co_await asio::async_write(socket, asio::buffer(response), use_awaitable);
    }
  } catch (const std::exception&) {
    // the client closed the connection, or the run ended
  }
}

awaitable<void> call_once(tcp::socket& socket, std::vector<char>& request, std::vector<char>& response) {
  co_await asio::async_write(socket, asio::buffer(request), use_awaitable);
  co_await asio::async_read(socket, asio::buffer(response), use_awaitable);
}

namespace {

struct Shared {
  TrafficOptions limits;
  Clock::time_point deadline;
  const std::atomic<bool>* stop = nullptr;
  sim::Histogram calls, chains;
  std::uint64_t started = 0, completed = 0, failed = 0, cut_off = 0, chains_completed = 0;
  bool partial = false;  // the wall-clock cap or a stop cut the calls short
  std::size_t active_slots = 0;
  asio::io_context* io = nullptr;       // set when the measured phase starts
  asio::io_context* warm_io = nullptr;  // during warm-up
  bool over() {
    if (Clock::now() >= deadline || (stop && stop->load())) partial = true;
    return started >= limits.max_calls || partial;
  }
};

struct Entry {
  std::uint32_t index = 0;  // in spec.traffic.chatty
  std::vector<cluster::PodIndex> clients;
  std::vector<cluster::PodIndex> servers;  // pods listening on listen_port
  std::optional<net::Ipv4> service;        // connect to service:connect_port, else to a server
  std::uint16_t connect_port = 80, listen_port = 80;
  const scenario::ChattySpec* spec = nullptr;
  std::uint64_t chains_left = 0;
};

// One client slot: its random stream and, unless a new connection is made per call, its one kept-alive
// connection (as the model keeps one per slot): to the Service, or to one server drawn (or pinned) when
// it opens.
struct Slot {
  Entry* entry = nullptr;
  cluster::PodIndex client = 0;
  std::uint32_t k = 0;  // 0 .. concurrency - 1
  std::mt19937_64 random;
  net::Ipv4 destination;                     // of the kept-alive connection
  std::unique_ptr<tcp::socket> connection;   // kept alive
  std::optional<cluster::PodIndex> server;   // who answered on it (from the response's first bytes)
  std::optional<cluster::PodIndex> pin;      // whom it is to reach
  std::vector<char> request, response;
  // New connections' sockets, made in the client's namespace ahead of time, kSpareSockets at a time:
  // making one takes a thread that enters the namespace, which would otherwise run just before the
  // timed connect() and slow it.
  std::vector<std::unique_ptr<tcp::socket>> spare_sockets;
};

// The pod index a server stamped into the response's first bytes (serve_calls' identity).
std::optional<cluster::PodIndex> answered_by(const std::vector<char>& response) {
  std::uint32_t id = 0;
  if (response.size() < sizeof id) return std::nullopt;
  std::memcpy(&id, response.data(), sizeof id);
  return id;
}

std::int64_t ps_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count() * 1000;
}

// New connections' sockets made at a time in a client's namespace (one thread each time).
constexpr std::size_t kSpareSockets = 64;
// How long a serial run lets a closed connection settle before it times the next call: on the one
// thread every endpoint runs on, the close's work (the server reading the end of the stream, closing
// its side, its FIN back) would otherwise land in the next call's connect().
constexpr std::chrono::microseconds kCloseSettle{100};

// Warm-up (untimed) is given at most this long; its connections run concurrently.
constexpr std::chrono::seconds kWarmUpCap{3};

std::chrono::nanoseconds nanoseconds(sim::Time t) { return std::chrono::nanoseconds(t.ps() / 1000); }

awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, const scenario::ChattySpec& spec,
                            cluster::PodIndex pod) {
  try {
    for (;;) {
      tcp::socket s = co_await acceptor->async_accept(use_awaitable);
      s.set_option(tcp::no_delay(spec.no_delay));
      asio::co_spawn(acceptor->get_executor(),
                     serve_calls(std::move(s), spec.request_size, spec.response_size, nanoseconds(spec.server_time), pod),
                     asio::detached);
    }
  } catch (const std::exception&) {
  }
}

// A connected socket from the client's namespace to ip:port (the socket is made before, untimed; taken
// from `spares` when given, which is refilled kSpareSockets at a time).
awaitable<std::unique_ptr<tcp::socket>> connect_from(const Emulation& e, cluster::PodIndex client, net::Ipv4 ip,
                                                     std::uint16_t port, Clock::time_point* timed_from, bool no_delay,
                                                     std::vector<std::unique_ptr<tcp::socket>>* spares = nullptr) {
  auto ex = co_await asio::this_coro::executor;
  std::unique_ptr<tcp::socket> socket;
  if (spares) {
    if (spares->empty()) {
      for (int fd : sockets_in_netns(e.path_of_pod(client), kSpareSockets, AF_INET, SOCK_STREAM)) {
        spares->push_back(std::make_unique<tcp::socket>(ex, tcp::v4(), fd));
      }
    }
    socket = std::move(spares->back());
    spares->pop_back();
  } else {
    socket = std::make_unique<tcp::socket>(ex);
    socket->assign(tcp::v4(), socket_in_netns(e.path_of_pod(client), AF_INET, SOCK_STREAM));
  }
  if (timed_from) *timed_from = Clock::now();
  co_await socket->async_connect(tcp::endpoint(asio::ip::address_v4(ip.value), port), use_awaitable);
  socket->set_option(tcp::no_delay(no_delay));
  co_return socket;
}

// One chain of the slot's entry; false when nothing more is to be started.
awaitable<bool> run_chain(const Emulation& e, Slot& slot, Shared& shared) {
  Entry& entry = *slot.entry;
  if (shared.over() || entry.chains_left == 0) co_return false;
  const auto& spec = *entry.spec;
  const auto& c = e.cluster();
  --entry.chains_left;
  const auto chain_start = Clock::now();
  std::int64_t settling_ps = 0;  // serial: the waits for closed connections to settle, not the chain's
  bool ok = true;
  for (std::uint32_t k = 0; k < spec.chain_depth && ok; ++k) {
    if (shared.over()) {
      ok = false;
      break;
    }
    ++shared.started;
    try {
      Clock::time_point t0;
      std::int64_t latency = 0;
      if (spec.new_connection_per_call()) {
        // A server drawn per call, as the model does. The handshake is in the call's time (as in the
        // model); making the socket is not, nor is closing it: the call is over when its response is
        // read, before close() sends the FIN (which on veths crosses the path within the syscall).
        const net::Ipv4 ip = entry.service ? *entry.service : c.pods()[entry.servers[slot.random() % entry.servers.size()]].ip;
        auto socket = co_await connect_from(e, slot.client, ip, entry.connect_port, &t0, entry.spec->no_delay,
                                            &slot.spare_sockets);
        co_await call_once(*socket, slot.request, slot.response);
        latency = ps_since(t0);
        socket.reset();
        if (shared.limits.serial) {
          // The model's endpoints close on their own CPUs; here the close's work is let finish first.
          // Busy: a sleeping thread would let the CPU idle, and the next call would start on a cold one.
          const auto settle_start = Clock::now();
          auto ex = co_await asio::this_coro::executor;
          while (Clock::now() - settle_start < kCloseSettle) co_await asio::post(ex, use_awaitable);
          settling_ps += ps_since(settle_start);
        }
      } else {
        if (!slot.connection) slot.connection = co_await connect_from(e, slot.client, slot.destination, entry.connect_port, nullptr, entry.spec->no_delay);
        t0 = Clock::now();
        co_await call_once(*slot.connection, slot.request, slot.response);
        latency = ps_since(t0);
      }
      shared.calls.record(latency);
      if (shared.limits.call_latencies) shared.limits.call_latencies->push_back(latency);
      ++shared.completed;
    } catch (const std::exception&) {
      ++shared.failed;
      slot.connection.reset();
      ok = false;
    }
  }
  if (ok) {
    shared.chains.record(ps_since(chain_start) - settling_ps);
    ++shared.chains_completed;
  }
  co_return true;
}

// Before anything is timed, so that neighbour resolution (a proxy ARP answer waits up to
// proxy_delay, 0.8 s by Linux's default) and TCP's quick-ack start stay out of the measured calls: a
// call made to every destination of a slot that makes a new connection per call, and the kept-alive
// connection opened with one call on it (opened again until it reaches its pin, when it has one).
awaitable<void> warm_up(const Emulation& e, Slot& slot, std::size_t& pending, Shared& shared) {
  const Entry& entry = *slot.entry;
  const auto& pods = e.cluster().pods();
  if (entry.spec->new_connection_per_call()) {
    std::vector<net::Ipv4> destinations;
    if (entry.service) {
      destinations.push_back(*entry.service);
    } else {
      for (auto p : entry.servers) destinations.push_back(pods[p].ip);
    }
    for (const auto ip : destinations) {
      try {
        auto socket = co_await connect_from(e, slot.client, ip, entry.connect_port, nullptr, entry.spec->no_delay);
        co_await call_once(*socket, slot.request, slot.response);
      } catch (const std::exception&) {
        // measured calls will try again and count the failure
      }
    }
  } else {
    const int attempts = entry.service && slot.pin ? kPinAttempts * static_cast<int>(entry.servers.size()) : 1;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      try {
        auto socket = co_await connect_from(e, slot.client, slot.destination, entry.connect_port, nullptr, entry.spec->no_delay);
        co_await call_once(*socket, slot.request, slot.response);
        slot.connection = std::move(socket);
        slot.server = answered_by(slot.response);
        if (!slot.pin || slot.server == slot.pin) break;
      } catch (const std::exception&) {
        // measured calls will try again and count the failure
      }
    }
  }
  // Late (past the warm-up's cap): the measured phase is running, leave it alone.
  if (--pending == 0 && !shared.io) shared.warm_io->stop();
}

// Closed loop: the slot's chains one after another, thinkTime apart.
awaitable<void> client_slot(const Emulation& e, Slot& slot, Shared& shared) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (co_await run_chain(e, slot, shared)) {
    if (slot.entry->spec->think_time.ps() > 0) {
      timer.expires_after(nanoseconds(slot.entry->spec->think_time));
      co_await timer.async_wait(use_awaitable);
    }
  }
  if (--shared.active_slots == 0) shared.io->stop();  // the servers' accept loops would run on
}

// Serial: one chain at a time, the slots in turn; think times are not waited for (they are not part
// of a call's or a chain's latency).
awaitable<void> serial_driver(const Emulation& e, std::vector<Slot>& slots, Shared& shared) {
  for (bool any = true; any;) {
    any = false;
    for (auto& slot : slots) any = (co_await run_chain(e, slot, shared)) || any;
  }
  shared.io->stop();
}

std::vector<cluster::PodIndex> select_pods(const cluster::Cluster& c, const scenario::Labels& selector) {
  std::vector<cluster::PodIndex> pods;
  for (cluster::PodIndex p = 0; p < c.pods().size(); ++p) {
    if (!c.host_network(p) && scenario::selects(selector, c.workload(p).labels)) pods.push_back(p);
  }
  return pods;
}

}  // namespace
bool add_default_chatty(scenario::ScenarioSpec& spec, const cluster::Cluster& c) {
  if (!spec.traffic.chatty.empty()) return true;
  for (cluster::ServiceIndex s = 0; s < c.services().size(); ++s) {
    const auto& svc = c.service_spec(s);
    if (svc.namespace_ == "kube-system" || c.services()[s].endpoints.empty() || svc.ports.empty()) continue;
    scenario::ChattySpec chatty;
    chatty.name = "calls to " + svc.name;
    chatty.clients = svc.selector;
    chatty.service = svc.namespace_ + "/" + svc.name;
    chatty.request_size = 200;
    chatty.response_size = 1000;
    chatty.chain_depth = 4;
    chatty.think_time = sim::us(20);
    chatty.server_time = sim::us(5);
    chatty.chains = 200;
    spec.traffic.chatty.push_back(chatty);
    return true;
  }
  return false;
}

dataplane::Results run_emulated_traffic(const Emulation& e, const scenario::ScenarioSpec& spec,
                                        const TrafficOptions& options, const std::atomic<bool>* stop) {
  const auto& c = e.cluster();
  asio::io_context io;
  Shared shared;
  shared.limits = options;
  shared.stop = stop;
  std::vector<Entry> entries;
  entries.reserve(spec.traffic.chatty.size());
  for (const auto& chatty : spec.traffic.chatty) {
    if (chatty.transport != scenario::Transport::Tcp || chatty.connection == scenario::ConnectionMode::Pool) {
      throw std::invalid_argument("chatty '" + chatty.name + "': the emulation runs calls over TCP with connection: "
                                  "keepAlive or perCall; transport: udp and pool(N) are simulated only");
    }
    if (chatty.resolve) {
      // The namespaces run no CoreDNS: a lookup would have no server to ask.
      throw std::invalid_argument("chatty '" + chatty.name + "': resolve: true is simulated only (the emulation runs no "
                                  "CoreDNS); leave resolve out to emulate these calls");
    }
    Entry entry;
    entry.index = static_cast<std::uint32_t>(entries.size());
    entry.spec = &chatty;
    entry.clients = select_pods(c, chatty.clients);
    if (!chatty.service.empty()) {
      const auto slash = chatty.service.find('/');
      const auto ns = slash == std::string::npos ? std::string("default") : chatty.service.substr(0, slash);
      const auto name = slash == std::string::npos ? chatty.service : chatty.service.substr(slash + 1);
      const auto svc = c.find_service(ns, name);
      if (!svc) throw std::invalid_argument("chatty '" + chatty.name + "': no Service " + chatty.service);
      for (const auto& rule : c.service_dnat().rules) {
        if (rule.service != *svc) continue;
        entry.service = rule.clusterIP;
        entry.connect_port = rule.port;
        entry.listen_port = rule.targetPort;
        break;
      }
      entry.servers = c.services()[*svc].endpoints;
    } else {
      entry.servers = select_pods(c, chatty.servers);
      entry.connect_port = entry.listen_port = chatty.port;
    }
    if (entry.clients.empty() || entry.servers.empty()) {
      throw std::invalid_argument("chatty '" + chatty.name + "': its clients or servers select no pod that is not hostNetwork");
    }
    entry.chains_left = chatty.chains.value_or(options.max_calls);
    entries.push_back(std::move(entry));
  }
  // Servers: one listening socket per server pod and port.
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::set<std::pair<cluster::PodIndex, std::uint16_t>> listening;
  for (const auto& entry : entries) {
    for (auto p : entry.servers) {
      if (!listening.insert({p, entry.listen_port}).second) continue;
      auto a = std::make_shared<tcp::acceptor>(io);
      a->assign(tcp::v4(), socket_in_netns(e.path_of_pod(p), AF_INET, SOCK_STREAM));
      a->set_option(asio::socket_base::reuse_address(true));
      a->bind(tcp::endpoint(tcp::v4(), entry.listen_port));
      a->listen();
      asio::co_spawn(io, accept_loop(a, *entry.spec, p), asio::detached);
      acceptors.push_back(a);
    }
  }
  // The slots, in a fixed order (each client's slots, entry by entry), seeded from the run's seed.
  std::map<std::tuple<std::uint32_t, cluster::PodIndex, std::uint32_t>, cluster::PodIndex> pins;
  if (options.pins) {
    for (const auto& p : *options.pins) pins[{p.chatty, p.client, p.slot}] = p.server;
  }
  std::vector<Slot> slots;
  std::uint64_t seed = spec.run.seed;
  for (auto& entry : entries) {
    for (auto client : entry.clients) {
      for (std::uint32_t k = 0; k < std::max<std::uint32_t>(1, entry.spec->concurrency); ++k) {
        Slot slot;
        slot.entry = &entry;
        slot.client = client;
        slot.k = k;
        slot.random.seed(++seed);
        slot.request.assign(entry.spec->request_size, 'q');
        slot.response.resize(entry.spec->response_size);
        if (const auto pin = pins.find({entry.index, client, k}); pin != pins.end()) slot.pin = pin->second;
        if (entry.service) {
          slot.destination = *entry.service;
        } else {
          const bool pinned = slot.pin && std::find(entry.servers.begin(), entry.servers.end(), *slot.pin) != entry.servers.end();
          slot.destination = c.pods()[pinned ? *slot.pin : entry.servers[slot.random() % entry.servers.size()]].ip;
        }
        slots.push_back(std::move(slot));
      }
    }
  }
  const MeasurementThread pinned;  // this thread runs every client and server
  std::size_t pending = slots.size();
  shared.warm_io = &io;
  for (auto& slot : slots) asio::co_spawn(io, warm_up(e, slot, pending, shared), asio::detached);
  io.run_until(Clock::now() + kWarmUpCap);
  io.restart();
  if (options.call_latencies) options.call_latencies->clear();  // the measured calls only
  shared.deadline = Clock::now() + options.wall;
  shared.io = &io;
  if (options.serial) {
    asio::co_spawn(io, serial_driver(e, slots, shared), asio::detached);
  } else {
    for (auto& slot : slots) {
      ++shared.active_slots;
      asio::co_spawn(io, client_slot(e, slot, shared), asio::detached);
    }
  }
  // Bounded: the clients stop starting calls at the limits; what is still in flight a little after
  // the deadline is cut off.
  io.run_until(shared.deadline + std::chrono::milliseconds(500));
  shared.cut_off = shared.started - shared.completed - shared.failed;
  shared.partial = shared.partial || shared.cut_off > 0;
  io.stop();

  if (options.reached) {
    options.reached->clear();
    for (const auto& slot : slots) {
      if (slot.server) options.reached->push_back({slot.entry->index, slot.client, slot.k, *slot.server});
    }
  }

  dataplane::Results r;
  r.cluster = spec.cluster.name;
  r.plugin = std::string(cluster::to_string(c.plugin_kind()));
  r.profile = "emulated (this machine's Linux kernel)";
  r.seed = spec.run.seed;
  r.call_latency = dataplane::summarize(shared.calls);
  r.chain_latency = dataplane::summarize(shared.chains);
  r.calls_started = shared.started;
  r.calls_completed = shared.completed;
  r.calls_failed = shared.failed;
  r.calls_cut_off = shared.cut_off;
  r.chains_completed = shared.chains_completed;
  r.partial = shared.partial;
  return r;
}

}  // namespace cnisim::emulation
