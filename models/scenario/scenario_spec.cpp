// ScenarioSpec's derived views: the plugin kind, source marks, counts.
#include "models/scenario/scenario_spec.hpp"

#include <algorithm>

#include "models/scenario/spec_enum_names.hpp"

namespace cnisim::scenario {

PluginKind ScenarioSpec::plugin() const {
  const NetworkProfile& p = cluster.networkProfile;
  switch (p.networkPlugin) {
    case NetworkPlugin::Kubenet:
      return PluginKind::Kubenet;
    case NetworkPlugin::None:
      return PluginKind::None;
    case NetworkPlugin::Azure:
      break;
  }
  if (p.networkDataplane == NetworkDataplane::Cilium) return PluginKind::Cilium;
  return p.networkPluginMode == NetworkPluginMode::Overlay ? PluginKind::AzureOverlay
                                                           : PluginKind::AzureNodeSubnet;
}

SourceMark ScenarioSpec::mark(const std::string& path) const {
  auto it = marks.find(path);
  if (it != marks.end()) return it->second;
  return SourceMark{sourceFile, 0, 0};
}

bool ScenarioSpec::given(const std::string& path) const { return mark(path).line > 0; }

SourceMark ScenarioSpec::locate(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    SourceMark m = mark(p);
    if (m.line > 0) return m;
    // Drop the last component: "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a".
    std::size_t cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  return SourceMark{sourceFile, 0, 0};
}

Diagnostic diagnostic_at(const SourceMark& where, const std::string& fallback_file, std::string path,
                         std::string message, std::string expected, std::string hint, Severity severity) {
  Diagnostic d;
  d.severity = severity;
  d.file = where.file.empty() ? fallback_file : where.file;
  d.line = std::max(1, where.line);
  d.column = std::max(1, where.column);
  d.path = std::move(path);
  d.message = std::move(message);
  d.expected = std::move(expected);
  d.hint = std::move(hint);
  return d;
}

Diagnostic ScenarioSpec::diagnostic(const std::string& path, std::string message, std::string expected,
                                    std::string hint, Severity severity) const {
  return diagnostic_at(locate(path), sourceFile, path, std::move(message), std::move(expected), std::move(hint),
                       severity);
}

std::uint64_t ScenarioSpec::node_count() const {
  std::uint64_t total = 0;
  for (const auto& pool : nodePools) total += pool.count;
  return total;
}

bool ScenarioSpec::uses_pod_cidr() const {
  switch (plugin()) {
    case PluginKind::Kubenet:
    case PluginKind::AzureOverlay:
    case PluginKind::None:
      return true;
    case PluginKind::Cilium:
      return cluster.networkProfile.networkPluginMode == NetworkPluginMode::Overlay;
    case PluginKind::AzureNodeSubnet:
      return false;
  }
  return false;
}

std::string_view to_string(PluginKind kind) { return name_of<PluginKind>(kind, kPluginKindNames); }

std::optional<PluginKind> plugin_from_string(std::string_view name) {
  for (const auto& entry : kPluginKindNames) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace cnisim::scenario
