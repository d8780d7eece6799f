#pragma once
// Kubernetes label selectors as the scenario uses them (Service selectors, traffic's clients and
// servers): one matcher for the builder, validation and the traffic generators.
#include <map>
#include <string>

#include "models/scenario/scenario_spec.hpp"

namespace cnisim::scenario {

using Labels = std::map<std::string, std::string>;

// Every key=value of the selector is among the labels. An empty selector selects nothing (a Service
// without a selector has no automatic endpoints; traffic must name its pods).
bool selects(const Labels& selector, const Labels& labels);
// A Kubernetes label selector (NetworkPolicy's podSelector, namespaceSelector): every matchLabels pair
// and every expression holds. An empty selector selects everything.
bool matches(const LabelSelector& selector, const Labels& labels);
// "app=api,tier=backend"
std::string labels_text(const Labels& labels);
// "{app=web}, {app=api}": the label sets the scenario's own workloads give their pods, for messages
// that say what does exist.
std::string label_sets(const ScenarioSpec& spec);

}  // namespace cnisim::scenario
