#include "models/net/conntrack.hpp"

namespace cnisim::net {

ConntrackTable::ConntrackTable(PortRange snat_ports) : snat_ports_(snat_ports) {
  if (snat_ports.first > snat_ports.last) {
    throw std::invalid_argument("SNAT port range " + std::to_string(snat_ports.first) + "-" +
                                std::to_string(snat_ports.last) + " is empty: the first port must not exceed the last");
  }
}

Tracked ConntrackTable::translate(ConnectionId id, Direction direction) const {
  const Connection& c = slots_[id].connection;
  // Either way, a packet leaves looking like the other direction's tuple reversed.
  const FiveTuple& out = direction == Direction::Original ? c.reply : c.original;
  return Tracked{out.reversed(), id, direction, false};
}

std::optional<Tracked> ConntrackTable::lookup(const FiveTuple& packet) {
  ++counters_.lookups;
  const auto it = by_tuple_.find(packet);
  if (it == by_tuple_.end()) {
    ++counters_.misses;
    return std::nullopt;
  }
  ++counters_.hits;
  return translate(static_cast<ConnectionId>(it->second >> 1), (it->second & 1) ? Direction::Reply : Direction::Original);
}

FiveTuple ConntrackTable::reply_tuple(const FiveTuple& original, const NatAction& action) {
  const Endpoint destination = action.dnat.value_or(Endpoint{original.dst, original.dst_port});
  FiveTuple reply{original.protocol, destination.ip, destination.port, original.src, original.src_port};
  if (!action.snat) return reply;

  reply.dst = *action.snat;
  PortUse& use = ports_[PortKey{*action.snat, original.protocol, destination}];
  // Keep the original source port if that reply tuple is free (Linux does the same); otherwise
  // take the next free port of the range, searching on from where the last search ended.
  if (by_tuple_.contains(reply)) {
    ++counters_.snat_port_remapped;
    bool found = false;
    std::uint32_t offset = use.cursor;
    for (std::uint32_t tried = 0; use.in_use < snat_ports_.size() && tried < snat_ports_.size() && !found; ++tried) {
      reply.dst_port = static_cast<std::uint16_t>(snat_ports_.first + offset);
      found = !by_tuple_.contains(reply);
      offset = (offset + 1) % snat_ports_.size();
    }
    if (!found) {
      ++counters_.snat_exhausted;
      if (use.in_use == 0) ports_.erase(PortKey{*action.snat, original.protocol, destination});
      throw PortExhaustedError("SNAT port exhaustion: all " + std::to_string(snat_ports_.size()) + " ports (" +
                               std::to_string(snat_ports_.first) + "-" + std::to_string(snat_ports_.last) + ") of " +
                               action.snat->to_string() + " towards " + std::string(to_string(original.protocol)) +
                               " " + destination.to_string() + " are in use (needed 1, available 0); close idle " +
                               "connections, spread load over more destinations or add SNAT addresses");
    }
    use.cursor = static_cast<std::uint16_t>(offset);
  }
  if (in_range(reply.dst_port)) ++use.in_use;
  return reply;
}

Tracked ConntrackTable::create(const FiveTuple& first_packet, const NatAction& action) {
  if (by_tuple_.contains(first_packet)) {
    throw ConntrackError("connection " + first_packet.to_string() + " is already tracked; use lookup() or track()");
  }
  const FiveTuple reply = reply_tuple(first_packet, action);
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
  slots_[id] = Slot{Connection{first_packet, reply, action.dnat.has_value(), action.snat.has_value()}, true};
  by_tuple_.emplace(first_packet, std::uint64_t{id} << 1);
  by_tuple_.emplace(reply, std::uint64_t{id} << 1 | 1);
  ++size_;
  ++counters_.created;
  Tracked t = translate(id, Direction::Original);
  t.created = true;
  return t;
}

Tracked ConntrackTable::track(const FiveTuple& packet, const NatAction& action_if_new) {
  if (auto t = lookup(packet)) return *t;
  return create(packet, action_if_new);
}

void ConntrackTable::remove(ConnectionId id) {
  const Connection& c = connection(id);
  by_tuple_.erase(c.original);
  by_tuple_.erase(c.reply);
  if (c.snat) {
    const auto it = ports_.find(PortKey{c.reply.dst, c.reply.protocol, Endpoint{c.reply.src, c.reply.src_port}});
    if (it != ports_.end()) {
      if (in_range(c.reply.dst_port)) --it->second.in_use;
      if (it->second.in_use == 0) ports_.erase(it);
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
  const auto it = ports_.find(PortKey{address, protocol, destination});
  return it == ports_.end() ? 0 : it->second.in_use;
}

}  // namespace cnisim::net
