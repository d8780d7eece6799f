#pragma once
// What identifies a flow: protocol, source and destination address and port.
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "models/net/ipv4.hpp"

namespace cnisim::net {

// IANA protocol numbers.
// Ipip: IP in IP (protocol 4), the outer header of a packet an IPIP tunnel device encapsulated.
enum class Protocol : std::uint8_t { Icmp = 1, Ipip = 4, Tcp = 6, Udp = 17, Sctp = 132 };
std::string_view to_string(Protocol protocol);  // "ICMP", "IPIP", "TCP", "UDP", "SCTP"

struct FiveTuple {
  Protocol protocol = Protocol::Tcp;
  Ipv4 src{};
  std::uint16_t src_port = 0;  // for ICMP echo: the identifier
  Ipv4 dst{};
  std::uint16_t dst_port = 0;

  // The tuple of a packet going the other way.
  constexpr FiveTuple reversed() const { return {protocol, dst, dst_port, src, src_port}; }
  // "TCP 10.244.1.5:43210 -> 10.0.0.10:53"
  std::string to_string() const;

  constexpr auto operator<=>(const FiveTuple&) const = default;
};

// An address and port a flow can be sent to (a Service endpoint, a NAT source).
struct Endpoint {
  Ipv4 ip{};
  std::uint16_t port = 0;

  std::string to_string() const;  // "10.244.1.5:8080"
  constexpr auto operator<=>(const Endpoint&) const = default;
};

}  // namespace cnisim::net

template <>
struct std::hash<cnisim::net::FiveTuple> {
  std::size_t operator()(const cnisim::net::FiveTuple& t) const noexcept {
    // Pack into 104 bits and mix (murmur3 finalizer constants); std::hash<uint64_t> is the identity.
    std::uint64_t a = std::uint64_t{t.src.value} << 32 | t.dst.value;
    std::uint64_t b = std::uint64_t{t.src_port} << 24 | std::uint64_t{t.dst_port} << 8 | static_cast<std::uint8_t>(t.protocol);
    a ^= b * 0x9E3779B97F4A7C15ull;
    a ^= a >> 33;
    a *= 0xFF51AFD7ED558CCDull;
    a ^= a >> 33;
    a *= 0xC4CEB9FE1A85EC53ull;
    return static_cast<std::size_t>(a ^ (a >> 33));
  }
};
