#include "models/net/conntrack.hpp"

namespace cnisim::net {

std::string_view to_string(ConnState state) {
  switch (state) {
    case ConnState::TcpSynSent: return "SYN_SENT";
    case ConnState::TcpSynRecv: return "SYN_RECV";
    case ConnState::TcpEstablished: return "ESTABLISHED";
    case ConnState::TcpFinWait: return "FIN_WAIT";
    case ConnState::TcpCloseWait: return "CLOSE_WAIT";
    case ConnState::TcpLastAck: return "LAST_ACK";
    case ConnState::TcpTimeWait: return "TIME_WAIT";
    case ConnState::TcpClose: return "CLOSE";
    case ConnState::Udp: return "UDP";
    case ConnState::UdpStream: return "UDP stream";
    case ConnState::Icmp: return "ICMP";
    case ConnState::Generic: return "generic";
  }
  return "?";
}

std::int64_t ConntrackConfig::timeout(ConnState state) const {
  switch (state) {
    case ConnState::TcpSynSent: return tcp_syn_sent_ps;
    case ConnState::TcpSynRecv: return tcp_syn_recv_ps;
    case ConnState::TcpEstablished: return tcp_established_ps;
    case ConnState::TcpFinWait: return tcp_fin_wait_ps;
    case ConnState::TcpCloseWait: return tcp_close_wait_ps;
    case ConnState::TcpLastAck: return tcp_last_ack_ps;
    case ConnState::TcpTimeWait: return tcp_time_wait_ps;
    case ConnState::TcpClose: return tcp_close_ps;
    case ConnState::Udp: return udp_ps;
    case ConnState::UdpStream: return udp_stream_ps;
    case ConnState::Icmp: return icmp_ps;
    case ConnState::Generic: return generic_ps;
  }
  return generic_ps;
}

namespace {

ConnState initial_state(Protocol protocol) {
  switch (protocol) {
    case Protocol::Tcp: return ConnState::TcpSynSent;
    case Protocol::Udp: return ConnState::Udp;
    case Protocol::Icmp: return ConnState::Icmp;
    case Protocol::Ipip:
    case Protocol::Sctp: return ConnState::Generic;
  }
  return ConnState::Generic;
}

}  // namespace

ConntrackTable::ConntrackTable(PortRange snat_ports, ConntrackConfig config)
    : snat_ports_(snat_ports), config_(config) {
  if (config.max_entries == 0) {
    throw std::invalid_argument("a conntrack table limit of 0 entries tracks nothing: give at least 1");
  }
  if (snat_ports.first > snat_ports.last) {
    throw std::invalid_argument("SNAT port range " + std::to_string(snat_ports.first) + "-" +
                                std::to_string(snat_ports.last) + " is empty: the first port must not exceed the last");
  }
}

Tracked ConntrackTable::translate(ConnectionId id, Direction direction) const {
  const Connection& c = slots_[id].connection;
  // Either way, a packet leaves looking like the other direction's tuple reversed.
  const FiveTuple& out = direction == Direction::Original ? c.reply : c.original;
  return Tracked{out.reversed(), id, direction, false, slots_[id].generation};
}

std::int64_t ConntrackTable::deadline(std::int64_t now_ps, ConnState state) const {
  const std::int64_t timeout = config_.timeout(state);
  return timeout >= ConntrackConfig::kNever - now_ps ? ConntrackConfig::kNever : now_ps + timeout;
}

namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

// nf_conntrack_proto_tcp.c's tcp_conntracks table, for the packets a connection's endpoints send
// (no invalid or out-of-window packets here): the state after a packet with these flags.
ConnState tcp_next(const Connection& c, Direction direction, std::uint8_t flags) {
  const std::uint8_t own_fin = direction == Direction::Original ? 1 : 2;
  if ((flags & kRst) != 0) return ConnState::TcpClose;
  switch (c.state) {
    case ConnState::TcpSynSent:
      if (direction == Direction::Reply && (flags & kSyn) != 0 && (flags & kAck) != 0) return ConnState::TcpSynRecv;
      return c.state;
    case ConnState::TcpSynRecv:
      if (direction == Direction::Original && (flags & kAck) != 0 && (flags & kSyn) == 0)
        return (flags & kFin) != 0 ? ConnState::TcpFinWait : ConnState::TcpEstablished;
      return c.state;
    case ConnState::TcpEstablished:
      return (flags & kFin) != 0 ? ConnState::TcpFinWait : c.state;
    case ConnState::TcpFinWait:
      // The other side's FIN: LAST_ACK; its ACK of the first FIN: CLOSE_WAIT.
      if ((c.fin_seen & own_fin) == 0 && (flags & kFin) != 0) return ConnState::TcpLastAck;
      if ((c.fin_seen & own_fin) == 0 && (flags & kAck) != 0) return ConnState::TcpCloseWait;
      return c.state;
    case ConnState::TcpCloseWait:
      return (c.fin_seen & own_fin) == 0 && (flags & kFin) != 0 ? ConnState::TcpLastAck : c.state;
    case ConnState::TcpLastAck:
      // The ACK of the last FIN.
      return (flags & kAck) != 0 && (flags & kFin) == 0 ? ConnState::TcpTimeWait : c.state;
    default:
      return c.state;
  }
}

}  // namespace

