#pragma once
// The network a run pushes packets through: one FIFO server per device (one per NIC at the Azure VNet
// router, whose SDN work happens in each host's SmartNIC, ACCELNET; one per receive queue at a node's
// bridge, stack and NIC, the softirq of each queue's CPU, the queue chosen by flow hash as RSS does), one drop-tail
// queue + wire per direction of each link, all state in flat vectors indexed by integers. Every
// server and link keeps at most one pending event in the engine (htsim style: service is scheduled
// when it goes from idle to busy) and asserts its Idle/Busy state.
//
// This is the queueing core; what each device does with a packet, on the cluster's real tables, is its
// kind's serve step (devices/, one file per kind, dispatched by one switch in network.cpp): the next
// device is whatever the lookups say, so a wrong table gives a wrong path or a drop.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/dataplane/devices/devices.hpp"
#include "models/dataplane/lookup_costs.hpp"
#include "models/dataplane/packet.hpp"
#include "models/dataplane/results.hpp"
#include "models/dataplane/trace_hop.hpp"
#include "models/dataplane/wiring.hpp"
#include "models/scenario/cost_profile.hpp"
#include "models/transport/tcp_connection.hpp"
#include "sim/simulator.hpp"

namespace cnisim::dataplane {

// The data path prices its work with the scenario's cost profile.
using scenario::CostProfile;
using scenario::DeviceCost;
using scenario::LinkCost;
using scenario::LookupCostModel;

// Where traffic starts and ends: a pod (hostNetwork pods live in their node's stack), a node's own
// stack, or an external endpoint (index in Cluster::externals()).
struct HostRef {
  enum class Kind : std::uint8_t { Pod, Node, External } kind = Kind::Pod;
  std::uint32_t index = 0;
  bool operator==(const HostRef&) const = default;
};

// The traffic generator's side: told about every packet that reaches a host or is dropped. The
// packet is released after the call returns; the handler may send new packets from inside.
class DeliveryHandler {
 public:
  virtual ~DeliveryHandler() = default;
  virtual void delivered(PacketId id, const Packet& packet, HostRef at) = 0;
  virtual void dropped(PacketId id, const Packet& packet, DropReason reason) = 0;
};

// Told about every packet as it reaches a capture point (a device kind whose row in the kinds' table
// says `captured`: a pod's eth0, cbr0, a node's eth0, the VNet), before the device works on it: what
// tcpdump on that interface would see. `from`: the device it came from (kNone: sent there).
class PacketObserver {
 public:
  virtual ~PacketObserver() = default;
  virtual void seen(cluster::DeviceId device, cluster::DeviceId from, std::int64_t time_ps, PacketId id,
                    const Packet& packet) = 0;
};

// The TCP segment a packet sent by Network::send_segment carries.
inline transport::Segment segment_of(const Packet& p) {
  transport::Segment s;
  s.seq = p.tcp_seq;
  s.ack = p.tcp_ack;
  s.window = p.tcp_window;
  s.flags = p.tcp_flags;
  s.len = p.size - transport::TcpConfig::kIpHeader - transport::TcpConfig::kTcpHeader;
  return s;
}

struct NetworkOptions {
  std::uint64_t seed = 1;
  bool measure_host = false;  // time the real lookups of each table (also done for the measured model)
};

class Network {
 public:
  Network(const cluster::Cluster& cluster, const CostProfile& profile, sim::Simulator& sim,
          NetworkOptions options);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  void set_handler(DeliveryHandler* handler) { handler_ = handler; }
  void set_observer(PacketObserver* observer) { observer_ = observer; }
  // Sends a packet from a host now. tuple.src should be the host's address (address_of(from)).
  PacketId send(HostRef from, const net::FiveTuple& tuple, std::uint32_t size, std::uint8_t kind,
                std::uint32_t tag, bool traced = false, std::uint32_t tag_generation = 0);
  // Sends a TCP segment (its header's fields and its size on the wire) from a host now.
  PacketId send_segment(HostRef from, const net::FiveTuple& tuple, const transport::Segment& segment,
                        std::uint8_t kind, std::uint32_t tag, std::uint32_t tag_generation, bool traced = false);
  net::Ipv4 address_of(HostRef host) const;
  // Conntrack entries now held by a node (for tests and views).
  std::size_t conntrack_entries(cluster::NodeIndex node) const { return devices_.stacks.conntrack(node).size(); }
  const net::ConntrackTable& conntrack(cluster::NodeIndex node) const { return devices_.stacks.conntrack(node); }

  const cluster::Cluster& cluster() const { return cluster_; }
  const CostProfile& profile() const { return profile_; }
  sim::Simulator& simulator() { return sim_; }
  const std::vector<TraceHop>& trace() const { return trace_; }
  // Adds this network's counters (packets, hops, lookups, NAT, drops, per-hop times) to results.
  void add_to(Results& results) const;
  // ns per route lookup in each table, timed on this machine (0 if not measured).
  const std::array<double, kTableKindCount>& host_lookup_ns() const { return lookups_.host_ns(); }
  std::size_t packets_in_flight() const { return pool_.in_use(); }

