#include "models/net/cidr.hpp"

#include "models/net/quoted.hpp"

#include <charconv>
#include <stdexcept>

namespace cnisim::net {

namespace {

std::string host_bits_message(std::string_view text, Ipv4 address, int length) {
  const Ipv4 network(address.value & Cidr::mask_of(length));
  return quoted(text) + " has host bits set: did you mean " + network.to_string() + "/" + std::to_string(length) +
         "?";
}

std::string length_range_message(std::string_view text, long long length) {
  return quoted(text) + ": prefix length " + std::to_string(length) + " is out of range 0-32";
}

}  // namespace

Cidr::Cidr(Ipv4 network, int length) : network_(network), length_(length) {
  const std::string text = network.to_string() + "/" + std::to_string(length);
  if (length < 0 || length > 32) throw AddressError(length_range_message(text, length));
  if ((network.value & ~mask_of(length)) != 0) throw AddressError(host_bits_message(text, network, length));
}

std::optional<Cidr> Cidr::try_parse(std::string_view text, std::string* why) {
  auto fail = [&](const std::string& message) -> std::optional<Cidr> {
    if (why) *why = message;
    return std::nullopt;
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail(quoted(text) + " is not a CIDR: expected address/length like 10.244.0.0/16");
  }
  std::string address_why;
  const auto address = Ipv4::try_parse(text.substr(0, slash), &address_why);
  if (!address) return fail(quoted(text) + ": " + address_why);
  const std::string_view length_text = text.substr(slash + 1);
  long long length = 0;
  const auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (length_text.empty() || ec == std::errc::invalid_argument || end != length_text.data() + length_text.size()) {
    return fail(quoted(text) + ": prefix length " + quoted(length_text) + " is not a number 0-32");
  }
  if (ec == std::errc::result_out_of_range || length < 0 || length > 32) {
    return fail(length_range_message(text, ec == std::errc::result_out_of_range ? 999 : length));
  }
  const int len = static_cast<int>(length);
  if ((address->value & ~mask_of(len)) != 0) return fail(host_bits_message(text, *address, len));
  return Cidr(*address, len);
}

Cidr Cidr::parse(std::string_view text) {
  std::string why;
  if (auto c = try_parse(text, &why)) return *c;
  throw AddressError(why);
}

Ipv4 Cidr::nth(std::uint64_t index) const {
  if (index >= size()) {
    throw std::out_of_range("address index " + std::to_string(index) + " is out of range for " + to_string() + " (" +
                            std::to_string(size()) + " addresses, indices 0-" + std::to_string(size() - 1) + ")");
  }
  return network_ + static_cast<std::uint32_t>(index);
}

std::uint64_t Cidr::subnet_count(int new_length) const {
  if (new_length < length_ || new_length > 32) {
    throw AddressError("cannot split " + to_string() + " into /" + std::to_string(new_length) +
                       " subnets: the new prefix length must be between " + std::to_string(length_) + " and 32");
  }
  return std::uint64_t{1} << (new_length - length_);
}

Cidr Cidr::subnet(int new_length, std::uint64_t index) const {
  const std::uint64_t count = subnet_count(new_length);
  if (index >= count) {
    throw std::out_of_range("subnet index " + std::to_string(index) + " is out of range: " + to_string() +
                            " has " + std::to_string(count) + " /" + std::to_string(new_length) + " subnets");
  }
  const std::uint64_t step = std::uint64_t{1} << (32 - new_length);
  return Cidr(Ipv4(static_cast<std::uint32_t>(network_.value + index * step)), new_length);
}

std::vector<Cidr> Cidr::subnets(int new_length) const {
  const std::uint64_t count = subnet_count(new_length);
  if (count > kMaxSubnetList) {
    throw std::length_error("splitting " + to_string() + " into /" + std::to_string(new_length) + " gives " +
                            std::to_string(count) + " subnets, too many to list; use subnet(length, index)");
  }
  std::vector<Cidr> out;
  out.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(subnet(new_length, i));
  return out;
}

std::string Cidr::to_string() const { return network_.to_string() + "/" + std::to_string(length_); }

}  // namespace cnisim::net
