#pragma once
// Name rules of Kubernetes objects and AKS resources. Each check returns what is wrong with a name,
// or nullopt when it is acceptable.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cnisim::scenario {

// RFC 1123 label: 1-63 of [a-z0-9-], starting and ending alphanumeric (namespaces).
std::optional<std::string> dns_label_problem(std::string_view name);
// RFC 1035 label: as above but starting with a letter (Service names).
std::optional<std::string> service_name_problem(std::string_view name);
// RFC 1123 subdomain: 1-253 of [a-z0-9-.], each dot-separated part a label (Deployments, DaemonSets).
std::optional<std::string> dns_subdomain_problem(std::string_view name);
// Label key ([prefix/]name, name 1-63 of [A-Za-z0-9-_.]) and value (0-63 of the same).
std::optional<std::string> label_key_problem(std::string_view key);
std::optional<std::string> label_value_problem(std::string_view value);
// AKS agent pool: lowercase letter then lowercase letters and digits, at most max_length in all.
std::optional<std::string> pool_name_problem(std::string_view name, std::size_t max_length);
// AKS cluster (managedClusters resource): 1-63 of [A-Za-z0-9-_], starting and ending alphanumeric.
std::optional<std::string> cluster_name_problem(std::string_view name);

}  // namespace cnisim::scenario
