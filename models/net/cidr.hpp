#pragma once
// An IPv4 network in CIDR form (10.244.0.0/16): a network address with no host bits set and a
// prefix length 0-32. Iterating a Cidr yields every address in it, network and broadcast included.
#include <compare>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/net/ipv4.hpp"

namespace cnisim::net {

class Cidr {
 public:
  class Iterator;

  constexpr Cidr() = default;  // 0.0.0.0/0
  // Throws AddressError if length is outside 0-32 or the address has host bits set.
  Cidr(Ipv4 network, int length);

  // "10.244.0.0/16". Errors name the input and suggest the fix ("did you mean 10.244.1.0/24?").
  static Cidr parse(std::string_view text);
  static std::optional<Cidr> try_parse(std::string_view text, std::string* why = nullptr);

  // The mask for a prefix length: 24 -> 255.255.255.0. length must be 0-32.
  static constexpr std::uint32_t mask_of(int length) {
    return length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
  }

  constexpr Ipv4 network() const { return network_; }
  constexpr int length() const { return length_; }
  constexpr Ipv4 netmask() const { return Ipv4(mask_of(length_)); }
  constexpr std::uint64_t size() const { return std::uint64_t{1} << (32 - length_); }
  constexpr Ipv4 first() const { return network_; }
  constexpr Ipv4 last() const { return Ipv4(network_.value | ~mask_of(length_)); }  // broadcast
  // The index-th address (0 = network address). Throws std::out_of_range past the end.
  Ipv4 nth(std::uint64_t index) const;

  constexpr bool contains(Ipv4 a) const { return (a.value & mask_of(length_)) == network_.value; }
  constexpr bool contains(const Cidr& other) const {
    return other.length_ >= length_ && contains(other.network_);
  }
  constexpr bool overlaps(const Cidr& other) const { return contains(other) || other.contains(*this); }

  // Splitting into subnets of new_length (a /16 pod CIDR into /24 per node). new_length must be
  // between length() and 32, otherwise AddressError; subnet() throws std::out_of_range past the end.
  std::uint64_t subnet_count(int new_length) const;
  Cidr subnet(int new_length, std::uint64_t index) const;
  // All of them; refuses (std::length_error) more than kMaxSubnetList, which would be a mistake.
  std::vector<Cidr> subnets(int new_length) const;
  static constexpr std::uint64_t kMaxSubnetList = std::uint64_t{1} << 24;

  Iterator begin() const;
  Iterator end() const;

  std::string to_string() const;

  // Orders by network address, then by length (so a prefix sorts before the prefixes it contains).
  constexpr auto operator<=>(const Cidr&) const = default;

 private:
  Ipv4 network_{};
  int length_ = 0;
};

// Forward iterator over the addresses of a Cidr. Position is 64-bit so /0 has a distinct end.
class Cidr::Iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Ipv4;
  using difference_type = std::int64_t;
  using pointer = void;
  using reference = Ipv4;

  constexpr Iterator() = default;
  constexpr Iterator(Ipv4 base, std::uint64_t position) : base_(base), position_(position) {}

  constexpr Ipv4 operator*() const { return base_ + static_cast<std::uint32_t>(position_); }
  constexpr Iterator& operator++() {
    ++position_;
    return *this;
  }
  constexpr Iterator operator++(int) {
    Iterator old = *this;
    ++position_;
    return old;
  }
  constexpr bool operator==(const Iterator&) const = default;

 private:
  Ipv4 base_{};
  std::uint64_t position_ = 0;
};

inline Cidr::Iterator Cidr::begin() const { return Iterator(network_, 0); }
inline Cidr::Iterator Cidr::end() const { return Iterator(network_, size()); }

}  // namespace cnisim::net

template <>
struct std::hash<cnisim::net::Cidr> {
  std::size_t operator()(const cnisim::net::Cidr& c) const noexcept {
    return std::hash<std::uint64_t>{}(std::uint64_t{c.network().value} << 6 | static_cast<std::uint64_t>(c.length()));
  }
};