void ConntrackTable::refresh(Connection& c, Direction direction, std::int64_t now_ps, std::uint8_t tcp_flags) {
  if (direction == Direction::Reply) c.seen_reply = true;
  switch (c.state) {
    case ConnState::Udp:
      // nf_conntrack_proto_udp.c: replied and still active after a while, it is a stream, and assured.
      if (c.seen_reply && now_ps - c.created_ps >= config_.udp_stream_after_ps) {
        c.state = ConnState::UdpStream, c.assured = true;
      }
      break;
    case ConnState::UdpStream:
    case ConnState::Icmp:
    case ConnState::Generic:
      break;
    default:
      if (tcp_flags == 0) {
        // A message without TCP flags: the first reply completes the connection.
        if (c.state == ConnState::TcpSynSent && c.seen_reply) c.state = ConnState::TcpEstablished, c.assured = true;
        break;
      }
      c.state = tcp_next(c, direction, tcp_flags);
      if ((tcp_flags & kFin) != 0) c.fin_seen |= direction == Direction::Original ? 1 : 2;
      if (c.state == ConnState::TcpEstablished) c.assured = true;  // the handshake completed
      break;
  }
  const std::int64_t before = c.expires_ps;
  c.expires_ps = deadline(now_ps, c.state);
  if (c.snat && c.expires_ps < before) [[unlikely]] note_expiry(c);
}

void ConntrackTable::note_expiry(const Connection& c) {
  if (PortUse* use = ports_.find(PortKey{c.reply.dst, c.reply.protocol, Endpoint{c.reply.src, c.reply.src_port}}))
    use->earliest_expiry = std::min(use->earliest_expiry, c.expires_ps);
}

std::optional<Tracked> ConntrackTable::lookup(const FiveTuple& packet, std::int64_t now_ps, std::uint8_t tcp_flags) {
  const bool opening = (tcp_flags & kSyn) != 0 && (tcp_flags & kAck) == 0;
  ++counters_.lookups;
  const std::uint32_t* found = by_tuple_.find(packet);
  if (found) {
    const auto id = static_cast<ConnectionId>(*found >> 1);
    const Direction direction = (*found & 1) ? Direction::Reply : Direction::Original;
    Connection& c = slots_[id].connection;
    if (c.expires_ps <= now_ps) {
      ++counters_.expired;
      remove(id);
    } else if (opening && direction == Direction::Original &&
               (c.state == ConnState::TcpTimeWait || c.state == ConnState::TcpClose)) {
      // A SYN on a TIME_WAIT or CLOSE entry: nf_conntrack_proto_tcp.c kills the old entry and tracks anew.
      ++counters_.reopened;
      remove(id);
    } else {
      ++counters_.hits;
      refresh(c, direction, now_ps, tcp_flags);
      return translate(id, direction);
    }
  }
  ++counters_.misses;
  return std::nullopt;
}

