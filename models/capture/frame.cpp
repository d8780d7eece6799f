#include "models/capture/frame.hpp"

#include <algorithm>

#include "models/scenario/byo_cni_facts.hpp"

namespace cnisim::capture {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint8_t kTcpPsh = 0x08, kTcpAck = 0x10;
constexpr std::uint8_t kIcmpEchoReply = 0, kIcmpEchoRequest = 8;

std::uint8_t ip_protocol(net::Protocol p) {
  switch (p) {
    case net::Protocol::Icmp:
      return 1;
    case net::Protocol::Tcp:
      return 6;
    case net::Protocol::Udp:
      return 17;
    case net::Protocol::Ipip:
      return 4;
    case net::Protocol::Sctp:
      return 132;
  }
  return 0;
}

void put16(std::uint8_t* at, std::uint16_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 8);
  at[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* at, std::uint32_t v) {
  put16(at, static_cast<std::uint16_t>(v >> 16));
  put16(at + 2, static_cast<std::uint16_t>(v));
}

std::uint32_t sum_words(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i] << 8);
  return sum;
}

}  // namespace

Mac mac_of(cluster::DeviceId device) {
  return {0x02, 0x00, static_cast<std::uint8_t>(device >> 24), static_cast<std::uint8_t>(device >> 16),
          static_cast<std::uint8_t>(device >> 8), static_cast<std::uint8_t>(device)};
}

// A modelled TCP segment (flags set) carries the timestamp option as Linux's do: a 32-byte header.
std::uint32_t tcp_header_size(const dataplane::Packet& p) { return p.tcp_flags != 0 ? 32 : 20; }

