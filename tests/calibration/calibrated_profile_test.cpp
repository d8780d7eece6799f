// The profile calibrate writes: read back by load_profile, measured numbers in place with their
// comments, `measured:` listing exactly them, the rest the base profile's; --stand-ins prices the NIC
// and the VNet router as emulate's veth and forward. A short real run where namespaces can be made.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>

#include "models/calibration/calibrated_profile.hpp"
#include "models/emulation/netns.hpp"

using namespace cnisim;
using namespace cnisim::calibration;

namespace {

Quantity quantity(const std::string& key, double value, const std::string& unit = "ns", bool noisy = false) {
  Quantity q;
  q.key = key;
  q.name = key + " cost";
  q.experiment = "test";
  q.unit = unit;
  q.estimate.value = value;
  q.estimate.spread = 12;
  q.estimate.ci95 = 3;
  q.estimate.rounds = 50;
  q.estimate.noisy = noisy;
  q.samples = 2000;
  return q;
}

Calibration fake() {
  Calibration c;
  c.kernel = "Linux 6.18.44-test";
  c.cpu = "Test CPU";
  c.date = "2026-12-01";
  c.iptables = "iptables v1.8.9 (nf_tables)";
  c.quantities = {quantity("socket", 3210.4), quantity("perByte", 51.6, "ps/B"), quantity("veth", 801),
                  quantity("forward", 1530), quantity("nodeForward", 1530), quantity("bridge", 640), quantity("bridgePlain", 400),
                  quantity("routes", 3), quantity("conntrackLookup", 210), quantity("natRewrite", -20),
                  quantity("conntrackCreate", 1900, "ns", true), quantity("iptablesPerRule", 11.6),
                  quantity("serviceMapLookup", 90), quantity("vxlan", 2100), quantity("ipip", 880.4)};
  Quantity ipvs;
  ipvs.key = "ipvs";
  ipvs.name = "IPVS";
  ipvs.measurable = false;
  ipvs.note = "not measurable here: this kernel has no IP_VS";
  c.quantities.push_back(ipvs);
  return c;
}

sim::Time device_fixed(const scenario::CostProfile& p, scenario::DeviceKind k) {
  return p.devices[static_cast<std::size_t>(k)].fixed;
}

}  // namespace

TEST_CASE("The calibrated profile reads back with the measured numbers and exactly their paths under measured") {
  const auto base = scenario::load_profile("aks-accelerated");
  const auto out = calibrated_profile(fake(), base, "aks-accelerated", false);
  const auto back = scenario::load_profile_string(out.yaml, "calibrated.yaml");
  using scenario::DeviceKind;
  REQUIRE(device_fixed(back, DeviceKind::PodNamespace) == sim::ns(3210));
  REQUIRE(back.devices[static_cast<std::size_t>(DeviceKind::PodNamespace)].per_byte == sim::ps(52));
  REQUIRE(device_fixed(back, DeviceKind::VethPodEnd) == sim::ns(401));  // half a crossing, rounded
  REQUIRE(device_fixed(back, DeviceKind::Bridge) == sim::ns(640));
  REQUIRE(device_fixed(back, DeviceKind::NodeStack) == sim::ns(1500));  // less the node lookup constant (30 ns)
  REQUIRE(back.iptables_per_rule == sim::ns(12));
  REQUIRE(back.nat_rewrite == sim::Time::zero());  // below zero: written as 0
  REQUIRE(back.conntrack_create == sim::ns(1900));
  REQUIRE(device_fixed(back, DeviceKind::VxlanDevice) == sim::ns(2100));
  REQUIRE(device_fixed(back, DeviceKind::IpipDevice) == sim::ns(880));
  // Not measurable here: the base's numbers.
  REQUIRE(device_fixed(back, DeviceKind::Nic) == device_fixed(base, DeviceKind::Nic));
  REQUIRE(device_fixed(back, DeviceKind::VnetRouter) == device_fixed(base, DeviceKind::VnetRouter));
  REQUIRE(back.link(scenario::LinkKind::NicToVnet).delay == base.link(scenario::LinkKind::NicToVnet).delay);
  const std::vector<std::string> expected{"devices.bridge.fixed",        "devices.ipip.fixed",
                                          "devices.nodeStack.fixed",
                                          "devices.podNamespace.fixed",  "devices.podNamespace.perByte",
                                          "devices.vethHostEnd.fixed",   "devices.vethPodEnd.fixed",
                                          "devices.vxlan.fixed",
                                          "netfilter.conntrackLookup",   "netfilter.iptablesPerRule",
                                          "netfilter.natRewrite",        "netfilter.serviceMapLookup"};
  REQUIRE(back.measured == expected);  // conntrackCreate is noisy: written, not listed
  REQUIRE(out.yaml.find("measured by cnisim calibrate on Linux 6.18.44-test, Test CPU, 2026-12-01: median of 2000") !=
          std::string::npos);
  REQUIRE(out.yaml.find("NOISY") != std::string::npos);
  REQUIRE(out.yaml.find("kept from aks-accelerated: the SR-IOV NIC") != std::string::npos);
  REQUIRE(out.yaml.find("Not measured: IPVS: not measurable here") != std::string::npos);
}

