#include "models/emulation/traffic.hpp"

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <set>
#include <random>
#include <stdexcept>

#include "models/emulation/emulator.hpp"
#include "models/emulation/process.hpp"
#include "models/scenario/labels.hpp"
#include "sim/histogram.hpp"

namespace cnisim::emulation {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
  TrafficLimits limits;
  Clock::time_point deadline;
  const std::atomic<bool>* stop = nullptr;
  sim::Histogram calls, chains;
  std::uint64_t started = 0, completed = 0, failed = 0, cut_off = 0, chains_completed = 0;
  bool partial = false;  // the wall-clock cap or a stop cut the calls short
  std::size_t active_slots = 0;
  asio::io_context* io = nullptr;
  bool over() {
    if (Clock::now() >= deadline || (stop && stop->load())) partial = true;
    return started >= limits.max_calls || partial;
  }
};

struct Entry {
  std::vector<cluster::PodIndex> clients;
  std::vector<cluster::PodIndex> servers;  // pods listening on listen_port
  std::optional<net::Ipv4> service;        // connect to service:connect_port, else to a random server
  std::uint16_t connect_port = 80, listen_port = 80;
  const scenario::ChattySpec* spec = nullptr;
  std::uint64_t chains_left = 0;
};

std::int64_t ps_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count() * 1000;
}

awaitable<void> serve(tcp::socket socket, const scenario::ChattySpec& spec) {
  std::vector<char> request(spec.request_size), response(spec.response_size, 'r');
  asio::steady_timer timer(socket.get_executor());
  try {
    for (;;) {
      co_await asio::async_read(socket, asio::buffer(request), use_awaitable);
      if (spec.server_time.ps() > 0) {
        timer.expires_after(std::chrono::nanoseconds(spec.server_time.ps() / 1000));
        co_await timer.async_wait(use_awaitable);
      }
      co_await asio::async_write(socket, asio::buffer(response), use_awaitable);
    }
  } catch (const std::exception&) {
    // the client closed the connection, or the run ended
  }
}

awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, const scenario::ChattySpec& spec) {
  try {
    for (;;) {
      tcp::socket s = co_await acceptor->async_accept(use_awaitable);
      s.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor->get_executor(), serve(std::move(s), spec), asio::detached);
    }
  } catch (const std::exception&) {
  }
}

awaitable<void> client_slot(const Emulation& e, Entry& entry, cluster::PodIndex client, Shared& shared,
                            std::uint64_t seed) {
  const auto& c = e.cluster();
  const auto& spec = *entry.spec;
  auto ex = co_await asio::this_coro::executor;
  std::mt19937_64 random(seed);
  std::vector<char> request(spec.request_size, 'q'), response(spec.response_size);
  std::optional<tcp::socket> socket;
  asio::steady_timer timer(ex);
  auto open = [&]() -> awaitable<void> {
    socket.emplace(ex);
    socket->assign(tcp::v4(), socket_in_netns(e.path_of_pod(client), AF_INET, SOCK_STREAM));
    const net::Ipv4 ip = entry.service ? *entry.service
                                       : c.pods()[entry.servers[random() % entry.servers.size()]].ip;
    co_await socket->async_connect(tcp::endpoint(asio::ip::address_v4(ip.value), entry.connect_port), use_awaitable);
    socket->set_option(tcp::no_delay(true));
  };
  while (!shared.over() && entry.chains_left > 0) {
    --entry.chains_left;
    const auto chain_start = Clock::now();
    bool ok = true;
    for (std::uint32_t k = 0; k < spec.chain_depth && ok; ++k) {
      if (shared.over()) {
        ok = false;
        break;
      }
      ++shared.started;
      const auto t0 = Clock::now();
      try {
        // Calling pods directly: a random server per call, so a new connection per call.
        if (!socket || spec.new_connection_per_call || !entry.service) co_await open();
        co_await asio::async_write(*socket, asio::buffer(request), use_awaitable);
        co_await asio::async_read(*socket, asio::buffer(response), use_awaitable);
        shared.calls.record(ps_since(t0));
        ++shared.completed;
      } catch (const std::exception&) {
        ++shared.failed;
        socket.reset();
        ok = false;
      }
    }
    if (ok) {
      shared.chains.record(ps_since(chain_start));
      ++shared.chains_completed;
    }
    if (spec.think_time.ps() > 0) {
      timer.expires_after(std::chrono::nanoseconds(spec.think_time.ps() / 1000));
      co_await timer.async_wait(use_awaitable);
    }
  }
  if (--shared.active_slots == 0) shared.io->stop();  // the servers' accept loops would run on
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
                                        const TrafficLimits& limits, const std::atomic<bool>* stop) {
  const auto& c = e.cluster();
  asio::io_context io;
  Shared shared;
  shared.limits = limits;
  shared.stop = stop;
  std::vector<Entry> entries;
  entries.reserve(spec.traffic.chatty.size());
  for (const auto& chatty : spec.traffic.chatty) {
    Entry entry;
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
    entry.chains_left = chatty.chains.value_or(limits.max_calls);
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
      asio::co_spawn(io, accept_loop(a, *entry.spec), asio::detached);
      acceptors.push_back(a);
    }
  }
  shared.deadline = Clock::now() + limits.wall;
  shared.io = &io;
  std::uint64_t seed = spec.run.seed;
  for (auto& entry : entries) {
    for (auto client : entry.clients) {
      for (std::uint32_t slot = 0; slot < std::max<std::uint32_t>(1, entry.spec->concurrency); ++slot) {
        ++shared.active_slots;
        asio::co_spawn(io, client_slot(e, entry, client, shared, ++seed), asio::detached);
      }
    }
  }
  // Bounded: the clients stop starting calls at the limits; what is still in flight a little after
  // the deadline is cut off.
  io.run_until(shared.deadline + std::chrono::milliseconds(500));
  shared.cut_off = shared.started - shared.completed - shared.failed;
  shared.partial = shared.partial || shared.cut_off > 0;
  io.stop();

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
