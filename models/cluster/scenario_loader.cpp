#include "models/cluster/scenario_loader.hpp"

#include <yaml-cpp/depthguard.h>

#include <filesystem>
#include <fstream>

#include "models/cluster/field_reader.hpp"
#include "models/cluster/scenario_defaults.hpp"
#include "models/cluster/scenario_parser.hpp"
#include "models/cluster/system_workloads.hpp"
#include "models/cluster/validation.hpp"
#include "models/cluster/yaml_input_guard.hpp"

namespace cnisim::cluster {

namespace {

// A hint for yaml-cpp's terse syntax messages, looking at the offending line itself.
std::string syntax_hint(std::string_view text, int line, const std::string& message) {
  std::size_t start = 0;
  for (int l = 0; l < line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  const std::string_view row = start == std::string_view::npos
                                   ? std::string_view{}
                                   : text.substr(start, text.find('\n', start) - start);
  if (row.find('\t') != std::string_view::npos || text.substr(0, start).ends_with("\t")) {
    return "this line contains a tab: YAML indentation must use spaces";
  }
  if (row.size() > 1024 && message.find("map value") != std::string::npos) {
    return "a key longer than 1024 characters is not allowed in YAML; keys here are short names such as "
           "podCidr";
  }
  if (message.find("end of map") != std::string::npos ||
      message.find("end of sequence") != std::string::npos) {
    return "a '{' or '[' is not closed, or an item is indented less than its siblings";
  }
  if (message.find("map value") != std::string::npos) {
    return "a value containing ': ' must be quoted, and a nested key goes on its own, more indented line";
  }
  if (message.find("anchor") != std::string::npos || message.find("alias") != std::string::npos) {
    return "an alias (*name) must refer to an anchor (&name) defined earlier in the file";
  }
  return "check the indentation and quoting on this line and the line before";
}

Diagnostic syntax_error(const std::string& file, std::string_view text, const YAML::Exception& e) {
  Diagnostic d;
  d.file = file;
  d.line = e.mark.is_null() ? 1 : e.mark.line + 1;
  d.column = e.mark.is_null() ? 1 : e.mark.column + 1;
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    d.message = "YAML nested too deeply for the parser";
    d.expected = "a scenario nested a few levels deep";
    d.hint = "a scenario needs at most about 6 levels; remove the nesting";
    return d;
  }
  d.message = "YAML syntax error: " + e.msg;
  d.expected = "valid YAML (a mapping of sections: cluster, nodePools, workloads, services, ...)";
  d.hint = syntax_hint(text, d.line - 1, e.msg);
  return d;
}

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
  if (!check_scenario_text(yaml, spec.sourceFile, limits, sink)) sink.throw_if_any();
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    sink.add(syntax_error(spec.sourceFile, yaml, e));
    sink.throw_if_any();
  }
  if (!check_scenario_tree(root, spec.sourceFile, limits, sink)) sink.throw_if_any();

  FieldReader reader(spec, sink);
  parse_scenario(root, reader);
  // Empty or not a mapping: nothing else to say. Too many errors: nothing more would be shown.
  if (!root.IsMap() || sink.full()) sink.throw_if_any();
  apply_defaults(spec);
  add_system_workloads(spec);
  validate_scenario(spec, sink);
  sink.throw_if_any();
  return spec;
}

ScenarioSpec load_scenario_file(const std::string& path) {
  auto fail = [&](std::string message, std::string hint) {
    Diagnostic d;
    d.file = path;
    d.message = std::move(message);
    d.expected = "a readable scenario .yaml file";
    d.hint = std::move(hint);
    throw ScenarioError({d});
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("is a directory", "name the scenario file inside it");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open the file", "check the path given with -f");
  const InputLimits limits;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > limits.max_bytes) {
    throw ScenarioError({too_big_diagnostic(path, size, limits)});
  }
  // Read at most one byte past the limit (a pipe has no size): enough for the check, never a huge file.
  const std::size_t cap = limits.max_bytes + 1;
  std::string text(cap, '\0');
  in.read(text.data(), static_cast<std::streamsize>(cap));
  if (in.bad()) fail("cannot read the file", "check the path given with -f");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return load_scenario_string(text, path);
}

void apply_plugin(ScenarioSpec& spec, PluginKind kind) {
  NetworkProfile& np = spec.cluster.networkProfile;
  const bool was_cilium = spec.plugin() == PluginKind::Cilium;
  const PluginFields& fields = plugin_fields(kind);
  np.networkPlugin = fields.plugin;
  np.networkPluginMode = fields.mode;
  np.networkDataplane = fields.dataplane;
  // Not from the file any more: errors about them point at the networkProfile (or cluster) instead.
  for (const char* field : {"networkPlugin", "networkPluginMode", "networkDataplane"}) {
    spec.marks[std::string("cluster.networkProfile.") + field] = SourceMark{spec.sourceFile, 0, 0};
  }
  if (was_cilium && kind != PluginKind::Cilium && np.networkPolicy == NetworkPolicy::Cilium) {
    np.networkPolicy = NetworkPolicy::None;
    spec.marks["cluster.networkProfile.networkPolicy"] = SourceMark{spec.sourceFile, 0, 0};
  }
  apply_plugin_defaults(spec);
  add_system_workloads(spec);
  DiagnosticSink sink;
  validate_scenario(spec, sink);
  sink.throw_if_any();
}

}  // namespace cnisim::cluster
