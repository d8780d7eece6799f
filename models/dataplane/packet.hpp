#pragma once
// A packet in flight: a small struct in a pool, named by an integer index (no allocation per packet).
// The header (five-tuple, TTL) is what is on the wire now, after any NAT.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/dataplane/results.hpp"
#include "models/net/five_tuple.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::dataplane {

using PacketId = std::uint32_t;
inline constexpr PacketId kNoPacket = cluster::kNone;

// What the device that served a packet decided to do with it.
enum class Verdict : std::uint8_t { Forward, Deliver, Drop };

struct Packet {
  net::FiveTuple tuple;
  std::uint32_t size = 0;  // bytes on the wire (IP packet)
  std::uint8_t ttl = 0;
  std::uint8_t kind = 0;   // for the traffic generator (request, response, echo, ...)
  std::uint16_t hops = 0;  // devices + links traversed
  std::uint32_t tag = 0;   // for the traffic generator (its call or flow index)
  std::uint32_t tag_generation = 0;  // for the traffic generator (tells a reused index's uses apart)
  net::Ipv4 l2_next{};     // the address the last route said to hand the packet to (gateway or destination)
  PacketId next = kNoPacket;               // FIFO chaining in a device's or link's queue
  std::uint32_t in_link = cluster::kNone;  // the directed link it arrived on (kNone: sent here)
  std::uint32_t out_link = cluster::kNone;
  Verdict verdict = Verdict::Forward;
  DropReason drop_reason = DropReason::NoRoute;
  bool traced = false;
  // A TCP segment's header (transport::Segment): flags, sequence and ACK numbers, window. Flags 0: a
  // TCP message modelled as one packet, without a TCP header's flags (conntrack completes it on the
  // first reply). size includes the IP and TCP headers.
  std::uint8_t tcp_flags = 0;
  bool tcp_retransmission = false;  // a segment sent again (the endpoints' connect() is not repeated)
  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  std::uint32_t tcp_window = 0;
  std::int64_t stage_ps = 0;  // when it entered its current queue
  std::array<std::uint8_t, kTableKindCount> lookups{};
  // While a tunnel device has it encapsulated (encap not None): tuple and ttl are the outer header's,
  // inner and inner_ttl the pod packet's, size includes the encapsulation; vni is the VXLAN header's.
  scenario::Encapsulation encap = scenario::Encapsulation::None;
  std::uint8_t inner_ttl = 0;
  std::uint32_t vni = 0;
  net::FiveTuple inner{};
};

// Packets in fixed blocks that never move: a reference or pointer to a packet stays valid until the
// packet is released, however many are allocated meanwhile (a delivery handler that sends from inside
// delivered() may still read the packet it was given). A released packet's slot is reused.
class PacketPool {
 public:
  static constexpr unsigned kBlockBits = 12;  // 4096 packets (about 400 KiB) a block
  static constexpr PacketId kBlockSize = PacketId{1} << kBlockBits;

  PacketId allocate() {
    if (free_.empty()) {
      if (size_ % kBlockSize == 0) blocks_.push_back(std::make_unique<Packet[]>(kBlockSize));
      return size_++;
    }
    const PacketId id = free_.back();
    free_.pop_back();
    (*this)[id] = Packet{};
    return id;
  }
  void release(PacketId id) { free_.push_back(id); }
  Packet& operator[](PacketId id) { return blocks_[id >> kBlockBits][id & (kBlockSize - 1)]; }
  const Packet& operator[](PacketId id) const { return blocks_[id >> kBlockBits][id & (kBlockSize - 1)]; }
  std::size_t in_use() const { return size_ - free_.size(); }

 private:
  std::vector<std::unique_ptr<Packet[]>> blocks_;
  PacketId size_ = 0;  // slots handed out so far
  std::vector<PacketId> free_;
};

}  // namespace cnisim::dataplane