 private:
  enum class State : std::uint8_t { Idle, Busy };
  struct Fifo {
    PacketId head = kNoPacket;
    PacketId tail = kNoPacket;
    std::uint32_t length = 0;
  };
  // 16 bytes, so that the servers of a 40,000-pod cluster stay in the cache: the device's kind is kept
  // here because every arrival and departure needs it. A server's device is its own index for the
  // first devices().size() servers (each device's own); the extra ones (the VNet router's per-host
  // servers, receive queues) find theirs in extra_server_device_.
  struct Server {
    Fifo queue;  // head = the packet in service when busy
    State state = State::Idle;
    scenario::DeviceKind kind = scenario::DeviceKind::NodeStack;
  };
  static_assert(sizeof(Server) == 16, "a server is a quarter of a cache line");
  // What every packet crossing a directed link (its id is its Wiring id) reads: 12 bytes. The numbers
  // it is priced by are its class's (links of one kind share them); a link that takes time (a rate or
  // a delay) has its queue and wire in timed_[queue]. Most links (veths, bridge ports) take none, and
  // their crossing touches this one small record.
  struct LinkHot {
    cluster::DeviceId to = cluster::kNone;
    std::uint32_t queue = cluster::kNone;  // index in timed_; kNone: the link takes no time
    std::uint16_t cls = 0;                 // index in link_classes_
    scenario::LinkKind kind = scenario::LinkKind::NodeNic;
  };
  static_assert(sizeof(LinkHot) == 12);
  struct LinkClass {
    std::int64_t delay_ps = 0;
    std::uint64_t rate_bps = 0;
    std::uint32_t limit = 0;
    bool operator==(const LinkClass&) const = default;
  };
  // The queue and wire of a link that takes time.
  struct TimedLink {
    Fifo serializer;  // head = the packet being transmitted when busy
    Fifo pipe;        // packets propagating, in arrival order (constant delay keeps FIFO order)
    State serializer_state = State::Idle;
    State pipe_state = State::Idle;
  };

  cluster::DeviceId device_of(std::uint32_t server) const {
    return server < device_count_ ? server : extra_server_device_[server - device_count_];
  }
  // Adds a server beyond the devices' own, for `device`; returns its index.
  std::uint32_t add_server(cluster::DeviceId device);

  // Fills in the rest of a packet from the pool and puts it on its host's first device.
  void launch(HostRef from, PacketId id, const net::FiveTuple& tuple, std::uint32_t size, std::uint8_t kind,
              std::uint32_t tag, bool traced);
  // Queueing machinery (network.cpp).
  void fifo_push(Fifo& q, PacketId id);
  PacketId fifo_pop(Fifo& q);
  void arrive(std::uint32_t server, PacketId id);
  void start_service(std::uint32_t server);
  void finish_service(std::uint32_t server);
  void link_send(std::uint32_t link, PacketId id);
  void start_transmission(std::uint32_t link);
  void finish_transmission(std::uint32_t link);
  void pipe_push(std::uint32_t link, PacketId id, std::int64_t arrival_ps);
  void pipe_arrive(std::uint32_t link);
  void link_deliver(std::uint32_t link, PacketId id);
  void drop(PacketId id, DropReason reason);
  void deliver(PacketId id, HostRef at);
  // The server that takes a packet arriving at device over in_link (kNone: sent from the device
  // itself): the device's own; at the VNet router the inbound link's; at a node's bridge, stack or NIC
  // its receive queue's, by the packet's flow hash (RSS).
  std::uint32_t server_for(cluster::DeviceId device, std::uint32_t in_link, const Packet& p) const;

  // The device's serve step (its kind's, in devices/): sets the packet's verdict and out_link, returns
  // the service time.
  std::int64_t serve(cluster::DeviceId device, PacketId id);

  // Start-up of the queues (network_setup.cpp).
  void build_links();
  void build_receive_queues();

  const cluster::Cluster& cluster_;
  CostProfile profile_;
  sim::Simulator& sim_;
  NetworkOptions options_;
  DeliveryHandler* handler_ = nullptr;
  PacketObserver* observer_ = nullptr;
  PacketPool pool_;

  std::vector<Server> servers_;  // [0, devices) one per device; then one per link into the VNet router
  std::uint32_t device_count_ = 0;
  std::vector<cluster::DeviceId> extra_server_device_;  // servers_[device_count_ + i]'s device
  std::vector<std::uint32_t> vnet_server_of_link_;  // directed link into the VNet router -> its server
  // Receive queues (RSS): per node, how many (min(vCPUs, profile's maxReceiveQueues)); per device, the
  // first of its extra queue servers (queue 0 is the device's own server; kNone: one queue).
  std::vector<std::uint32_t> node_queues_;
  std::vector<std::uint32_t> queue_base_;
  const Wiring wiring_;
  std::vector<LinkHot> links_;  // by Wiring id
  std::vector<LinkClass> link_classes_;
  std::vector<TimedLink> timed_;
  const LookupCosts lookups_;
  Results counters_;
  devices::Devices devices_;
  ServeContext serve_context_;

  std::vector<TraceHop> trace_;
};

}  // namespace cnisim::dataplane
