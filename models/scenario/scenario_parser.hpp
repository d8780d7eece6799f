#pragma once
// Reads a parsed scenario document into a ScenarioSpec: keys, types and single values only.
// Fields the file leaves out (or gets wrong) keep their zero/default values here; scenario_defaults
// fills them in and validation checks how they fit together. Schema: docs/scenario-format.md.
#include <yaml-cpp/yaml.h>

#include "models/scenario/field_reader.hpp"

namespace cnisim::scenario {

void parse_scenario(const YAML::Node& root, FieldReader& reader);

// The minor version of "1.30", "1.30.2" or "v1.30.2"; nullopt if the text is not such a version.
std::optional<int> kubernetes_minor(std::string_view version);

}  // namespace cnisim::scenario
