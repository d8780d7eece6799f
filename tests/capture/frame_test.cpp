// The frames of a capture: IPv4, TCP, UDP and ICMP headers with checksums that verify, against RFC
// 1071's example and against a plain byte-by-byte reference over the whole datagram.
#include "models/capture/frame.hpp"

#include <catch2/catch.hpp>

#include "sim/random.hpp"

using namespace cnisim;

namespace {

dataplane::Packet packet(net::Protocol protocol, const char* src, std::uint16_t sport, const char* dst,
                         std::uint16_t dport, std::uint32_t size, std::uint8_t ttl = 64) {
  dataplane::Packet p;
  p.tuple = net::FiveTuple{protocol, net::Ipv4::parse(src), sport, net::Ipv4::parse(dst), dport};
  p.size = size;
  p.ttl = ttl;
  return p;
}

// The reference: the one's complement sum of a buffer, byte by byte, folded at the end.
std::uint32_t folded_sum(const std::vector<std::uint8_t>& b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < b.size(); ++i) sum += (i % 2 == 0) ? std::uint64_t{b[i]} << 8 : b[i];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint32_t>(sum);
}

}  // namespace

TEST_CASE("an IPv4 header gets the checksum of RFC 1071's worked example") {
  // 45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7 (the example on Wikipedia's IPv4 page).
  const auto p = packet(net::Protocol::Udp, "192.168.0.1", 1000, "192.168.0.199", 53, 0x73);
  const auto f = capture::build_frame(p, 0, capture::mac_of(1), capture::mac_of(2), 65535);
  const std::vector<std::uint8_t> expected{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                           0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  REQUIRE(f.bytes.size() >= 34);
  CHECK(std::vector<std::uint8_t>(f.bytes.begin() + 14, f.bytes.begin() + 34) == expected);
  CHECK(f.bytes[12] == 0x08);
  CHECK(f.bytes[13] == 0x00);
  CHECK(f.length == 14 + 0x73);
}

TEST_CASE("random packets carry IPv4 and transport checksums that verify over the whole datagram") {
  sim::RandomStream rng(7);
  const net::Protocol protocols[] = {net::Protocol::Tcp, net::Protocol::Udp, net::Protocol::Icmp};
  for (int i = 0; i < 2000; ++i) {
    dataplane::Packet p;
    p.tuple.protocol = protocols[rng.uniform_below(3)];
    p.tuple.src = net::Ipv4(static_cast<std::uint32_t>(rng.next_u64()));
    p.tuple.dst = net::Ipv4(static_cast<std::uint32_t>(rng.next_u64()));
    p.tuple.src_port = static_cast<std::uint16_t>(rng.next_u64());
    p.tuple.dst_port = static_cast<std::uint16_t>(rng.uniform_below(2) == 0 ? 0 : rng.next_u64());
    p.size = static_cast<std::uint32_t>(28 + rng.uniform_below(3000));
    p.ttl = static_cast<std::uint8_t>(1 + rng.uniform_below(255));
    p.tag = static_cast<std::uint32_t>(rng.next_u64());
    // No flags (a message as one packet), or a segment's: SYN, SYN-ACK, ACK, PSH-ACK, FIN-ACK.
    const std::uint8_t flag_sets[] = {0, 0x02, 0x12, 0x10, 0x18, 0x11};
    p.tcp_flags = flag_sets[rng.uniform_below(6)];
    p.tcp_seq = static_cast<std::uint32_t>(rng.next_u64());
    p.tcp_ack = static_cast<std::uint32_t>(rng.next_u64());
    p.tcp_window = static_cast<std::uint32_t>(rng.uniform_below(1u << 22));
    const auto id = static_cast<dataplane::PacketId>(rng.next_u64());
    const auto f = capture::build_frame(p, id, capture::mac_of(3), capture::mac_of(4), 262144);
    CAPTURE(i, p.tuple.to_string(), p.size);
    const std::uint32_t headers = capture::headers_size(p);
    const std::uint32_t ip_length = std::max(p.size, headers);
    REQUIRE(f.length == 14 + ip_length);
    REQUIRE(f.bytes.size() == f.length);  // under the snap length: whole
    const std::vector<std::uint8_t> ip(f.bytes.begin() + 14, f.bytes.begin() + 34);
    CHECK(folded_sum(ip) == 0xffff);
    CHECK(static_cast<std::uint32_t>(ip[4] << 8 | ip[5]) == (id & 0xffffu));
    CHECK(ip[8] == p.ttl);
    // The transport checksum over pseudo-header + segment (payload zeros, as in the frame).
    std::vector<std::uint8_t> segment(f.bytes.begin() + 34, f.bytes.end());
    if (p.tuple.protocol == net::Protocol::Icmp) {
      CHECK(folded_sum(segment) == 0xffff);
      CHECK(segment[0] == (p.tuple.dst_port == 0 ? 8 : 0));
      continue;
    }
    std::vector<std::uint8_t> pseudo(ip.begin() + 12, ip.begin() + 20);
    pseudo.push_back(0);
    pseudo.push_back(ip[9]);
    pseudo.push_back(static_cast<std::uint8_t>((ip_length - 20) >> 8));
    pseudo.push_back(static_cast<std::uint8_t>(ip_length - 20));
    pseudo.insert(pseudo.end(), segment.begin(), segment.end());
    CHECK(folded_sum(pseudo) == 0xffff);
    CHECK((segment[0] << 8 | segment[1]) == p.tuple.src_port);
    CHECK((segment[2] << 8 | segment[3]) == p.tuple.dst_port);
    if (p.tuple.protocol == net::Protocol::Tcp) {
      CHECK(segment[13] == (p.tcp_flags != 0 ? p.tcp_flags : 0x18));
      CHECK((segment[12] >> 4) * 4u == (p.tcp_flags != 0 ? 32u : 20u));
      if (p.tcp_flags != 0) {
        CHECK(static_cast<std::uint32_t>(segment[4] << 24 | segment[5] << 16 | segment[6] << 8 | segment[7]) == p.tcp_seq);
        CHECK(static_cast<std::uint32_t>(segment[8] << 24 | segment[9] << 16 | segment[10] << 8 | segment[11]) == p.tcp_ack);
      }
    }
  }
}

TEST_CASE("a frame is cut at the snap length and keeps its whole length") {
  const auto p = packet(net::Protocol::Tcp, "10.0.0.1", 40000, "10.0.0.2", 80, 1500);
  const auto f = capture::build_frame(p, 9, capture::mac_of(1), capture::mac_of(2), 128);
  CHECK(f.bytes.size() == 128);
  CHECK(f.length == 1514);
}

TEST_CASE("a packet smaller than its headers is given its headers' size") {
  const auto p = packet(net::Protocol::Tcp, "10.0.0.1", 40000, "10.0.0.2", 80, 1);
  const auto f = capture::build_frame(p, 9, capture::mac_of(1), capture::mac_of(2), 262144);
  CHECK(f.length == 14 + 40);
  CHECK((f.bytes[16] << 8 | f.bytes[17]) == 40);
}

TEST_CASE("each device has its own locally administered MAC address") {
  CHECK(capture::mac_of(0x01020304) == capture::Mac{0x02, 0x00, 0x01, 0x02, 0x03, 0x04});
  CHECK(capture::mac_of(5) != capture::mac_of(6));
}