void ConntrackTable::sweep(std::int64_t now_ps, std::size_t slots) {
  if (slots_.empty()) return;
  for (std::size_t i = 0; i < slots && i < slots_.size(); ++i) {
    if (sweep_cursor_ >= slots_.size()) sweep_cursor_ = 0;
    const auto id = static_cast<ConnectionId>(sweep_cursor_++);
    if (slots_[id].alive && slots_[id].connection.expires_ps <= now_ps) {
      ++counters_.expired;
      remove(id);
    }
  }
}

bool ConntrackTable::make_room(const FiveTuple& tuple, std::int64_t now_ps) {
  if (slots_.empty()) return false;
  // Like early_drop(): look at a few entries from a place given by the new tuple's hash; reap an
  // expired one or drop one not yet assured.
  std::size_t at = std::hash<FiveTuple>{}(tuple) % slots_.size();
  std::size_t examined = 0;
  for (std::size_t step = 0; step < slots_.size() && examined < ConntrackConfig::kEarlyDropScan; ++step) {
    const auto id = static_cast<ConnectionId>(at);
    at = at + 1 == slots_.size() ? 0 : at + 1;
    if (!slots_[id].alive) continue;
    ++examined;
    const Connection& c = slots_[id].connection;
    if (c.expires_ps <= now_ps) {
      ++counters_.expired;
      remove(id);
      return true;
    }
    if (!c.assured) {
      ++counters_.early_dropped;
      remove(id);
      return true;
    }
  }
  return false;
}

bool ConntrackTable::taken(const FiveTuple& reply, std::int64_t now_ps, std::int64_t* earliest) {
  const std::uint32_t* found = by_tuple_.find(reply);
  if (!found) return false;
  const auto id = static_cast<ConnectionId>(*found >> 1);
  if (const std::int64_t expires = slots_[id].connection.expires_ps; expires > now_ps) {
    if (earliest) *earliest = std::min(*earliest, expires);
    return true;
  }
  // An expired entry holds no tuple (nf_conntrack_tuple_taken skips and reaps expired entries).
  ++counters_.expired;
  remove(id);
  return false;
}

FiveTuple ConntrackTable::reply_tuple(const FiveTuple& original, const NatAction& action, std::int64_t now_ps) {
  const Endpoint destination = action.dnat.value_or(Endpoint{original.dst, original.dst_port});
  FiveTuple reply{original.protocol, destination.ip, destination.port, original.src, original.src_port};
  if (!action.snat) return reply;

  reply.dst = *action.snat;
  // ports_[key] is looked up again after each taken(): reaping an expired entry may erase the key.
  const PortKey key{*action.snat, original.protocol, destination};
  // Keep the original source port if that reply tuple is free (Linux does the same); otherwise
  // take the next free port of the range, searching on from where the last search ended.
  if ((snat_ports_.specified && !in_range(reply.dst_port)) || taken(reply, now_ps)) {
    ++counters_.snat_port_remapped;
    // Every port held and none can have expired yet: exhausted without a search. Otherwise search the
    // range (reaping expired holders on the way), noting when the earliest live one expires.
    const bool full = ports_[key].in_use >= snat_ports_.size();
    bool found = false;
    std::int64_t earliest = ConntrackConfig::kNever;
    std::uint32_t offset = ports_[key].cursor;
    if (!full || ports_[key].earliest_expiry <= now_ps) {
      for (std::uint32_t tried = 0; tried < snat_ports_.size() && !found; ++tried) {
        reply.dst_port = static_cast<std::uint16_t>(snat_ports_.first + offset);
        found = !taken(reply, now_ps, &earliest);
        offset = (offset + 1) % snat_ports_.size();
      }
    }
    if (!found) {
      ++counters_.snat_exhausted;
      if (ports_[key].in_use == 0) {
        ports_.erase(key);
      } else if (!full || ports_[key].earliest_expiry <= now_ps) {
        ports_[key].earliest_expiry = earliest;  // the whole range was searched
      }
      throw PortExhaustedError("SNAT port exhaustion: all " + std::to_string(snat_ports_.size()) + " ports (" +
                               std::to_string(snat_ports_.first) + "-" + std::to_string(snat_ports_.last) + ") of " +
                               action.snat->to_string() + " towards " + std::string(to_string(original.protocol)) +
                               " " + destination.to_string() + " are in use (needed 1, available 0); close idle " +
                               "connections, spread load over more destinations or add SNAT addresses");
    }
    ports_[key].cursor = static_cast<std::uint16_t>(offset);
  }
  if (in_range(reply.dst_port)) ++ports_[key].in_use;
  return reply;
}

