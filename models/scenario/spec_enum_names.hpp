#pragma once
// The spelling of every ScenarioSpec enum in the scenario file (AKS ARM spellings), in one table per enum.
// The loader parses with these tables and lists them in "expected one of" messages; views print them.
#include <span>
#include <string_view>

#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

template <class E>
struct NamedValue {
  E value;
  std::string_view name;
};

inline constexpr NamedValue<NetworkPlugin> kNetworkPluginNames[] = {
    {NetworkPlugin::Kubenet, "kubenet"}, {NetworkPlugin::Azure, "azure"}, {NetworkPlugin::None, "none"}};
inline constexpr NamedValue<NetworkPluginMode> kNetworkPluginModeNames[] = {
    {NetworkPluginMode::Overlay, "overlay"}};
inline constexpr NamedValue<NetworkDataplane> kNetworkDataplaneNames[] = {
    {NetworkDataplane::Azure, "azure"}, {NetworkDataplane::Cilium, "cilium"}};
inline constexpr NamedValue<NetworkPolicy> kNetworkPolicyNames[] = {{NetworkPolicy::None, "none"},
                                                                    {NetworkPolicy::Calico, "calico"},
                                                                    {NetworkPolicy::Azure, "azure"},
                                                                    {NetworkPolicy::Cilium, "cilium"}};
// ARM route nextHopType values that a route of the node subnet's table can take (VirtualNetworkGateway:
// no gateway is modelled).
inline constexpr NamedValue<net::NextHopType> kUserRouteNextHopNames[] = {
    {net::NextHopType::VirtualAppliance, "VirtualAppliance"},
    {net::NextHopType::VnetLocal, "VnetLocal"},
    {net::NextHopType::Internet, "Internet"},
    {net::NextHopType::None, "None"}};
inline constexpr NamedValue<OutboundType> kOutboundTypeNames[] = {
    {OutboundType::LoadBalancer, "loadBalancer"},
    {OutboundType::UserDefinedRouting, "userDefinedRouting"},
    {OutboundType::ManagedNATGateway, "managedNATGateway"},
    {OutboundType::UserAssignedNATGateway, "userAssignedNATGateway"},
    {OutboundType::None, "none"}};
inline constexpr NamedValue<KubeProxyMode> kKubeProxyModeNames[] = {{KubeProxyMode::Iptables, "IPTABLES"},
                                                                    {KubeProxyMode::Ipvs, "IPVS"},
                                                                    {KubeProxyMode::Nftables, "NFTABLES"}};
inline constexpr NamedValue<ByoCni> kByoCniNames[] = {
    {ByoCni::Cilium, "cilium"}, {ByoCni::Calico, "calico"}, {ByoCni::Flannel, "flannel"}};
inline constexpr NamedValue<Encapsulation> kEncapsulationNames[] = {
    {Encapsulation::Vxlan, "vxlan"}, {Encapsulation::Ipip, "ipip"}, {Encapsulation::None, "none"}};
inline constexpr NamedValue<OsType> kOsTypeNames[] = {{OsType::Linux, "Linux"}, {OsType::Windows, "Windows"}};
inline constexpr NamedValue<PoolMode> kPoolModeNames[] = {{PoolMode::System, "System"},
                                                          {PoolMode::User, "User"}};
inline constexpr NamedValue<WorkloadKind> kWorkloadKindNames[] = {{WorkloadKind::Deployment, "Deployment"},
                                                                  {WorkloadKind::DaemonSet, "DaemonSet"}};
inline constexpr NamedValue<PluginKind> kPluginKindNames[] = {{PluginKind::Kubenet, "kubenet"},
                                                              {PluginKind::AzureNodeSubnet, "azure"},
                                                              {PluginKind::AzureOverlay, "overlay"},
                                                              {PluginKind::Cilium, "cilium"},
                                                              {PluginKind::None, "none"}};

// The file's spelling of a value; empty if the table lacks it (NetworkPluginMode::Default has none).
template <class E>
constexpr std::string_view name_of(E value, std::span<const NamedValue<E>> table) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return {};
}

}  // namespace cnisim::scenario
