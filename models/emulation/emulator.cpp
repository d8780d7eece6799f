#include "models/emulation/emulator.hpp"

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "models/emulation/process.hpp"

namespace cnisim::emulation {

std::vector<std::string> links_not_passing(const std::string& ip_link_output) {
  std::vector<std::string> waiting;
  std::istringstream lines(ip_link_output);
  for (std::string line; std::getline(lines, line);) {
    const auto open = line.find('<'), close = line.find('>');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    bool up = false, lower_up = false;
    std::istringstream flags(line.substr(open + 1, close - open - 1));
    for (std::string flag; std::getline(flags, flag, ',');) {
      up = up || flag == "UP";
      lower_up = lower_up || flag == "LOWER_UP";
    }
    if (!up || !lower_up) continue;
    const bool noop = line.find(" qdisc noop ") != std::string::npos;
    const bool operational = line.find(" state UP ") != std::string::npos || line.find(" state UNKNOWN ") != std::string::npos;
    if (noop || !operational) {
      const auto colon = line.find(": ");
      const auto name_start = colon == std::string::npos ? 0 : colon + 2;
      const auto name_end = line.find_first_of(":@", name_start);
      waiting.push_back(line.substr(name_start, name_end == std::string::npos ? std::string::npos : name_end - name_start));
    }
  }
  return waiting;
}

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
  // Traffic starts once every link passes packets (links_not_passing); bounded.
  std::vector<std::uint32_t> pending(plan_.namespaces.size());
  for (std::uint32_t i = 0; i < pending.size(); ++i) pending[i] = i;
  const auto deadline = std::chrono::steady_clock::now() + kLinkWait;
  while (true) {
    std::vector<std::uint32_t> still;
    std::string waiting;
    for (const auto i : pending) {
      const auto links = links_not_passing(run_checked({"ip", "-o", "link", "show"}, {}, netns_path(plan_.full_name(i))));
      if (links.empty()) continue;
      still.push_back(i);
      for (const auto& l : links) {
        waiting.append(" ").append(plan_.full_name(i)).append("/").append(l);
      }
    }
    if (still.empty()) return;
    if (stopped()) throw std::runtime_error("interrupted while waiting for the links to come up");
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("links still not passing packets " + std::to_string(kLinkWait.count()) +
                               " ms after they were set up (no qdisc yet, or operstate not UP):" + waiting);
    }
    pending = std::move(still);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace cnisim::emulation
