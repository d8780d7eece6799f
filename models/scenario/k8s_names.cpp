// Rules from K8S apimachinery validation (IsDNS1123Label, IsDNS1035Label, IsQualifiedName,
// IsValidLabelValue) and SPEC (agentPoolName, resourceName patterns).
#include "models/scenario/k8s_names.hpp"

#include <algorithm>

#include "models/scenario/aks_facts.hpp"

namespace cnisim::scenario {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::optional<std::string> length_problem(std::string_view name, std::size_t max_length) {
  if (name.empty()) return "is empty";
  if (name.size() > max_length) {
    return "is " + std::to_string(name.size()) + " characters long, more than " + std::to_string(max_length);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> dns_label_problem(std::string_view name) {
  if (auto p = length_problem(name, 63)) return p;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return lower_alnum(c) || c == '-'; })) {
    return "may contain only lowercase letters, digits and '-'";
  }
  if (!lower_alnum(name.front()) || !lower_alnum(name.back()))
    return "must start and end with a letter or digit";
  return std::nullopt;
}

std::optional<std::string> service_name_problem(std::string_view name) {
  if (auto p = dns_label_problem(name)) return p;
  if (!(name.front() >= 'a' && name.front() <= 'z')) return "must start with a lowercase letter";
  return std::nullopt;
}

std::optional<std::string> dns_subdomain_problem(std::string_view name) {
  if (auto p = length_problem(name, 253)) return p;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view part = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() ||
        !std::all_of(part.begin(), part.end(), [](char c) { return lower_alnum(c) || c == '-'; }) ||
        !lower_alnum(part.front()) || !lower_alnum(part.back())) {
      return "may contain only lowercase letters, digits, '-' and '.', each part starting and ending with a "
             "letter or digit";
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

std::optional<std::string> label_value_problem(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (value.size() > 63) return "is " + std::to_string(value.size()) + " characters long, more than 63";
  if (!std::all_of(value.begin(), value.end(),
                   [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; }) ||
      !alnum(value.front()) || !alnum(value.back())) {
    return "may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return std::nullopt;
}

std::optional<std::string> label_key_problem(std::string_view key) {
  std::string_view name = key;
  if (const std::size_t slash = key.rfind('/'); slash != std::string_view::npos) {
    if (auto p = dns_subdomain_problem(key.substr(0, slash))) return "has a prefix that " + *p;
    name = key.substr(slash + 1);
  }
  if (name.empty()) return "has an empty name part";
  return label_value_problem(name);
}

std::optional<std::string> pool_name_problem(std::string_view name, std::size_t max_length) {
  if (auto p = length_problem(name, max_length)) return p;
  if (!(name.front() >= 'a' && name.front() <= 'z') || !std::all_of(name.begin(), name.end(), lower_alnum)) {
    return "must be a lowercase letter followed by lowercase letters and digits (no '-' or '_')";
  }
  return std::nullopt;
}

std::optional<std::string> cluster_name_problem(std::string_view name) {
  if (auto p = length_problem(name, aks::kMaxClusterNameLength)) return p;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return alnum(c) || c == '-' || c == '_'; }) ||
      !alnum(name.front()) || !alnum(name.back())) {
    return "may contain only letters, digits, '-' and '_', starting and ending with a letter or digit";
  }
  return std::nullopt;
}

}  // namespace cnisim::scenario
