#pragma once
// Shared by the emulation tests: the seed scenarios, and the check that namespaces can be made here.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "models/cluster/builder.hpp"
#include "models/emulation/netns.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace cnisim::emulation::testing {

inline std::string scenario_path(const std::string& file) {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return std::string(dir ? dir : ".") + "/scenarios/" + file;
}

inline cluster::Cluster seed_cluster(const std::string& file) {
  return cluster::build_cluster(scenario::load_scenario_file(scenario_path(file)));
}

// Empty when namespaces can be created here; otherwise prints "SKIPPED: why" (ctest marks the test
// skipped) and returns the reason.
inline std::string skip_without_namespaces() {
  static const std::string problem = try_namespace();
  if (!problem.empty()) {
    std::cout << "SKIPPED: needs root and network namespaces: " << problem << std::endl;
    WARN("SKIPPED: needs root and network namespaces: " << problem);
  }
  return problem;
}

// Namespaces whose name starts with prefix.
inline std::size_t namespaces_with_prefix(const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& name : list_namespaces()) n += name.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

}  // namespace cnisim::emulation::testing
