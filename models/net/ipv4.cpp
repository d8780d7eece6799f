#include "models/net/ipv4.hpp"

#include "models/net/quoted.hpp"

#include <charconv>

namespace cnisim::net {

namespace {

// Parses one octet; on failure returns the reason (without the address prefix).
std::optional<std::string> parse_octet(std::string_view part, int position, std::uint32_t& out) {
  const std::string which = "octet " + std::to_string(position);
  if (part.empty()) return which + " is empty; expected four decimal octets like 10.0.0.1";
  for (char c : part) {
    if (c < '0' || c > '9') return which + " " + quoted(part) + " is not a decimal number";
  }
  if (part.size() > 1 && part[0] == '0') {
    return which + " " + quoted(part) + " has a leading zero; write it without (some tools read it as octal)";
  }
  if (part.size() > 3) return "octet " + std::string(part) + " is larger than 255";
  std::uint32_t v = 0;
  std::from_chars(part.data(), part.data() + part.size(), v);
  if (v > 255) return "octet " + std::to_string(v) + " is larger than 255";
  out = v;
  return std::nullopt;
}

}  // namespace

std::optional<Ipv4> Ipv4::try_parse(std::string_view text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<Ipv4> {
    if (why) *why = quoted(text) + " is not an IPv4 address: " + reason;
    return std::nullopt;
  };
  if (text.empty()) return fail("it is empty; expected four decimal octets like 10.0.0.1");
  std::uint32_t value = 0;
  int count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part = text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    ++count;
    if (count > 4) break;
    std::uint32_t octet = 0;
    if (auto reason = parse_octet(part, count, octet)) return fail(*reason);
    value = value << 8 | octet;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count != 4) {
    const std::string found = count > 4 ? "more than 4" : std::to_string(count);
    return fail("expected 4 octets separated by dots, found " + found);
  }
  return Ipv4(value);
}

Ipv4 Ipv4::parse(std::string_view text) {
  std::string why;
  if (auto a = try_parse(text, &why)) return *a;
  throw AddressError(why);
}

std::string Ipv4::to_string() const {
  return std::to_string(octet(0)) + "." + std::to_string(octet(1)) + "." + std::to_string(octet(2)) + "." +
         std::to_string(octet(3));
}

}  // namespace cnisim::net
