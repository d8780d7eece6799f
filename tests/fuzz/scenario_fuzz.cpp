// libFuzzer target: any bytes handed to the scenario loader must either load or be rejected with a
// ScenarioError that carries at least one diagnostic. Anything else escaping (another exception type), a
// crash, a sanitizer report, a leak, a time-out or running out of memory is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "models/scenario/scenario_loader.hpp"

namespace {

// A ScenarioError with nothing in it would print an empty message and exit 2: a loader bug.
void check_error(const cnisim::scenario::ScenarioError& e) {
  if (e.diagnostics().empty() || std::string_view(e.what()).empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cnisim::scenario;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ScenarioSpec spec;
  try {
    spec = load_scenario_string(text, "fuzz.yaml");
  } catch (const ScenarioError& e) {
    check_error(e);
    return 0;
  }
  // A scenario that loads is also run under every other plugin, as `cnisim compare --plugins` does:
  // the re-derivation and the second validation must hold up too.
  for (PluginKind kind : {PluginKind::Kubenet, PluginKind::AzureNodeSubnet, PluginKind::AzureOverlay,
                          PluginKind::Cilium, PluginKind::None}) {
    ScenarioSpec copy = spec;
    try {
      apply_plugin(copy, kind);
    } catch (const ScenarioError& e) {
      check_error(e);
    }
  }
  return 0;
}
