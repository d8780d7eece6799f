#pragma once
// An IPv4 address as a value in host byte order: 10.0.0.1 is 0x0A000001.
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cnisim::net {

// Bad address, CIDR or subnet request. The message quotes the input and says what was expected.
class AddressError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Ipv4 {
  std::uint32_t value = 0;

  constexpr Ipv4() = default;
  constexpr explicit Ipv4(std::uint32_t v) : value(v) {}
  constexpr Ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
      : value(std::uint32_t{a} << 24 | std::uint32_t{b} << 16 | std::uint32_t{c} << 8 | d) {}

  // Dotted decimal, exactly four octets 0-255, no leading zeros (tools disagree on whether
  // "010" is octal, so it is rejected rather than guessed).
  static Ipv4 parse(std::string_view text);
  // As parse, but returns nullopt instead of throwing; *why receives the message.
  static std::optional<Ipv4> try_parse(std::string_view text, std::string* why = nullptr);

  std::string to_string() const;

  constexpr std::uint8_t octet(int i) const { return static_cast<std::uint8_t>(value >> (24 - 8 * i)); }

  constexpr auto operator<=>(const Ipv4&) const = default;
  // Address arithmetic wraps modulo 2^32, as unsigned integers do.
  constexpr Ipv4 operator+(std::uint32_t n) const { return Ipv4(value + n); }
};

}  // namespace cnisim::net

template <>
struct std::hash<cnisim::net::Ipv4> {
  std::size_t operator()(cnisim::net::Ipv4 a) const noexcept { return std::hash<std::uint32_t>{}(a.value); }
};