std::uint32_t headers_size(const dataplane::Packet& p) {
  switch (p.tuple.protocol) {
    case net::Protocol::Tcp:
      return kIpv4Header + tcp_header_size(p);
    case net::Protocol::Udp:
    case net::Protocol::Icmp:
      return kIpv4Header + 8;
    case net::Protocol::Ipip:  // an encapsulated packet's outer header (build_encapsulated)
    case net::Protocol::Sctp:
      break;
  }
  return kIpv4Header;
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
  sum = sum_words(bytes, sum);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

namespace {

// Ethernet II from src to dst, then an IPv4 header (version 4, 5 words, no options; DF; the TTL as it is
// now; its checksum) of a datagram of ip_length bytes; returns where the IPv4 header starts. h must hold both.
std::uint8_t* write_ethernet_ipv4(std::vector<std::uint8_t>& h, Mac src, Mac dst, std::uint32_t ip_length,
                                  dataplane::PacketId id, std::uint8_t ttl, const net::FiveTuple& t) {
  std::copy(dst.begin(), dst.end(), h.begin());
  std::copy(src.begin(), src.end(), h.begin() + 6);
  put16(&h[12], kEtherTypeIpv4);
  std::uint8_t* ip = &h[kEthernetHeader];
  ip[0] = 0x45;
  put16(ip + 2, static_cast<std::uint16_t>(ip_length));
  put16(ip + 4, static_cast<std::uint16_t>(id));
  put16(ip + 6, 0x4000);
  ip[8] = ttl;
  ip[9] = ip_protocol(t.protocol);
  put32(ip + 12, t.src.value);
  put32(ip + 16, t.dst.value);
  put16(ip + 10, internet_checksum({ip, kIpv4Header}));
  return ip;
}

// An encapsulated packet: Ethernet, the outer IPv4 header, then for VXLAN a UDP header (checksum 0, as
// Linux sends VXLAN over IPv4 by default) and the VXLAN header (flags 0x08: VNI valid) before the
// inner Ethernet frame; for IPIP the inner IPv4 packet straight after the outer header.
Frame build_encapsulated(const dataplane::Packet& p, dataplane::PacketId id, Mac src, Mac dst, std::uint32_t snaplen) {
  const bool vxlan = p.encap == scenario::Encapsulation::Vxlan;
  const std::uint32_t overhead = scenario::byo::overhead(p.encap);
  dataplane::Packet inner = p;
  inner.tuple = p.inner;
  inner.ttl = p.inner_ttl;
  inner.size = p.size - overhead;
  inner.encap = scenario::Encapsulation::None;
  // The inner frame whole (its bytes past the headers are zeros); the MACs of the tunnel devices.
  const Frame in = build_frame(inner, id, src, dst, inner.size + kEthernetHeader);
  const std::uint32_t outer_headers = kIpv4Header + (vxlan ? 16 : 0);
  std::vector<std::uint8_t> h(kEthernetHeader + outer_headers, 0);
  std::uint8_t* ip = write_ethernet_ipv4(h, src, dst, std::min<std::uint32_t>(p.size, 65535), id, p.ttl, p.tuple);
  if (vxlan) {
    std::uint8_t* udp = ip + kIpv4Header;
    put16(udp, p.tuple.src_port);
    put16(udp + 2, p.tuple.dst_port);
    put16(udp + 4, static_cast<std::uint16_t>(p.size - kIpv4Header));
    udp[8] = 0x08;
    put32(udp + 12, p.vni << 8);
  }
  // VXLAN carries the inner Ethernet frame, IPIP only its IPv4 packet.
  h.insert(h.end(), in.bytes.begin() + (vxlan ? 0 : kEthernetHeader), in.bytes.end());
  Frame f;
  f.length = kEthernetHeader + p.size;
  h.resize(f.length, 0);
  h.resize(std::min(f.length, snaplen));
  f.bytes = std::move(h);
  return f;
}

}  // namespace

Frame build_frame(const dataplane::Packet& p, dataplane::PacketId id, Mac src, Mac dst, std::uint32_t snaplen) {
  if (p.encap != scenario::Encapsulation::None) return build_encapsulated(p, id, src, dst, snaplen);
  const net::FiveTuple& t = p.tuple;
  const std::uint32_t headers = headers_size(p);
  const std::uint32_t ip_length = std::min<std::uint32_t>(std::max(p.size, headers), 65535);
  std::vector<std::uint8_t> h(kEthernetHeader + headers, 0);
  std::uint8_t* ip = write_ethernet_ipv4(h, src, dst, ip_length, id, p.ttl, t);
  // The transport header; its checksum covers the pseudo-header, the header and the (zero) payload.
  std::uint8_t* l4 = ip + kIpv4Header;
  const std::uint32_t l4_length = ip_length - kIpv4Header;
  std::uint32_t pseudo = (t.src.value >> 16) + (t.src.value & 0xffff) + (t.dst.value >> 16) + (t.dst.value & 0xffff) +
                         ip[9] + l4_length;
  switch (t.protocol) {
    case net::Protocol::Tcp:
      put16(l4, t.src_port);
      put16(l4 + 2, t.dst_port);
      if (p.tcp_flags != 0) {
        put32(l4 + 4, p.tcp_seq);
        put32(l4 + 8, p.tcp_ack);
        l4[12] = 8 << 4;  // 32 bytes: NOP, NOP and the timestamp option (its values left 0)
        l4[13] = p.tcp_flags;
        // The window field as if unscaled (the SYN carries no window-scale option here).
        put16(l4 + 14, static_cast<std::uint16_t>(std::min<std::uint32_t>(p.tcp_window, 65535)));
        l4[20] = 1;
        l4[21] = 1;
        l4[22] = 8;
        l4[23] = 10;
      } else {
        l4[12] = 5 << 4;  // 20-byte header
        l4[13] = static_cast<std::uint8_t>(kTcpPsh | kTcpAck);
        put16(l4 + 14, 65535);
      }
      put16(l4 + 16, internet_checksum({l4, tcp_header_size(p)}, pseudo));
      break;
    case net::Protocol::Udp: {
      put16(l4, t.src_port);
      put16(l4 + 2, t.dst_port);
      put16(l4 + 4, static_cast<std::uint16_t>(l4_length));
      const std::uint16_t sum = internet_checksum({l4, 8}, pseudo);
      put16(l4 + 6, sum == 0 ? 0xffff : sum);  // 0 means "no checksum" in UDP (RFC 768)
      break;
    }
    case net::Protocol::Icmp: {
      // The model's ICMP tuple carries the echo identifier in a port: the request's source port (its
      // destination port is 0), the reply's destination port.
      const bool request = t.dst_port == 0;
      l4[0] = request ? kIcmpEchoRequest : kIcmpEchoReply;
      put16(l4 + 4, request ? t.src_port : t.dst_port);
      put16(l4 + 6, static_cast<std::uint16_t>(p.tag));
      put16(l4 + 2, internet_checksum({l4, 8}));  // ICMP has no pseudo-header
      break;
    }
    case net::Protocol::Ipip:
    case net::Protocol::Sctp:
      break;  // no SCTP header: the datagram's payload is zeros
  }
  Frame f;
  f.length = kEthernetHeader + ip_length;
  const std::uint32_t kept = std::min(f.length, snaplen);
  f.bytes.assign(h.begin(), h.begin() + std::min<std::size_t>(kept, h.size()));
  f.bytes.resize(kept, 0);
  return f;
}

}  // namespace cnisim::capture
