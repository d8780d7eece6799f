#include "models/dataplane/trace_call.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/transport/timer_slot.hpp"

namespace cnisim::dataplane {
namespace {

using transport::Segment;
using transport::TcpConnection;
using transport::TcpState;

constexpr std::uint8_t kToServer = 1, kToClient = 2;

std::string flags_text(std::uint8_t f) {
  std::string out;
  const auto add = [&](std::uint8_t bit, const char* name) {
    if ((f & bit) == 0) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(transport::kSyn, "SYN");
  add(transport::kFin, "FIN");
  add(transport::kRst, "RST");
  add(transport::kPsh, "PSH");
  add(transport::kAck, "ACK");
  return "[" + out + "]";
}

std::string us3(std::int64_t ps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ps) / 1e6);
  return buf;
}

// Drives one call's two endpoints over the network and writes a line per segment as it arrives.
class CallDriver final : public DeliveryHandler {
 public:
  CallDriver(Network& network, const transport::TcpConfig& config, HostRef client, const net::FiveTuple& tuple,
             const CallTraceOptions& options, std::vector<std::string>& lines)
      : network_(network),
        sim_(network.simulator()),
        options_(options),
        lines_(lines),
        end_{TcpConnection(config, 1000, options.no_delay), TcpConnection(config, 2000000, options.no_delay)},
        isn_{1000, 2000000} {
    host_[0] = client;
    tuple_[0] = tuple;
    end_[1].listen();
  }

  void start() {
    end_[0].connect(0);
    end_[0].write(0, options_.request);
    pump(0);
  }

  void delivered(PacketId, const Packet& p, HostRef at) override {
    const int side = p.kind == kToServer ? 1 : 0;
    if (side == 1 && !server_known_) {
      server_known_ = true;
      host_[1] = at;
      tuple_[1] = p.tuple.reversed();
    }
    line(p, side, "");
    end_[side].receive(sim_.now().ps(), segment_of(p));
    after(side);
  }

  void dropped(PacketId, const Packet& p, DropReason reason) override {
    line(p, p.kind == kToServer ? 1 : 0, std::string("  dropped: ") + std::string(to_string(reason)));
  }

  std::int64_t response_done_ps() const { return response_done_ps_; }
  bool reached() const { return server_known_; }
  const TcpConnection& end(int side) const { return end_[side]; }

 private:
  void line(const Packet& p, int side, const std::string& note) {
    const int from = 1 - side;
    const std::uint32_t len = p.size - transport::TcpConfig::kIpHeader - transport::TcpConfig::kTcpHeader;
    std::string text = "  " + us3(sim_.now().ps());
    text.insert(2, 12 - std::min<std::size_t>(12, text.size()), ' ');
    text += from == 0 ? "  client -> server  " : "  server -> client  ";
    std::string f = flags_text(p.tcp_flags);
    f.resize(std::max<std::size_t>(f.size(), 14), ' ');
    text += f + "seq " + std::to_string(p.tcp_seq - isn_[from]);
    if ((p.tcp_flags & transport::kAck) != 0) text += " ack " + std::to_string(p.tcp_ack - isn_[side]);
    text += " len " + std::to_string(len);
    text += ", " + std::to_string(p.hops) + " hops, " + us3(sim_.now().ps() - sent_ps_[p.tag]) + " us one way";
    lines_.push_back(text + note);
  }

  void after(int side) {
    const std::int64_t now = sim_.now().ps();
    if (side == 1) {
      if (!answered_ && end_[1].delivered() >= options_.request) {
        answered_ = true;
        end_[1].write(now, options_.response);
      }
      if (end_[1].peer_closed() && end_[1].state() == TcpState::CloseWait) end_[1].close(now);
    } else if (response_done_ps_ < 0 && end_[0].delivered() >= options_.response) {
      response_done_ps_ = now;
      end_[0].close(now);
    }
    pump(side);
  }

  void pump(int side) {
    auto& out = end_[side].outbox();
    for (const Segment& s : out) {
      const auto tag = static_cast<std::uint32_t>(sent_ps_.size());
      sent_ps_.push_back(sim_.now().ps());
      network_.send_segment(host_[side], tuple_[side], s, side == 0 ? kToServer : kToClient, tag, 0, true);
    }
    out.clear();
    timer_[side].update(sim_, end_[side].next_timer_ps(), [this, side] {
      timer_[side].fired();
      end_[side].on_timer(sim_.now().ps());
      after(side);
    });
  }

