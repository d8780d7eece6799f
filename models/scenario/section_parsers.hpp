#pragma once
// The section readers scenario_parser.cpp calls, one file each: cluster (networkProfile, vnet), node
// pools, workloads, services. Internal to the loader.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "models/scenario/field_reader.hpp"

namespace cnisim::scenario {

void parse_cluster(FieldReader& r, const Field& field);                                // cluster_parser.cpp
void parse_pool(FieldReader& r, const YAML::Node& node, const std::string& path);      // node_pool_parser.cpp
void parse_workload(FieldReader& r, const YAML::Node& node, const std::string& path);  // workload_parser.cpp
void parse_service(FieldReader& r, const YAML::Node& node, const std::string& path);   // service_parser.cpp
// network_policy_parser.cpp
void parse_namespace(FieldReader& r, const YAML::Node& node, const std::string& path);
void parse_network_policy(FieldReader& r, const YAML::Node& node, const std::string& path);
// The data-path sections: traffic and run (traffic_spec.cpp), costs (cost_profile.cpp).
void parse_traffic(FieldReader& r, const Field& field);
void parse_run(FieldReader& r, const Field& field);
void parse_costs(FieldReader& r, const Field& field);
// After the whole file was read: reads the base profile that `costs` names (through the input guard;
// its errors at its own file:line:col, or at costs.profile when it cannot be read) and applies the
// overrides, giving spec.costs.profile.
void resolve_costs(FieldReader& r);
// Labels and selectors: key/value pairs checked against Kubernetes' label syntax (workload_parser.cpp).
void parse_labels(FieldReader& r, const Field& f, std::map<std::string, std::string>& out);

std::string item_path(const std::string& list, std::size_t i);  // "workloads[3]"
// Reports a name problem (from k8s_names) on the field; true if there was none.
bool check_name(FieldReader& r, const Field& f, const std::string& name, std::optional<std::string> problem,
                std::string expected, std::string hint);

}  // namespace cnisim::scenario
