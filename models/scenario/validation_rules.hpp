#pragma once
// What the validation rule files share: the spec, the sink, and how a rule reports.
#include <initializer_list>
#include <string>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

class RuleContext {
 public:
  RuleContext(const ScenarioSpec& spec, DiagnosticSink& sink) : spec_(spec), sink_(sink) {}

  const ScenarioSpec& spec() const { return spec_; }
  // All of these fields are free of earlier diagnostics (so a rule on them says something new).
  bool usable(std::initializer_list<std::string> paths) const;
  // The plugin fields parsed, so plugin-dependent rules judge the plugin the user meant.
  bool plugin_known() const;
  // Names the plugin as a user would: "kubenet", "Azure CNI (node subnet)", "Azure CNI Overlay", ...
  std::string plugin_title() const;

  void report(const std::string& path, std::string message, std::string expected, std::string hint);

 private:
  const ScenarioSpec& spec_;
  DiagnosticSink& sink_;
};

std::string pool_path(std::size_t i);      // "nodePools[i]"
std::string workload_path(std::size_t i);  // "workloads[i]"
std::string service_path(std::size_t i);   // "services[i]"

// The rule groups, one file each.
void check_plugin_choice(RuleContext& c);   // validation_plugin.cpp: plugin, mode, dataplane, policy, OS
void check_address_ranges(RuleContext& c);  // validation_addresses.cpp: CIDRs, overlaps, reserved, DNS IP
void check_sizes(RuleContext& c);           // validation_sizes.cpp: node limits, maxPods, subnet, pod CIDR
void check_scheduling(RuleContext& c);      // validation_scheduling.cpp: pods fit on the nodes
void check_names(RuleContext& c);           // validation_names.cpp: unique and reserved names
void check_policy_engine(RuleContext& c);   // validation_names.cpp: policies need an engine
void check_traffic(RuleContext& c);         // validation_traffic.cpp: what traffic names exists, plugin none
void check_vm_sizes(RuleContext& c);        // validation_vm_sizes.cpp: every vmSize is in the size table

}  // namespace cnisim::scenario
