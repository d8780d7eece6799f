#pragma once
// The bytes of a simulated packet as a capture shows them: an Ethernet II frame with the packet's
// IPv4 header and its TCP, UDP or ICMP header, checksums computed as the kernel would (over the whole
// datagram; the payload is zeros, so it adds nothing to a checksum and a frame cut at the snap length
// still carries the checksums of the full packet).
//
// What the model does not have is filled in plainly: MAC addresses are locally administered ones made
// from device ids (02:00:<id>); TCP has no state yet (issue 12), so sequence and acknowledgement
// numbers are 0, flags are SYN on a connection's first packet and PSH+ACK otherwise, the window 65535;
// the IPv4 ID is the packet's id in the run (the same at every hop, as a real datagram's).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "models/cluster/device.hpp"
#include "models/dataplane/packet.hpp"

namespace cnisim::capture {

using Mac = std::array<std::uint8_t, 6>;
Mac mac_of(cluster::DeviceId device);

inline constexpr std::uint32_t kEthernetHeader = 14;
inline constexpr std::uint32_t kIpv4Header = 20;

// The IPv4 header plus the packet's transport header (TCP 20, or 32 with the timestamp option on a
// modelled segment; UDP 8, ICMP echo 8, else 0).
std::uint32_t headers_size(const dataplane::Packet& p);

struct Frame {
  std::vector<std::uint8_t> bytes;  // the first min(length, snaplen) bytes
  std::uint32_t length = 0;         // the whole frame's length (Ethernet header + IPv4 total length)
};

// The frame of packet p (its header as it is now), sent from device `src` to device `dst`. A packet
// smaller than its headers is given its headers' size (the IPv4 total length cannot be less).
Frame build_frame(const dataplane::Packet& p, dataplane::PacketId id, Mac src, Mac dst, std::uint32_t snaplen);

// RFC 1071's Internet checksum: the ones' complement of the ones' complement sum of 16-bit words,
// continuing from `sum` (a partial sum of earlier bytes, for the pseudo-header).
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);

}  // namespace cnisim::capture
