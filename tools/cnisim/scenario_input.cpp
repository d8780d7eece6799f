#include "tools/cnisim/scenario_input.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "models/cluster/plugin.hpp"
#include "models/scenario/cost_profile.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace cnisim::cli {

namespace {
constexpr const char* kDefaultScenario = "seed-walkthrough.yaml";

std::string plugin_names() {
  std::string names;
  for (auto kind : cluster::registered_plugins()) names += (names.empty() ? "" : ", ") + std::string(to_string(kind));
  return names;
}
}  // namespace

void add_strict_option(po::options_description& options) {
  options.add_options()("strict", "treat warnings (settings accepted but not modelled) as errors: exit 2")(
      "profile", po::value<std::string>()->value_name("FILE"),
      "cost profile to run with instead of the scenario's costs.profile: a shipped name (aks-accelerated) or "
      "a .yaml path, e.g. one written by a calibration; the scenario's own costs still apply on top");
}

void add_scenario_options(po::options_description& options) {
  options.add_options()("file,f", po::value<std::string>()->value_name("FILE"),
                        ("scenario YAML file (default: scenarios/" + std::string(kDefaultScenario) + ")").c_str())(
      "plugin", po::value<std::string>()->value_name("P"),
      ("run the cluster under another network plugin: " + plugin_names()).c_str());
}

std::string default_scenario_path() {
  if (const char* dir = std::getenv("CNISIM_SCENARIOS"); dir && *dir) return std::string(dir) + "/" + kDefaultScenario;
  return std::string(CNISIM_SOURCE_DIR) + "/scenarios/" + kDefaultScenario;
}

scenario::ScenarioSpec load_scenario(const po::variables_map& vm, bool runs_traffic) {
  const std::string path = vm.count("file") ? vm["file"].as<std::string>() : default_scenario_path();
  spdlog::debug("loading scenario {}", path);
  scenario::ScenarioSpec spec = scenario::load_scenario_file(path);
  if (vm.count("plugin")) {
    const auto& name = vm["plugin"].as<std::string>();
    const auto kind = cluster::plugin_from_string(name);
    if (!kind) throw UsageError("unknown plugin '" + name + "': expected one of " + plugin_names());
    if (*kind != spec.plugin()) scenario::apply_plugin(spec, *kind);
  }
  if (!runs_traffic) return spec;  // the views show the settings as given; the warnings concern results
  if (vm.count("profile")) scenario::use_profile(spec, vm["profile"].as<std::string>());
  if (vm.count("strict") && !spec.warnings.empty()) {
    std::vector<scenario::Diagnostic> errors = spec.warnings;
    for (auto& d : errors) {
      d.severity = scenario::Severity::Error;
      d.hint += d.hint.empty() ? "" : "; ";
      d.hint += "--strict makes this an error: leave --strict out to run with the setting unmodelled";
    }
    throw scenario::ScenarioError(std::move(errors));
  }
  if (spdlog::get_level() <= spdlog::level::warn) {
    for (const auto& d : spec.warnings) std::cerr << scenario::format_diagnostic(d);
  }
  return spec;
}

}  // namespace cnisim::cli
