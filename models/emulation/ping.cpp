#include "models/emulation/ping.hpp"

#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/emulation/emulator.hpp"
#include "models/emulation/facts.hpp"
#include "models/emulation/process.hpp"
#include "models/scenario/diagnostics.hpp"

namespace cnisim::emulation {
namespace {

using Clock = std::chrono::steady_clock;
using dataplane::HostRef;

constexpr std::uint32_t kIpHeader = 20;

// An owned descriptor.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// An echo on its way: when it was sent, and for a Service ping its own connecting socket.
struct Pending {
  Clock::time_point sent;
  std::shared_ptr<Fd> socket;
};

struct Entry {
  const PingTarget* target = nullptr;
  Fd socket{-1};  // ICMP: the entry's datagram socket
  std::uint32_t sent = 0, answered = 0;
  std::map<std::uint16_t, Pending> outstanding;  // sequence -> the echo
  Clock::time_point start;
  Clock::time_point next_send() const { return start + target->interval * sent; }
  bool sending() const { return sent < target->count; }
};

}  // namespace

std::vector<PingTarget> plan_pings(const scenario::ScenarioSpec& spec, const cluster::Cluster& c) {
  std::vector<PingTarget> targets;
  std::vector<scenario::Diagnostic> errors;
  for (std::size_t i = 0; i < spec.traffic.ping.size(); ++i) {
    const auto& p = spec.traffic.ping[i];
    const std::string path = "traffic.ping[" + std::to_string(i) + "]";
    auto resolve = [&](const std::string& text, const std::string& field) -> std::optional<dataplane::ResolvedEndpoint> {
      try {
        return dataplane::resolve_endpoint(c, text);
      } catch (const std::invalid_argument& e) {
        errors.push_back(spec.diagnostic(path + "." + field, e.what(), "", ""));
        return std::nullopt;
      }
    };
    const auto from = resolve(p.from, "from");
    const auto to = resolve(p.to, "to");
    if (!from || !to) continue;
    if (!from->host) {
      errors.push_back(spec.diagnostic(path + ".from", "'" + p.from + "' is not a host that can send",
                                       "a pod, node or VM (not a Service)",
                                       "traffic starts at a pod/NAME, node/NAME or vm/NAME"));
      continue;
    }
    PingTarget t;
    if (!to->host) {
      const auto rule = std::find_if(c.service_dnat().rules.begin(), c.service_dnat().rules.end(), [&](const auto& r) {
        return r.clusterIP == to->ip && r.port == to->port && r.protocol == cluster::Protocol::Tcp;
      });
      if (to->protocol != net::Protocol::Tcp || rule == c.service_dnat().rules.end()) {
        errors.push_back(spec.diagnostic(path + ".to",
                                         "'" + p.to + "' (" + to->ip.to_string() +
                                             ") is no host of the cluster: emulate sends no packet to an address outside its namespaces",
                                         "a pod, node or VM of the cluster, or a Service", "ping pod/NAME, node/NAME, vm/NAME or svc/NAME"));
        continue;
      }
      if (spec.given(path + ".size")) {
        errors.push_back(spec.diagnostic(path + ".size",
                                         "a ping to a Service is a TCP handshake in the emulation, whose packets have the size TCP gives them",
                                         "no size for a ping to a Service", "leave size out of this entry"));
        continue;
      }
      t.service = rule->service;
      t.port = rule->port;
      t.target_port = rule->targetPort;
      t.endpoints = c.services()[rule->service].endpoints;
    }
    t.path = path;
    t.from = *from->host;
    t.to = to->host;
    t.address = to->ip;
    t.description = name_of(c, t.from) + " -> " +
                    (t.to ? name_of(c, *t.to) + " " + t.address.to_string()
                          : to->description + " (TCP handshake through the DNAT)");
    t.count = p.count;
    t.interval = std::chrono::nanoseconds(p.interval.ps() / 1000);
    t.size = p.size;
    targets.push_back(std::move(t));
  }
  if (!errors.empty()) throw scenario::ScenarioError(std::move(errors));
  return targets;
}

namespace {

// A listening TCP socket of an endpoint pod, for Service pings: connections are accepted and closed.
Fd listen_in(const std::string& ns, std::uint16_t port) {
  Fd fd(socket_in_netns(ns, AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
  const int on = 1;
  ::setsockopt(fd.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  if (::bind(fd.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) < 0 || ::listen(fd.fd, 1024) < 0) {
    throw std::runtime_error("cannot listen on port " + std::to_string(port) + " in " + ns + ": " + std::strerror(errno));
  }
  return fd;
}

sockaddr_in socket_address(net::Ipv4 ip, std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(ip.value);
  return to;
}

// One echo: an ICMP echo request on the entry's socket, or a TCP SYN from a socket of its own.
void send_echo(Entry& entry, const std::string& client_ns, std::vector<char>& packet) {
  const auto& t = *entry.target;
  const auto seq = static_cast<std::uint16_t>(entry.sent);
  const auto to = socket_address(t.address, t.port);
  Pending pending;
  if (!t.service) {
    packet.assign(t.size - kIpHeader, 'p');
    icmphdr header{};
    header.type = ICMP_ECHO;
    header.un.echo.sequence = htons(seq);
    std::memcpy(packet.data(), &header, sizeof header);
    pending.sent = Clock::now();
    if (::sendto(entry.socket.fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
      throw std::runtime_error(t.path + ": sendto " + t.address.to_string() + " failed: " + std::strerror(errno));
    }
  } else {
    pending.socket = std::make_shared<Fd>(socket_in_netns(client_ns, AF_INET, SOCK_STREAM | SOCK_NONBLOCK));
    const linger reset{1, 0};  // close with a RST: no TIME_WAIT left per echo
    ::setsockopt(pending.socket->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    pending.sent = Clock::now();
    if (::connect(pending.socket->fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0 && errno != EINPROGRESS) {
      throw std::runtime_error(t.path + ": connect " + t.address.to_string() + " failed: " + std::strerror(errno));
    }
  }
  entry.outstanding[seq] = std::move(pending);
  ++entry.sent;
}

}  // namespace

PingRun run_emulated_pings(const Emulation& e, const std::vector<PingTarget>& targets, std::chrono::milliseconds wall,
                           const std::atomic<bool>* stop) {
  PingRun run;
  std::vector<Entry> entries;
  std::vector<std::string> client_ns;
  std::vector<Fd> listeners;
  std::set<std::pair<std::string, std::uint16_t>> listening;  // namespace (hostNetwork pods share one), port
  entries.reserve(targets.size());
  for (const auto& t : targets) {
    const std::string ns = path_of(e, t.from);
    Entry entry;
    entry.target = &t;
    if (!t.service) {
      // ICMP datagram sockets are open to the groups in ping_group_range, per namespace (default
      // none): the sender's namespace lets every group, as most distributions set it on the host.
      write_sysctl(ns, "ipv4/ping_group_range", "0 2147483647");
      entry.socket.fd = socket_in_netns(ns, AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    }
    for (auto p : t.endpoints) {
      const auto at = e.path_of_pod(p);
      if (listening.insert({at, t.target_port}).second) listeners.push_back(listen_in(at, t.target_port));
    }
    entries.push_back(std::move(entry));
    client_ns.push_back(ns);
  }
  const auto begin = Clock::now();
  const auto deadline = begin + wall;
  std::uint64_t budget = kMaxEchoes;
  for (auto& entry : entries) entry.start = begin;
  std::vector<char> packet, reply(65536);
  auto stopped = [&] { return (stop && stop->load()) || Clock::now() >= deadline; };
  auto record = [&](Entry& entry, Clock::time_point sent, Clock::time_point now) {
    run.latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count() * 1000);
    ++entry.answered;
  };
  Clock::time_point last_send = begin;
  // What each polled descriptor is: an entry's ICMP socket, an entry's pending connect, a listener.
  struct Polled {
    std::size_t entry = 0;
    std::optional<std::uint16_t> connect;  // the sequence of a pending TCP echo
    bool listener = false;
  };
  std::vector<pollfd> fds;
  std::vector<Polled> polled;
  while (true) {
    const auto now = Clock::now();
    bool any_sending = false, any_outstanding = false;
    Clock::time_point wake = now + kReplyWait;
    const bool cut = stopped() || budget == 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto& entry = entries[i];
      if (cut && entry.sending()) run.partial = true;
      for (auto it = entry.outstanding.begin(); it != entry.outstanding.end();) {  // lost
        it = now - it->second.sent > kReplyWait ? entry.outstanding.erase(it) : std::next(it);
      }
      while (!cut && entry.sending() && entry.next_send() <= now && entry.outstanding.size() < kMaxInFlight && budget > 0) {
        send_echo(entry, client_ns[i], packet);
        last_send = Clock::now();
        --budget;
      }
      if (!cut && entry.sending()) {
        any_sending = true;
        if (entry.outstanding.size() < kMaxInFlight) wake = std::min(wake, entry.next_send());
      }
      any_outstanding = any_outstanding || !entry.outstanding.empty();
    }
    if (!any_sending && (!any_outstanding || now >= last_send + kReplyWait)) break;
    if (!any_sending) wake = std::min(wake, last_send + kReplyWait);
    fds.clear();
    polled.clear();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!entries[i].target->service) {
        fds.push_back({entries[i].socket.fd, POLLIN, 0});
        polled.push_back({i, std::nullopt, false});
        continue;
      }
      for (const auto& [seq, pending] : entries[i].outstanding) {
        fds.push_back({pending.socket->fd, POLLOUT, 0});
        polled.push_back({i, seq, false});
      }
    }
    for (const auto& l : listeners) {
      fds.push_back({l.fd, POLLIN, 0});
      polled.push_back({0, std::nullopt, true});
    }
    // ppoll: the intervals are often 100 us to 1 ms, below poll's millisecond.
    const auto left = std::max(std::chrono::nanoseconds(0), std::chrono::nanoseconds(wake - Clock::now()));
    const timespec timeout{static_cast<time_t>(left.count() / 1000000000), static_cast<long>(left.count() % 1000000000)};
    const int rc = ::ppoll(fds.data(), fds.size(), &timeout, nullptr);
    if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    for (std::size_t k = 0; rc > 0 && k < fds.size(); ++k) {
      if (!fds[k].revents) continue;
      if (polled[k].listener) {
        for (int conn; (conn = ::accept4(fds[k].fd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) ::close(conn);
        continue;
      }
      auto& entry = entries[polled[k].entry];
      if (polled[k].connect) {  // the SYN-ACK came back (POLLOUT), or the connection failed
        const auto t1 = Clock::now();
        const auto it = entry.outstanding.find(*polled[k].connect);
        if (it == entry.outstanding.end()) continue;
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fds[k].fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error == 0 && (fds[k].revents & POLLOUT)) record(entry, it->second.sent, t1);
        entry.outstanding.erase(it);  // answered or refused: closed either way
        continue;
      }
      while (true) {
        const ssize_t n = ::recv(entry.socket.fd, reply.data(), reply.size(), MSG_DONTWAIT);
        const auto t1 = Clock::now();
        if (n < 0) break;
        if (static_cast<std::size_t>(n) < sizeof(icmphdr)) continue;
        icmphdr header{};
        std::memcpy(&header, reply.data(), sizeof header);
        if (header.type != ICMP_ECHOREPLY) continue;
        const auto it = entry.outstanding.find(ntohs(header.un.echo.sequence));
        if (it == entry.outstanding.end()) continue;
        record(entry, it->second.sent, t1);
        entry.outstanding.erase(it);
      }
    }
  }
  for (const auto& entry : entries) {
    run.entries.push_back({entry.target->path, entry.target->description, entry.sent, entry.answered});
  }
  return run;
}

}  // namespace cnisim::emulation
