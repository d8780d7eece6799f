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

struct Entry {
  const PingTarget* target = nullptr;
  Fd socket{-1};
  std::uint32_t sent = 0, answered = 0;
  std::map<std::uint16_t, Clock::time_point> outstanding;  // sequence -> when sent
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
    if (!to->host) {
      const bool service = to->protocol != net::Protocol::Icmp;
      errors.push_back(spec.diagnostic(
          path + ".to",
          service ? "'" + p.to + "' is a Service: emulate pings hosts only (an ICMP echo cannot stand for the TCP "
                                 "packet the simulator sends to a Service)"
                  : "'" + p.to + "' (" + to->ip.to_string() +
                        ") is no host of the cluster: emulate sends no packet to an address outside its namespaces",
          "a pod, node or VM of the cluster", "ping one of the Service's pods (pod/NAME), or leave this entry out of emulate"));
      continue;
    }
    PingTarget t;
    t.path = path;
    t.from = *from->host;
    t.to = *to->host;
    t.address = to->ip;
    t.description = name_of(c, t.from) + " -> " + name_of(c, t.to) + " " + t.address.to_string();
    t.count = p.count;
    t.interval = std::chrono::nanoseconds(p.interval.ps() / 1000);
    t.size = p.size;
    targets.push_back(std::move(t));
  }
  if (!errors.empty()) throw scenario::ScenarioError(std::move(errors));
  return targets;
}

PingRun run_emulated_pings(const Emulation& e, const std::vector<PingTarget>& targets, std::chrono::milliseconds wall,
                           const std::atomic<bool>* stop) {
  PingRun run;
  std::vector<Entry> entries;
  entries.reserve(targets.size());
  for (const auto& t : targets) {
    const std::string ns = path_of(e, t.from);
    // ICMP datagram sockets are open to the groups in ping_group_range, per namespace (default none):
    // the sender's namespace lets every group, as most distributions set it on the host.
    write_sysctl(ns, "ipv4/ping_group_range", "0 2147483647");
    Entry entry;
    entry.target = &t;
    entry.socket.fd = socket_in_netns(ns, AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    entries.push_back(std::move(entry));
  }
  const auto begin = Clock::now();
  const auto deadline = begin + wall;
  std::uint64_t budget = kMaxEchoes;
  for (auto& entry : entries) entry.start = begin;
  std::vector<char> packet, reply(65536);
  auto stopped = [&] { return (stop && stop->load()) || Clock::now() >= deadline; };
  Clock::time_point last_send = begin;
  while (true) {
    const auto now = Clock::now();
    bool any_sending = false, any_outstanding = false;
    Clock::time_point wake = now + kReplyWait;
    const bool cut = stopped() || budget == 0;
    for (auto& entry : entries) {
      if (cut && entry.sending()) run.partial = true;
      for (auto it = entry.outstanding.begin(); it != entry.outstanding.end();) {  // lost
        it = now - it->second > kReplyWait ? entry.outstanding.erase(it) : std::next(it);
      }
      while (!cut && entry.sending() && entry.next_send() <= now && entry.outstanding.size() < kMaxInFlight && budget > 0) {
        const auto seq = static_cast<std::uint16_t>(entry.sent);
        packet.assign(entry.target->size - kIpHeader, 'p');
        icmphdr header{};
        header.type = ICMP_ECHO;
        header.un.echo.sequence = htons(seq);
        std::memcpy(packet.data(), &header, sizeof header);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(entry.target->address.value);
        const auto t0 = Clock::now();
        if (::sendto(entry.socket.fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
          throw std::runtime_error(entry.target->path + ": sendto " + entry.target->address.to_string() +
                                   " failed: " + std::strerror(errno));
        }
        entry.outstanding[seq] = t0;
        last_send = t0;
        ++entry.sent;
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
    std::vector<pollfd> fds;
    for (const auto& entry : entries) fds.push_back({entry.socket.fd, POLLIN, 0});
    // ppoll: the intervals are often 100 us to 1 ms, below poll's millisecond.
    const auto left = std::max(std::chrono::nanoseconds(0), std::chrono::nanoseconds(wake - Clock::now()));
    const timespec timeout{static_cast<time_t>(left.count() / 1000000000), static_cast<long>(left.count() % 1000000000)};
    const int rc = ::ppoll(fds.data(), fds.size(), &timeout, nullptr);
    if (rc < 0 && errno != EINTR) throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    for (std::size_t i = 0; rc > 0 && i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      auto& entry = entries[i];
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
        run.latency.record(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - it->second).count() * 1000);
        entry.outstanding.erase(it);
        ++entry.answered;
      }
    }
  }
  for (const auto& entry : entries) {
    run.entries.push_back({entry.target->path, entry.target->description, entry.sent, entry.answered});
  }
  return run;
}

}  // namespace cnisim::emulation
