#pragma once
// `cnisim init --from-az FILE`: the JSON `az aks show` prints (the ARM ManagedCluster, flattened by the
// az CLI: networkProfile, agentPoolProfiles, kubernetesVersion, ...) turned into a starter request.
// Every field is accounted for: carried into the scenario, or named in the request's notes as not
// about the data path, not modelled yet, or unknown to cnisim. Positions of the fields in the file are
// kept so that a value the scenario refuses is reported at its own line and column.
#include <map>
#include <string>
#include <string_view>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/starter.hpp"

namespace cnisim::scenario {

struct AzImport {
  StarterRequest request;
  std::string file;
  // JSON path ("networkProfile.podCidr", "agentPoolProfiles[1].vmSize") -> 1-based line and column
  std::map<std::string, std::pair<int, int>> positions;
  // Scenario field path (as the loader reports it) -> the JSON path it came from.
  std::map<std::string, std::string> origin;

  // A diagnostic about the written scenario, moved to the field of the az file it came from.
  Diagnostic relocate(Diagnostic d) const;
};

// Throws ScenarioError (at FILE:LINE:COL) for text that is not JSON, not an object, or a field of the
// wrong JSON type.
AzImport import_az_show(std::string_view json_text, const std::string& file);
// The same from a file, read with the scenario's input guard (regular files only, size-capped).
AzImport import_az_show_file(const std::string& path);

}  // namespace cnisim::scenario
