#include "models/scenario/validation.hpp"

#include "models/scenario/validation_rules.hpp"

namespace cnisim::scenario {

bool RuleContext::usable(std::initializer_list<std::string> paths) const {
  for (const auto& path : paths) {
    if (!sink_.usable(path)) return false;
  }
  return true;
}

bool RuleContext::plugin_known() const {
  const std::string p = "cluster.networkProfile.";
  return usable({p + "networkPlugin", p + "networkPluginMode", p + "networkDataplane"});
}

std::string RuleContext::plugin_title() const {
  switch (spec_.plugin()) {
    case PluginKind::Kubenet:
      return "kubenet";
    case PluginKind::AzureNodeSubnet:
      return spec_.cluster.vnet.podSubnet ? "Azure CNI (pod subnet)" : "Azure CNI (node subnet)";
    case PluginKind::AzureOverlay:
      return "Azure CNI Overlay";
    case PluginKind::Cilium:
      return "Azure CNI powered by Cilium";
    case PluginKind::None:
      return "bring-your-own CNI (networkPlugin none)";
  }
  return "?";
}

void RuleContext::report(const std::string& path, std::string message, std::string expected,
                         std::string hint) {
  sink_.add(spec_.diagnostic(path, std::move(message), std::move(expected), std::move(hint)));
}

std::string pool_path(std::size_t i) { return "nodePools[" + std::to_string(i) + "]"; }
std::string workload_path(std::size_t i) { return "workloads[" + std::to_string(i) + "]"; }
std::string service_path(std::size_t i) { return "services[" + std::to_string(i) + "]"; }

void validate_scenario(const ScenarioSpec& spec, DiagnosticSink& sink) {
  RuleContext c(spec, sink);
  // Order matters only for which message a user reads first: choices before sizes before capacity.
  check_plugin_choice(c);
  check_names(c);
  check_policy_engine(c);
  check_address_ranges(c);
  check_sizes(c);
  check_vm_sizes(c);
  check_scheduling(c);
  check_traffic(c);
}

}  // namespace cnisim::scenario
