#pragma once
// What the bring-your-own CNIs do on a node, in one place, each with its source: the devices they
// create, the ports and identifiers of their tunnels, the bytes an encapsulation adds, and how each
// attaches pods. Sources:
//   FLANNEL  flannel Documentation/backends.md (vxlan: VNI 1, port "kernel default, currently 8472",
//            device flannel.<VNI>), Documentation/kube-flannel.yml (net-conf.json: Backend vxlan, bridge cni0
//            through the bridge CNI plugin, --ip-masq).
//   CALICO   docs.tigera.io: FelixConfiguration reference (vxlanPort 4789, vxlanVNI 4096, device
//            vxlan.calico; IPIP device tunl0), "Configure MTU" (VXLAN 50 bytes, IPIP 20: 1450 and 1480 on a
//            1500 network), reference/public-cloud/azure ("Calico in VXLAN mode is supported on Azure.
//            However, IPIP packets are blocked by the Azure network fabric."), workload interfaces cali*.
//   CILIUM   docs.cilium.io: routing (routingMode tunnel by default, tunnelProtocol vxlan, port 8472,
//            device cilium_vxlan; the VNI carries the source's security identity), lxc* endpoint devices,
//            cluster-pool IPAM (a /24 per node by default).
//   RFC7348  VXLAN: outer IPv4 20 + UDP 8 + VXLAN 8 + the inner Ethernet header 14 = 50 bytes.
//   RFC2003  IP in IP: one outer IPv4 header, 20 bytes.
#include <array>
#include <cstdint>
#include <string_view>

#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario::byo {

inline constexpr std::uint32_t kVxlanOverhead = 50;  // RFC7348 over IPv4 (CALICO: 1450 on a 1500 network)
inline constexpr std::uint32_t kIpipOverhead = 20;   // RFC2003 (CALICO: 1480 on a 1500 network)
// The source port of a VXLAN packet: a hash of the inner flow over the kernel's local port range
// (vxlan_xmit's udp_flow_src_port; net.ipv4.ip_local_port_range defaults to 32768-60999).
inline constexpr std::uint16_t kVxlanSourcePortMin = 32768, kVxlanSourcePortMax = 60999;
// Cilium's reserved identities a VXLAN header carries for sources that are not pods (CILIUM,
// identity/numericidentity.go): host 1, world 2; pods' identities are allocated from 256.
inline constexpr std::uint32_t kCiliumIdentityHost = 1, kCiliumIdentityWorld = 2, kCiliumFirstPodIdentity = 256;

struct CniFacts {
  ByoCni cni;
  std::string_view name;
  Encapsulation default_encapsulation;
  std::array<bool, 3> supports;      // by Encapsulation: none, vxlan, ipip
  std::string_view vxlan_device;     // the VXLAN device on every node
  std::uint16_t vxlan_port;          // its UDP destination port
  std::uint32_t vni;                 // its VXLAN network identifier (Cilium: the source's identity instead)
  std::string_view ipip_device;      // the IPIP device (empty: none)
  std::string_view bridge;           // the bridge pods attach to (empty: routed veths)
  std::string_view veth_prefix;      // host-side veth names: prefix + hex digits of a hash of the pod
  std::size_t veth_hex;
  std::string_view source;
};

inline constexpr std::array<CniFacts, 3> kCnis{{
    {ByoCni::Cilium, "cilium", Encapsulation::Vxlan, {true, true, false}, "cilium_vxlan", 8472, 0, "", "", "lxc", 12,
     "CILIUM"},
    {ByoCni::Calico, "calico", Encapsulation::Vxlan, {true, true, true}, "vxlan.calico", 4789, 4096, "tunl0", "", "cali",
     11, "CALICO"},
    {ByoCni::Flannel, "flannel", Encapsulation::Vxlan, {false, true, false}, "flannel.1", 8472, 1, "", "cni0", "veth", 8,
     "FLANNEL"},
}};

constexpr const CniFacts& facts(ByoCni cni) {
  for (const auto& f : kCnis) {
    if (f.cni == cni) return f;
  }
  return kCnis[0];
}

constexpr std::uint32_t overhead(Encapsulation e) {
  return e == Encapsulation::Vxlan ? kVxlanOverhead : e == Encapsulation::Ipip ? kIpipOverhead : 0;
}

// The MTU of pods' interfaces: the CNI's (set, or the NIC's less its encapsulation's overhead, as
// flannel, Calico and Cilium work it out), or the NIC's when no bring-your-own CNI is described.
inline std::uint32_t pod_mtu(const ScenarioSpec& spec) {
  const std::uint32_t nic = spec.costs.profile.tcp.mtu;
  const auto& byo = spec.cluster.byoCni;
  if (!byo) return nic;
  if (byo->mtu) return *byo->mtu;
  return nic - overhead(byo->encapsulation);
}

}  // namespace cnisim::scenario::byo