  Network& network_;
  sim::Simulator& sim_;
  CallTraceOptions options_;
  std::vector<std::string>& lines_;
  TcpConnection end_[2];
  std::uint32_t isn_[2];
  transport::TimerSlot timer_[2];
  HostRef host_[2];
  net::FiveTuple tuple_[2];
  bool server_known_ = false;
  bool answered_ = false;
  std::int64_t response_done_ps_ = -1;
  std::vector<std::int64_t> sent_ps_;
};

}  // namespace

TraceOutcome trace_call(const cluster::Cluster& cluster, const scenario::CostProfile& profile, std::string_view from,
                        std::string_view to, const CallTraceOptions& options, PacketObserver* observer) {
  const ResolvedEndpoint src = resolve_endpoint(cluster, from);
  const ResolvedEndpoint dst = resolve_endpoint(cluster, to);
  if (!src.host) {
    throw std::invalid_argument("'" + std::string(from) + "' cannot send: " + src.description +
                                " is not a host\n  hint: trace from a pod, a node or a VM (pod/NAME, node/NAME, vm/NAME)");
  }
  const std::uint16_t port = dst.port ? dst.port : options.port;
  const net::FiveTuple tuple{net::Protocol::Tcp, src.ip, 40000, dst.ip, port};
  sim::Simulator sim;
  Network network(cluster, profile, sim, NetworkOptions{1, false});
  network.set_observer(observer);
  TraceOutcome out;
  auto& lines = out.lines;
  transport::TcpConfig config = profile.tcp;
  config.mtu = cluster.connection_mtu(src.ip, dst.ip, port);
  lines.push_back("TCP call from " + src.description + " to " + dst.description + " under " +
                  cluster.plugin_label() + " (cost profile " + profile.name + ")");
  lines.push_back("Connection " + tuple.to_string() + ": a new connection, request " + std::to_string(options.request) +
                  " bytes, response " + std::to_string(options.response) + " bytes, MSS " +
                  std::to_string(config.mss()) + (config.mtu != profile.tcp.mtu ? " (the pods' MTU " + std::to_string(config.mtu) + ")" : "") +
                  (options.no_delay ? ", TCP_NODELAY" : ", Nagle on") +
                  "; the client closes after the response");
  lines.push_back("        time (us)  segment (sequence and ACK numbers relative to each side's first)");
  CallDriver driver(network, config, *src.host, tuple, options, lines);
  network.set_handler(&driver);
  driver.start();
  // The client's TIME_WAIT (60 s) ends the run; a path that drops everything ends with the SYN's retries.
  sim.run();
  const auto& client = driver.end(0);
  const auto& server = driver.end(1);
  out.reached = driver.reached();
  out.answered = driver.response_done_ps() >= 0;
  if (out.answered) {
    const auto& a = client.counters();
    const auto& b = server.counters();
    lines.push_back("The response was complete at " + us3(driver.response_done_ps()) + " us, " +
                    us3(client.established_at_ps()) + " us of it in the handshake. Segments: " +
                    std::to_string(a.segments_sent + b.segments_sent) + " (handshake " +
                    std::to_string(a.handshake_segments + b.handshake_segments) + ", data " +
                    std::to_string(a.data_segments + b.data_segments) + ", pure ACKs " +
                    std::to_string(a.pure_acks + b.pure_acks) + " of which delayed " +
                    std::to_string(a.delayed_acks + b.delayed_acks) + ", FINs " +
                    std::to_string(a.fin_segments + b.fin_segments) + ", retransmissions " +
                    std::to_string(a.retransmissions + b.retransmissions) + ").");
    // What the endpoints' applications charge for opening the connection (a VM outside the cluster is
    // not modelled down to its sockets: it charges neither).
    const bool client_charged = src.host->kind != HostRef::Kind::External;
    const bool server_charged = !(dst.host && dst.host->kind == HostRef::Kind::External);
    if (client_charged || server_charged) {
      std::string setup = "Opening the connection, in the SYN's one-way time:";
      if (client_charged) setup += " connect() at the client, " + profile.sockets.connect.to_string() + " (sockets.connect);";
      if (server_charged) setup += " accept() at the server, " + profile.sockets.accept.to_string() + " (sockets.accept);";
      setup.back() = '.';
      lines.push_back(setup);
    }
    char until[32];
    std::snprintf(until, sizeof until, "%.6f", static_cast<double>(sim.now().ps()) * 1e-12);
    lines.push_back("The client, which closed first, held TIME_WAIT until " + std::string(until) + " s.");
  } else if (client.failed()) {
    lines.push_back("The connection gave up after " + std::to_string(client.counters().timeouts) +
                    " timeouts: no response.");
  } else {
    lines.push_back("No response: the call did not complete.");
  }
  return out;
}

}  // namespace cnisim::dataplane
