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
//
// Entries end as Linux's do: each has a protocol state and expires its state's timeout after its last
// packet (nf_conntrack's sysctls; the numbers come from the caller, the cost profile's `conntrack:`
// block). Expiry needs no timer per entry: a lookup that finds an expired entry removes it (lazy
// expiry, as nf_conntrack_find does), and every new entry sweeps a few slots of the table for expired
// ones (an incremental garbage collector, as the kernel's gc_worker), so a steady workload's table
// stays the same size. A table limit (nf_conntrack_max) is kept as the kernel does when it is reached:
// a not-yet-assured entry near the new tuple's hash is dropped early to make room, otherwise the new
// connection's packet is refused (ConntrackFullError: "nf_conntrack: table full, dropping packet").
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "models/net/five_tuple.hpp"
#include "models/net/flat_hash_map.hpp"

namespace cnisim::net {

// All SNAT ports towards one destination are taken. The message names the SNAT address, the
// destination, the port range and a hint.
class PortExhaustedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The table is at its limit and no entry could be dropped early: the new connection's packet is dropped.
class ConntrackFullError : public std::runtime_error {
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
  // The range was given explicitly (SNAT --to-source ADDR:FIRST-LAST, an Azure SNAT port block): a source
  // port outside it is always remapped into it, as nf_nat does with NF_NAT_RANGE_PROTO_SPECIFIED.
  bool specified = false;
  constexpr std::uint32_t size() const { return std::uint32_t{last} - first + 1; }
};

// What the NAT rules decided for a connection's first packet.
struct NatAction {
  std::optional<Endpoint> dnat;  // rewrite the destination (Service -> endpoint)
  std::optional<Ipv4> snat;      // rewrite the source address (masquerade); the port is allocated
};

enum class Direction { Original, Reply };

using ConnectionId = std::uint32_t;

// What the table knows of a connection's protocol. A TCP packet that carries its header's flags
// moves its entry through nf_conntrack_proto_tcp.c's states (SYN_SENT, SYN_RECV, ESTABLISHED,
// FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE); a TCP packet without flags (a message modelled as
// one packet) makes its entry ESTABLISHED on the first reply, and close() sends it to TIME_WAIT.
enum class ConnState : std::uint8_t {
  TcpSynSent, TcpSynRecv, TcpEstablished, TcpFinWait, TcpCloseWait, TcpLastAck, TcpTimeWait, TcpClose,
  Udp, UdpStream, Icmp, Generic
};
std::string_view to_string(ConnState state);  // "SYN_SENT", "ESTABLISHED", "TIME_WAIT", "UDP", ...

// Timeouts in picoseconds after an entry's last packet, and the table limit. The defaults never expire
// and never fill (for unit tests of the NAT alone); the data path passes the cost profile's numbers.
struct ConntrackConfig {
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t tcp_syn_sent_ps = kNever;     // nf_conntrack_tcp_timeout_syn_sent
  std::int64_t tcp_syn_recv_ps = kNever;     // nf_conntrack_tcp_timeout_syn_recv
  std::int64_t tcp_established_ps = kNever;  // nf_conntrack_tcp_timeout_established
  std::int64_t tcp_fin_wait_ps = kNever;     // nf_conntrack_tcp_timeout_fin_wait
  std::int64_t tcp_close_wait_ps = kNever;   // nf_conntrack_tcp_timeout_close_wait
  std::int64_t tcp_last_ack_ps = kNever;     // nf_conntrack_tcp_timeout_last_ack
  std::int64_t tcp_time_wait_ps = kNever;    // nf_conntrack_tcp_timeout_time_wait
  std::int64_t tcp_close_ps = kNever;        // nf_conntrack_tcp_timeout_close
  std::int64_t udp_ps = kNever;              // nf_conntrack_udp_timeout
  std::int64_t udp_stream_ps = kNever;       // nf_conntrack_udp_timeout_stream
  std::int64_t udp_stream_after_ps = kNever; // a replied UDP entry still active this long after creation is a stream
  std::int64_t icmp_ps = kNever;             // nf_conntrack_icmp_timeout
  std::int64_t generic_ps = kNever;          // nf_conntrack_generic_timeout (SCTP here: no SCTP states)
  std::size_t max_entries = std::numeric_limits<std::size_t>::max();  // nf_conntrack_max
  // Kernel algorithm constants (net/netfilter/nf_conntrack_core.c), not tunables.
  static constexpr std::size_t kEarlyDropScan = 8;  // NF_CT_EVICTION_RANGE: entries examined for an early drop
  static constexpr std::size_t kSweepPerCreate = 4; // assumed: slots the incremental sweep examines per new entry

