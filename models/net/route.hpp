#pragma once
// One routing-table entry, for both Azure route tables (UDR + system routes) and node kernel tables.
#include <cstdint>
#include <string>
#include <string_view>

#include "models/net/cidr.hpp"

namespace cnisim::net {

// Azure's next-hop types plus Device for a kernel route ("dev eth0 [via gw]").
enum class NextHopType { VnetLocal, VirtualAppliance, Internet, None, Device };
// Azure's spelling ("VnetLocal", "VirtualAppliance", "Internet", "None"); "Device" for kernel routes.
std::string_view to_string(NextHopType type);

struct NextHop {
  NextHopType type = NextHopType::None;
  Ipv4 ip{};           // VirtualAppliance next-hop IP or kernel gateway; 0.0.0.0 = none / directly connected
  std::string device;  // kernel routes only ("eth0", "cbr0", "azv1234")

  static NextHop vnet_local() { return {NextHopType::VnetLocal, {}, {}}; }
  static NextHop virtual_appliance(Ipv4 ip) { return {NextHopType::VirtualAppliance, ip, {}}; }
  static NextHop internet() { return {NextHopType::Internet, {}, {}}; }
  static NextHop none() { return {NextHopType::None, {}, {}}; }
  static NextHop dev(std::string device, Ipv4 gateway = {}) { return {NextHopType::Device, gateway, std::move(device)}; }

  bool operator==(const NextHop&) const = default;
};

// Who installed a route. Azure breaks ties between equal prefixes User > BGP > system
// (learn.microsoft.com virtual-networks-udr-overview, "How Azure selects a route").
enum class RouteSource { User, Bgp, System };
// Azure's spelling in effective routes: "User", "VirtualNetworkGateway", "Default".
std::string_view to_string(RouteSource source);

struct Route {
  Cidr prefix;
  NextHop next_hop;
  RouteSource source = RouteSource::System;
  std::uint32_t metric = 0;  // kernel metric; lower wins among equal prefix and source
  std::string name;

  bool operator==(const Route&) const = default;
  // "10.244.1.0/24 via VirtualAppliance 10.224.0.4 (User)" / "10.244.1.0/24 dev cbr0 metric 0 (Default)".
  std::string to_string() const;
};

// True if route a (inserted as id_a) is selected over route b (id_b) for an address both contain:
// the longer prefix wins; at equal length User > BGP > System; then the lower metric; then the
// earlier insertion (lower id). Every RouteTable implementation follows this one rule.
bool preferred_over(const Route& a, std::uint32_t id_a, const Route& b, std::uint32_t id_b);

}  // namespace cnisim::net
