#pragma once
// Helpers shared by the scenario tests: where the repository is, and loading inline YAML.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "models/scenario/scenario_loader.hpp"

namespace cnisim::scenario::test {

// ctest sets CNISIM_SOURCE_DIR; a test binary run by hand from the repository top works too.
inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::current_path();
}

// The text of what a loader call threw, or "" if it did not throw.
template <class Load>
std::string error_text(Load load) {
  try {
    load();
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

inline ScenarioSpec load(const std::string& yaml) { return load_scenario_string(yaml, "test.yaml"); }

}  // namespace cnisim::scenario::test
