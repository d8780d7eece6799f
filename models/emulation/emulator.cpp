#include "models/emulation/emulator.hpp"

#include <stdexcept>

#include "models/emulation/process.hpp"

namespace cnisim::emulation {

Emulation::Emulation(const cluster::Cluster& cluster)
    : cluster_(cluster), namespaces_(), plan_(render(cluster, namespaces_.prefix())) {}

void Emulation::up(const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop && stop->load(); };
  for (const auto& ns : plan_.namespaces) {
    if (stopped()) throw std::runtime_error("interrupted while creating namespaces");
    const std::string name = namespaces_.create(ns.suffix);
    // Quiet namespaces: no IPv6 on the new links (no router solicitations, no DAD).
    for (const char* key : {"ipv6/conf/all/disable_ipv6", "ipv6/conf/default/disable_ipv6"}) {
      try {
        write_sysctl(netns_path(name), key, "1");
      } catch (const std::exception&) {
        // a kernel without IPv6 has nothing to quieten
      }
    }
  }
  for (std::uint32_t i = 0; i < plan_.namespaces.size(); ++i) {
    if (stopped()) throw std::runtime_error("interrupted while configuring namespaces");
    const auto& ns = plan_.namespaces[i];
    const std::string path = netns_path(plan_.full_name(i));
    std::string batch;
    for (const auto& line : ns.ipBatch) batch += line + "\n";
    // -n is not used: setns in the child is the same thing, and the batch names the peers' namespaces.
    run_checked({"ip", "-batch", "-"}, batch, path);
    for (const auto& [key, value] : ns.sysctls) write_sysctl(path, key, value);
    if (!ns.iptables.empty()) run_checked({"iptables-restore"}, ns.iptables, path);
  }
}

}  // namespace cnisim::emulation
