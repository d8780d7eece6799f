// The plugin registry: PluginKind -> plugin. Adding a plugin: its own plugin_<name>.cpp with a
// make_<name>_plugin() factory, and one line below (plus its declaration).
#include <stdexcept>
#include <utility>

#include "models/cluster/plugin.hpp"

namespace cnisim::cluster {

std::shared_ptr<const Plugin> make_kubenet_plugin();
std::shared_ptr<const Plugin> make_azure_node_subnet_plugin();
std::shared_ptr<const Plugin> make_azure_overlay_plugin();
std::shared_ptr<const Plugin> make_cilium_plugin();
std::shared_ptr<const Plugin> make_none_plugin();
std::shared_ptr<const Plugin> make_byo_cni_plugin(const scenario::ByoCniSpec& cni);

namespace {

using Factory = std::shared_ptr<const Plugin> (*)();
constexpr std::pair<PluginKind, Factory> kRegistry[] = {
    {PluginKind::Kubenet, &make_kubenet_plugin},
    {PluginKind::AzureNodeSubnet, &make_azure_node_subnet_plugin},
    {PluginKind::AzureOverlay, &make_azure_overlay_plugin},
    {PluginKind::Cilium, &make_cilium_plugin},
    {PluginKind::None, &make_none_plugin},
};

}  // namespace

std::shared_ptr<const Plugin> plugin_for(PluginKind kind) {
  for (const auto& [k, make] : kRegistry) {
    if (k == kind) return make();
  }
  throw std::invalid_argument("no plugin registered for kind " + std::to_string(static_cast<int>(kind)) +
                              "; add it to kRegistry in plugin_registry.cpp");
}

std::shared_ptr<const Plugin> plugin_for(const ScenarioSpec& spec) {
  if (spec.plugin() == PluginKind::None && spec.cluster.byoCni) return make_byo_cni_plugin(*spec.cluster.byoCni);
  return plugin_for(spec.plugin());
}

std::vector<PluginKind> registered_plugins() {
  std::vector<PluginKind> kinds;
  for (const auto& entry : kRegistry) kinds.push_back(entry.first);
  return kinds;
}

}  // namespace cnisim::cluster
