#pragma once
// Connection tracking with NAT, after Linux nf_conntrack/nf_nat. A connection has an original tuple
// (its first packet as sent) and a reply tuple (what replies look like on the wire after NAT). A
// packet matching either is translated to the other one reversed: original-direction packets get
// the NAT applied, replies are reverse-translated.
//
// SNAT (masquerade) rewrites the source to an address and a port such that the reply tuple is
// unique: the original source port is kept when it is free, as Linux does, otherwise the next free
// port of the range is taken. Ports are per (SNAT address, protocol, destination address and port),
// so exhaustion is the classic "many connections from one node to one destination" case.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "models/net/five_tuple.hpp"

namespace cnisim::net {

// All SNAT ports towards one destination are taken. The message names the SNAT address, the
// destination, the port range and a hint.
class PortExhaustedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Misuse of the table: creating a connection that is already tracked, or whose reply would clash.
class ConntrackError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct PortRange {
  std::uint16_t first = 1024;  // Linux masquerade remaps to unprivileged ports when it has to
  std::uint16_t last = 65535;
  constexpr std::uint32_t size() const { return std::uint32_t{last} - first + 1; }
};

// What the NAT rules decided for a connection's first packet.
struct NatAction {
  std::optional<Endpoint> dnat;  // rewrite the destination (Service -> endpoint)
  std::optional<Ipv4> snat;      // rewrite the source address (masquerade); the port is allocated
};

enum class Direction { Original, Reply };

using ConnectionId = std::uint32_t;

struct Connection {
  FiveTuple original;  // first packet as it arrived
  FiveTuple reply;     // replies as they arrive (after NAT: from the endpoint to the SNAT address)
  bool dnat = false;
  bool snat = false;
};

// A packet after conntrack: its tuple as it leaves, the connection and the direction.
struct Tracked {
  FiveTuple tuple;
  ConnectionId connection = 0;
  Direction direction = Direction::Original;
  bool created = false;  // this packet created the connection
};

struct ConntrackCounters {
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t created = 0;
  std::uint64_t removed = 0;
  std::uint64_t snat_port_remapped = 0;  // the original source port was taken, another was allocated
  std::uint64_t snat_exhausted = 0;
};

class ConntrackTable {
 public:
  explicit ConntrackTable(PortRange snat_ports = {});

  // The tracked connection a packet belongs to, translated; nullopt if none (counts a miss).
  std::optional<Tracked> lookup(const FiveTuple& packet);
  // Tracks a new connection from its first packet. Throws PortExhaustedError if SNAT finds no free
  // port (nothing is created), ConntrackError if the packet already belongs to a connection.
  Tracked create(const FiveTuple& first_packet, const NatAction& action);
  // lookup(), else create() with the action: the whole per-packet step.
  Tracked track(const FiveTuple& packet, const NatAction& action_if_new);
  // Forgets a connection (closed or timed out) and frees its SNAT port. Ids are reused.
  void remove(ConnectionId id);

  const Connection& connection(ConnectionId id) const;  // std::out_of_range if not tracked
  std::size_t size() const { return size_; }
  const ConntrackCounters& counters() const { return counters_; }
  const PortRange& snat_ports() const { return snat_ports_; }
  // SNAT ports in use from address towards destination (for views and tests).
  std::uint32_t snat_ports_in_use(Ipv4 address, Protocol protocol, Endpoint destination) const;

 private:
  struct PortKey {
    Ipv4 snat;
    Protocol protocol;
    Endpoint destination;
    bool operator==(const PortKey&) const = default;
  };
  struct PortKeyHash {
    std::size_t operator()(const PortKey& k) const noexcept {
      return std::hash<FiveTuple>{}(FiveTuple{k.protocol, k.snat, 0, k.destination.ip, k.destination.port});
    }
  };
  struct PortUse {
    std::uint32_t in_use = 0;  // SNAT connections holding a port of the range
    std::uint16_t cursor = 0;  // where the next search for a free port starts
  };
  struct Slot {
    Connection connection;
    bool alive = false;
  };

  // Reply tuple for the connection, with an SNAT port allocated if the action asks for one.
  FiveTuple reply_tuple(const FiveTuple& original, const NatAction& action);
  Tracked translate(ConnectionId id, Direction direction) const;
  bool in_range(std::uint16_t port) const { return port >= snat_ports_.first && port <= snat_ports_.last; }

  PortRange snat_ports_;
  std::vector<Slot> slots_;
  std::vector<ConnectionId> free_ids_;
  // Both tuples of every connection -> id * 2 + (1 if reply).
  std::unordered_map<FiveTuple, std::uint64_t> by_tuple_;
  std::unordered_map<PortKey, PortUse, PortKeyHash> ports_;
  std::size_t size_ = 0;
  ConntrackCounters counters_;
};

}  // namespace cnisim::net
