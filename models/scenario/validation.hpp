#pragma once
// Checks a loaded and defaulted ScenarioSpec against AKS's rules and limits (aks_facts.hpp): address
// ranges, plugin combinations, sizes, capacity. Every rule reports through the sink with the field's
// file:line:col (or, for a defaulted field, its nearest given ancestor's), and skips fields that
// already have a diagnostic, so that one mistake gives one message.
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

void validate_scenario(const ScenarioSpec& spec, DiagnosticSink& sink);

// The settings the file gives that are accepted but not modelled (networkPolicy, outboundType,
// vmSize, a kube-proxy mode under cilium), each as a warning naming the field and what is not
// modelled. The loader stores them in ScenarioSpec::warnings; `--strict` makes them errors.
std::vector<Diagnostic> unmodelled_settings(const ScenarioSpec& spec);

}  // namespace cnisim::scenario