  std::int64_t timeout(ConnState state) const;
};

struct Connection {
  FiveTuple original;  // first packet as it arrived
  FiveTuple reply;     // replies as they arrive (after NAT: from the endpoint to the SNAT address)
  bool dnat = false;
  bool snat = false;
  ConnState state = ConnState::Generic;
  bool seen_reply = false;
  bool assured = false;  // IPS_ASSURED: never dropped early to make room
  std::int64_t created_ps = 0;
  std::int64_t expires_ps = 0;  // when it expires unless another packet comes
  std::uint8_t fin_seen = 0;  // TCP: bit 0 the original direction sent a FIN, bit 1 the reply direction
};

// A packet after conntrack: its tuple as it leaves, the connection and the direction.
struct Tracked {
  FiveTuple tuple;
  ConnectionId connection = 0;
  Direction direction = Direction::Original;
  bool created = false;  // this packet created the connection
  std::uint32_t generation = 0;  // tells this connection from a later one reusing its id
};

struct ConntrackCounters {
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t created = 0;
  std::uint64_t removed = 0;
  std::uint64_t snat_port_remapped = 0;  // the original source port was taken, another was allocated
  std::uint64_t snat_exhausted = 0;
  std::uint64_t expired = 0;        // removed after their timeout (lazily or by the sweep)
  std::uint64_t early_dropped = 0;  // unassured entries dropped to make room at the limit
  std::uint64_t table_full = 0;     // new connections refused at the limit
  std::uint64_t reopened = 0;       // a new connection reused the tuple of one in TIME_WAIT or CLOSE
  std::uint64_t closed = 0;         // close() moved an entry to TIME_WAIT
  std::size_t peak_size = 0;
};

class ConntrackTable {
 public:
  explicit ConntrackTable(PortRange snat_ports = {}, ConntrackConfig config = {});

  // The tracked connection a packet at now_ps belongs to, translated; nullopt if none (counts a miss).
  // An expired entry is removed and not found. The packet refreshes the entry's state and timeout.
  // `tcp_flags`: the TCP header's flags (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), which move a TCP
  // entry through its states; 0 for a packet without a TCP header's flags. A SYN without ACK opens a
  // new connection: an entry in TIME_WAIT or CLOSE with its tuple is removed and not found, so the new
  // connection is tracked afresh, as Linux does.
  std::optional<Tracked> lookup(const FiveTuple& packet, std::int64_t now_ps = 0, std::uint8_t tcp_flags = 0);
  // Tracks a new connection from its first packet. Throws PortExhaustedError if SNAT finds no free
  // port and ConntrackFullError if the table is full (nothing is created in either case),
  // ConntrackError if the packet already belongs to a connection.
  Tracked create(const FiveTuple& first_packet, const NatAction& action, std::int64_t now_ps = 0);
  // lookup(), else create() with the action: the whole per-packet step (Tracked::created tells which).
  Tracked track(const FiveTuple& packet, const NatAction& action_if_new, std::int64_t now_ps = 0,
                std::uint8_t tcp_flags = 0);
  // The endpoints closed the connection at now_ps: a TCP entry goes to TIME_WAIT and expires after its
  // timeout; other protocols have no close and keep their timeout. False if `generation` of `id` is
  // no longer tracked (it expired or was dropped).
  bool close(ConnectionId id, std::uint32_t generation, std::int64_t now_ps);
  // Forgets a connection and frees its SNAT port. Ids are reused.
  void remove(ConnectionId id);
  // Examines up to `slots` entries from where the last sweep stopped and removes the expired ones.
  void sweep(std::int64_t now_ps, std::size_t slots);

  const Connection& connection(ConnectionId id) const;  // std::out_of_range if not tracked
  std::size_t size() const { return size_; }
  const ConntrackCounters& counters() const { return counters_; }
  const PortRange& snat_ports() const { return snat_ports_; }
  const ConntrackConfig& config() const { return config_; }
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
    // No holder expires before this (a lower bound): a full range is exhausted without a search until then.
    std::int64_t earliest_expiry = ConntrackConfig::kNever;
  };
  struct Slot {
    Connection connection;
    bool alive = false;
    std::uint32_t generation = 0;
  };

  // Reply tuple for the connection, with an SNAT port allocated if the action asks for one.
  FiveTuple reply_tuple(const FiveTuple& original, const NatAction& action, std::int64_t now_ps);
  // Whether a live connection holds the tuple at now_ps (an expired one found on the way is removed).
  bool taken(const FiveTuple& reply, std::int64_t now_ps, std::int64_t* earliest = nullptr);
  // A SNAT connection's expiry came earlier (created, closed, reset): its port may be free sooner.
  void note_expiry(const Connection& c);
  Tracked translate(ConnectionId id, Direction direction) const;
  void refresh(Connection& c, Direction direction, std::int64_t now_ps, std::uint8_t tcp_flags);
  std::int64_t deadline(std::int64_t now_ps, ConnState state) const;
  // At the limit: removes an expired or unassured entry near the tuple's hash; false if none.
  bool make_room(const FiveTuple& tuple, std::int64_t now_ps);
  bool in_range(std::uint16_t port) const { return port >= snat_ports_.first && port <= snat_ports_.last; }

  PortRange snat_ports_;
  ConntrackConfig config_;
  std::vector<Slot> slots_;
  std::vector<ConnectionId> free_ids_;
  // Both tuples of every connection -> id * 2 + (1 if reply).
  FlatHashMap<FiveTuple, std::uint32_t> by_tuple_;
  FlatHashMap<PortKey, PortUse, PortKeyHash> ports_;
  std::size_t size_ = 0;
  std::size_t sweep_cursor_ = 0;
  ConntrackCounters counters_;
};

}  // namespace cnisim::net
