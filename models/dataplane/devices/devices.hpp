#pragma once
// Every device kind's state and serve step, one file each; the queueing core (network.hpp) owns one of
// each and dispatches a packet to its device's kind with one switch.
#include "models/dataplane/devices/bridge.hpp"
#include "models/dataplane/devices/egress_gateway.hpp"
#include "models/dataplane/devices/external_host.hpp"
#include "models/dataplane/devices/nic.hpp"
#include "models/dataplane/devices/node_stack.hpp"
#include "models/dataplane/devices/pod_namespace.hpp"
#include "models/dataplane/devices/tunnel.hpp"
#include "models/dataplane/devices/veth.hpp"
#include "models/dataplane/devices/virtual_appliance.hpp"
#include "models/dataplane/devices/vnet_router.hpp"

namespace cnisim::dataplane::devices {

struct Devices {
  Devices(const cluster::Cluster& cluster, const scenario::CostProfile& profile, const Wiring& wiring, std::uint64_t seed)
      : policies(cluster),
        pods(cluster, wiring),
        veths(cluster, wiring),
        bridges(cluster, wiring),
        tunnels(cluster, wiring),
        stacks(cluster, profile, wiring, policies, tunnels, seed),
        nics(cluster, wiring),
        vnet(cluster, wiring),
        egress(cluster, profile, wiring),
        appliances(cluster, profile, wiring) {}
  cluster::NetworkPolicies policies;  // before the devices that hold a reference to it
  PodNamespaces pods;
  Veths veths;
  Bridges bridges;
  Tunnels tunnels;  // before the stacks, which hold a reference to it
  NodeStacks stacks;
  Nics nics;
  VnetRouter vnet;
  ExternalHosts externals;
  EgressGateway egress;
  VirtualAppliances appliances;
};

}  // namespace cnisim::dataplane::devices