Tracked ConntrackTable::create(const FiveTuple& first_packet, const NatAction& action, std::int64_t now_ps) {
  if (by_tuple_.contains(first_packet)) {
    throw ConntrackError("connection " + first_packet.to_string() + " is already tracked; use lookup() or track()");
  }
  sweep(now_ps, ConntrackConfig::kSweepPerCreate);
  if (size_ >= config_.max_entries && !make_room(first_packet, now_ps)) {
    ++counters_.table_full;
    throw ConntrackFullError("conntrack table full: " + std::to_string(size_) + " of " +
                             std::to_string(config_.max_entries) + " entries in use, none of them unassured " +
                             "near " + first_packet.to_string() + " (nf_conntrack: table full, dropping packet); " +
                             "raise conntrack.maxPerCore or conntrack.min, or shorten the timeouts");
  }
  const FiveTuple reply = reply_tuple(first_packet, action, now_ps);
  if (by_tuple_.contains(reply)) {
    throw ConntrackError("connection " + first_packet.to_string() + " would receive replies as " +
                         reply.reversed().to_string() + ", which another connection already uses");
  }
  ConnectionId id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<ConnectionId>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[id];
  slot.connection = Connection{first_packet, reply, action.dnat.has_value(), action.snat.has_value(),
                               initial_state(first_packet.protocol), false, false, now_ps, 0};
  slot.connection.expires_ps = deadline(now_ps, slot.connection.state);
  if (slot.connection.snat) note_expiry(slot.connection);
  slot.alive = true;
  ++slot.generation;
  by_tuple_.insert(first_packet, id << 1);
  by_tuple_.insert(reply, id << 1 | 1);
  ++size_;
  if (size_ > counters_.peak_size) counters_.peak_size = size_;
  ++counters_.created;
  Tracked t = translate(id, Direction::Original);
  t.created = true;
  return t;
}

Tracked ConntrackTable::track(const FiveTuple& packet, const NatAction& action_if_new, std::int64_t now_ps,
                               std::uint8_t tcp_flags) {
  if (auto t = lookup(packet, now_ps, tcp_flags)) return *t;
  return create(packet, action_if_new, now_ps);
}

bool ConntrackTable::close(ConnectionId id, std::uint32_t generation, std::int64_t now_ps) {
  if (id >= slots_.size() || !slots_[id].alive || slots_[id].generation != generation) return false;
  Connection& c = slots_[id].connection;
  if (c.original.protocol == Protocol::Tcp && c.state != ConnState::TcpTimeWait) {
    c.state = ConnState::TcpTimeWait;
    c.expires_ps = deadline(now_ps, c.state);
    if (c.snat) note_expiry(c);
    ++counters_.closed;
  }
  return true;
}

void ConntrackTable::remove(ConnectionId id) {
  const Connection& c = connection(id);
  by_tuple_.erase(c.original);
  by_tuple_.erase(c.reply);
  if (c.snat) {
    const PortKey key{c.reply.dst, c.reply.protocol, Endpoint{c.reply.src, c.reply.src_port}};
    if (PortUse* use = ports_.find(key)) {
      if (in_range(c.reply.dst_port)) --use->in_use;
      if (use->in_use == 0) ports_.erase(key);
    }
  }
  slots_[id].alive = false;
  free_ids_.push_back(id);
  --size_;
  ++counters_.removed;
}

const Connection& ConntrackTable::connection(ConnectionId id) const {
  if (id >= slots_.size() || !slots_[id].alive) {
    throw std::out_of_range("connection " + std::to_string(id) + " is not tracked");
  }
  return slots_[id].connection;
}

std::uint32_t ConntrackTable::snat_ports_in_use(Ipv4 address, Protocol protocol, Endpoint destination) const {
  const PortUse* use = ports_.find(PortKey{address, protocol, destination});
  return use ? use->in_use : 0;
}

}  // namespace cnisim::net