TEST_CASE("The stand-ins profile charges the NIC a veth crossing and the VNet router a forward with no wire") {
  const auto base = scenario::load_profile("aks-accelerated");
  const auto out = calibrated_profile(fake(), base, "aks-accelerated", true);
  const auto back = scenario::load_profile_string(out.yaml, "standins.yaml");
  using scenario::DeviceKind;
  REQUIRE(device_fixed(back, DeviceKind::Nic) == sim::ns(801));
  // forward + one mangle rule - the azure lookup constant (50 ns): 1530 + 11.6 - 50, rounded.
  REQUIRE(device_fixed(back, DeviceKind::VnetRouter) == sim::ns(1492));
  REQUIRE(device_fixed(back, DeviceKind::ExternalVm) == sim::ns(4011));
  for (auto k : {scenario::LinkKind::NicToVnet, scenario::LinkKind::VnetExternal}) {
    REQUIRE(back.link(k).delay == sim::Time::zero());
    REQUIRE(back.link(k).rate.bps() == 0);
  }
  REQUIRE(back.is_measured("devices.nic.fixed"));
  REQUIRE(back.is_measured("devices.vnetRouter.fixed"));
  REQUIRE(out.yaml.find("STAND-INS") != std::string::npos);
}

TEST_CASE("A short calibration on this kernel measures positive socket and veth costs and removes its namespaces") {
  const auto problem = emulation::try_namespace();
  if (!problem.empty()) {
    std::cout << "SKIPPED: needs root and network namespaces: " << problem << std::endl;
    WARN("SKIPPED: needs root and network namespaces: " << problem);
    return;
  }
  const auto before = emulation::list_namespaces();
  CalibrationOptions o;
  o.budget = std::chrono::milliseconds(3000);
  const auto c = calibrate(o);
  REQUIRE(emulation::list_namespaces() == before);
  REQUIRE(c.rounds >= 3);
  REQUIRE(c.find("socket")->estimate.value > 100);
  REQUIRE(c.find("veth")->estimate.value > 0);
  REQUIRE(c.find("iptablesPerRule")->estimate.value > 0);
  REQUIRE_FALSE(c.find("ipvs")->measurable);
  // The tunnels: measured where this kernel can make the devices, else a note says why not.
  for (const char* key : {"vxlan", "ipip"}) {
    const bool noted = std::any_of(c.notes.begin(), c.notes.end(), [&](const std::string& n) {
      return n.find(std::string("could not create an ") + (key == std::string("vxlan") ? "VXLAN" : "IPIP")) != std::string::npos;
    });
    CHECK((c.find(key) != nullptr) != noted);
  }
  const auto out = calibrated_profile(c, scenario::load_profile("aks-accelerated"), "aks-accelerated", false);
  const auto back = scenario::load_profile_string(out.yaml, "calibrated.yaml");
  REQUIRE(back.is_measured("devices.podNamespace.fixed") == !c.find("socket")->estimate.noisy);
}
