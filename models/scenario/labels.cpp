#include "models/scenario/labels.hpp"

#include <algorithm>
#include <vector>

namespace cnisim::scenario {

bool selects(const Labels& selector, const Labels& labels) {
  if (selector.empty()) return false;
  return std::all_of(selector.begin(), selector.end(), [&](const auto& kv) {
    const auto it = labels.find(kv.first);
    return it != labels.end() && it->second == kv.second;
  });
}

bool matches(const LabelSelector& selector, const Labels& labels) {
  for (const auto& [key, value] : selector.matchLabels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  for (const auto& req : selector.matchExpressions) {
    const auto it = labels.find(req.key);
    const bool has = it != labels.end();
    const bool listed = has && std::find(req.values.begin(), req.values.end(), it->second) != req.values.end();
    bool ok = false;
    switch (req.op) {
      case LabelRequirement::Operator::In:
        ok = listed;
        break;
      case LabelRequirement::Operator::NotIn:
        ok = !listed;  // a pod without the key is not in the set, so NotIn holds (Kubernetes' rule)
        break;
      case LabelRequirement::Operator::Exists:
        ok = has;
        break;
      case LabelRequirement::Operator::DoesNotExist:
        ok = !has;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::string labels_text(const Labels& labels) {
  std::string s;
  for (const auto& [k, v] : labels) s.append(s.empty() ? "" : ",").append(k).append("=").append(v);
  return s;
}

std::string label_sets(const ScenarioSpec& spec) {
  std::vector<std::string> sets;
  for (const auto& w : spec.workloads) {
    if (w.system) continue;
    std::string text(1, '{');
    text.append(labels_text(w.labels)).push_back('}');
    if (std::find(sets.begin(), sets.end(), text) == sets.end()) sets.push_back(text);
  }
  if (sets.empty()) return "no workloads of your own";
  std::string out;
  constexpr std::size_t kShown = 8;
  for (std::size_t i = 0; i < sets.size() && i < kShown; ++i) out.append(i ? ", " : "").append(sets[i]);
  if (sets.size() > kShown) out.append(", ... (").append(std::to_string(sets.size())).append(" in all)");
  return out;
}

}  // namespace cnisim::scenario
