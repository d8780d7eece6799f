#include "models/scenario/scenario_loader.hpp"

#include "models/scenario/field_reader.hpp"
#include "models/scenario/scenario_defaults.hpp"
#include "models/scenario/scenario_parser.hpp"
#include "models/scenario/section_parsers.hpp"
#include "models/scenario/system_workloads.hpp"
#include "models/scenario/validation.hpp"
#include "models/scenario/yaml_input_guard.hpp"

namespace cnisim::scenario {

namespace {

// The networkProfile fields that select each plugin kind (cilium: Azure CNI Overlay + cilium dataplane,
// the setup AKS documents first).
struct PluginFields {
  PluginKind kind;
  NetworkPlugin plugin;
  NetworkPluginMode mode;
  NetworkDataplane dataplane;
};
constexpr PluginFields kPluginFields[] = {
    {PluginKind::Kubenet, NetworkPlugin::Kubenet, NetworkPluginMode::Default, NetworkDataplane::Azure},
    {PluginKind::AzureNodeSubnet, NetworkPlugin::Azure, NetworkPluginMode::Default, NetworkDataplane::Azure},
    {PluginKind::AzureOverlay, NetworkPlugin::Azure, NetworkPluginMode::Overlay, NetworkDataplane::Azure},
    {PluginKind::Cilium, NetworkPlugin::Azure, NetworkPluginMode::Overlay, NetworkDataplane::Cilium},
    {PluginKind::None, NetworkPlugin::None, NetworkPluginMode::Default, NetworkDataplane::Azure},
};

const PluginFields& plugin_fields(PluginKind kind) {
  for (const auto& entry : kPluginFields) {
    if (entry.kind == kind) return entry;
  }
  return kPluginFields[0];
}

}  // namespace

ScenarioSpec load_scenario_string(std::string_view yaml, std::string name) {
  ScenarioSpec spec;
  spec.sourceFile = std::move(name);
  DiagnosticSink sink;
  const InputLimits limits;
  const auto root = parse_guarded_yaml(yaml, spec.sourceFile, limits, kScenarioInput, sink);
  if (!root) sink.throw_if_any();

  FieldReader reader(spec, sink);
  parse_scenario(*root, reader);
  // Empty or not a mapping: nothing else to say. Too many errors: nothing more would be shown.
  if (!root->IsMap() || sink.full()) sink.throw_if_any();
  resolve_costs(reader);
  apply_defaults(spec);
  add_system_workloads(spec);
  validate_scenario(spec, sink);
  sink.throw_if_any();
  spec.warnings = unmodelled_settings(spec);
  return spec;
}

ScenarioSpec load_scenario_file(const std::string& path) {
  DiagnosticSink sink;
  const auto text = read_input_file(path, InputLimits{}, kScenarioInput, sink);
  if (!text) sink.throw_if_any();
  return load_scenario_string(*text, path);
}

void apply_plugin(ScenarioSpec& spec, PluginKind kind) {
  NetworkProfile& np = spec.cluster.networkProfile;
  const PluginFields& fields = plugin_fields(kind);
  np.networkPlugin = fields.plugin;
  np.networkPluginMode = fields.mode;
  np.networkDataplane = fields.dataplane;
  // Not from the file any more: errors about them point at the networkProfile (or cluster) instead.
  for (const char* field : {"networkPlugin", "networkPluginMode", "networkDataplane"}) {
    spec.marks[std::string("cluster.networkProfile.") + field] = SourceMark{spec.sourceFile, 0, 0};
  }
  // The policy engine goes with the dataplane: under the cilium dataplane Cilium enforces (AKS sets
  // networkPolicy cilium with it); away from it, Calico (which AKS supports with every other plugin; Azure
  // NPM is refused under kubenet); Cilium's engine with no policies to enforce becomes none.
  const NetworkPolicy before = np.networkPolicy;
  if (np.networkPolicy != NetworkPolicy::None) {
    if (kind == PluginKind::Cilium) {
      np.networkPolicy = NetworkPolicy::Cilium;
    } else if (np.networkPolicy == NetworkPolicy::Cilium) {
      np.networkPolicy = spec.networkPolicies.empty() ? NetworkPolicy::None : NetworkPolicy::Calico;
    } else if (np.networkPolicy == NetworkPolicy::Azure && kind == PluginKind::Kubenet) {
      np.networkPolicy = NetworkPolicy::Calico;
    }
  }
  if (np.networkPolicy != before) spec.marks["cluster.networkProfile.networkPolicy"] = SourceMark{spec.sourceFile, 0, 0};
  // A bring-your-own CNI belongs to networkPlugin none: under another plugin AKS's own CNI runs.
  if (kind != PluginKind::None) spec.cluster.byoCni.reset();
  apply_plugin_defaults(spec);
  add_system_workloads(spec);
  DiagnosticSink sink;
  validate_scenario(spec, sink);
  sink.throw_if_any();
  spec.warnings = unmodelled_settings(spec);
}

}  // namespace cnisim::scenario
