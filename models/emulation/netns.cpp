#include "models/emulation/netns.hpp"

#include <linux/capability.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "models/emulation/process.hpp"

namespace cnisim::emulation {

std::string make_run_prefix() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(rd() & 0xffffu));
  return std::string(kNamespacePrefix) + std::to_string(::getpid()) + "-" + buf + "-";
}

int owner_pid(const std::string& name) {
  if (name.rfind(kNamespacePrefix, 0) != 0) return 0;
  std::size_t i = kNamespacePrefix.size();
  long pid = 0;
  std::size_t digits = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && digits < 10) {
    pid = pid * 10 + (name[i] - '0');
    ++i, ++digits;
  }
  if (digits == 0 || i >= name.size() || name[i] != '-' || pid <= 0 || pid > 0x3fffffff) return 0;
  return static_cast<int>(pid);
}

std::string netns_path(const std::string& name) { return "/run/netns/" + name; }

std::vector<std::string> list_namespaces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string privilege_problem() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) {
    return ::geteuid() == 0 ? std::string() : "needs root: cannot read this process's capabilities";
  }
  const bool net_admin = data[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
  const bool sys_admin = data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
  if (net_admin && sys_admin) return {};
  return "needs root: creating network namespaces takes CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root, e.g. "
         "`sudo cnisim emulate ...` or `sudo cnisim calibrate`)";
}

std::string try_namespace() {
  if (auto p = privilege_problem(); !p.empty()) return p;
  try {
    NamespaceSet probe;
    probe.create("probe");
    const auto errors = probe.remove_all();
    if (!errors.empty()) return errors.front();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

NamespaceSet::NamespaceSet(std::string prefix) : prefix_(std::move(prefix)) {}

NamespaceSet::~NamespaceSet() {
  try {
    remove_all();
  } catch (...) {
  }
}

std::string NamespaceSet::create(const std::string& suffix) {
  const std::string name = prefix_ + suffix;
  run_checked({"ip", "netns", "add", name});
  names_.push_back(name);
  return name;
}

std::vector<std::string> NamespaceSet::remove_all() {
  std::vector<std::string> errors;
  // Newest first: pods, then nodes, then the VNet (deleting a namespace deletes its veth ends).
  for (auto it = names_.rbegin(); it != names_.rend(); ++it) {
    const CommandResult r = run_command({"ip", "netns", "delete", *it});
    if (!r.ok() && std::filesystem::exists(netns_path(*it))) errors.push_back(*it + ": " + r.err);
  }
  names_.clear();
  return errors;
}

CleanupReport cleanup_stale_namespaces() {
  CleanupReport report;
  for (const auto& name : list_namespaces()) {
    const int pid = owner_pid(name);
    if (pid == 0) continue;
    if (::kill(pid, 0) == 0 || errno == EPERM) {
      report.kept.push_back(name);
      continue;
    }
    const CommandResult r = run_command({"ip", "netns", "delete", name});
    if (r.ok()) {
      report.removed.push_back(name);
    } else {
      report.failed.push_back(name + ": " + r.err);
    }
  }
  return report;
}

}  // namespace cnisim::emulation
