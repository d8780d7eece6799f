#pragma once
// The cluster's objects as the Kubernetes API server returns them (Node, Pod, Service, Deployment,
// Endpoints, Namespace): Boost.JSON objects with the metadata the API server adds (uid,
// creationTimestamp, resourceVersion, ownerReferences, the pod-template-hash label), pod conditions and
// container statuses. Deterministic: uids are derived from the object's identity, times from one fixed
// creation time (AGE is not simulated), resourceVersions count objects in creation order.
#include <boost/json.hpp>
#include <initializer_list>

#include <map>
#include <string>
#include <vector>

#include "models/cluster/cluster.hpp"

namespace cnisim::cluster {

// The kinds `cnisim get` lists, with kubectl's names and short names.
enum class ApiKind { Node, Pod, Service, Deployment, Endpoints, Namespace };
struct ApiKindName {
  ApiKind kind;
  const char* plural;    // "pods"
  const char* singular;  // "pod"
  const char* shortname; // "po"
  const char* kind_name; // "Pod"
  const char* resource;  // how -o name and a row of several types name it: "pod", "deployment.apps"
  bool namespaced;
};
const std::vector<ApiKindName>& api_kinds();
// nodes | node | no, pods | pod | po, ...; nullptr if unknown.
const ApiKindName* find_api_kind(const std::string& word);
// The table's row of a kind.
const ApiKindName& api_kind_name(ApiKind kind);
// kubectl's message for a name that is not there, with the command that lists what is:
// pods "x" not found in namespace default (list them: cnisim get pods -A).
std::string not_found_message(ApiKind kind, const std::string& name, const std::string& namespace_, bool all_namespaces);

// One object of the cluster.
struct ApiObject {
  ApiKind kind = ApiKind::Pod;
  std::string namespace_;  // "" for cluster-scoped kinds
  std::string name;
  std::map<std::string, std::string> labels;
  boost::json::object json;
};

// Every object of the kind, sorted by namespace and name as kubectl lists them.
std::vector<ApiObject> api_objects(const Cluster& cluster, ApiKind kind);

// The field at a path of keys ({"status", "capacity", "cpu"}), nullptr where the path stops; and its
// text: a string as it is, anything else as JSON, `none` when absent. One accessor for every view.
const boost::json::value* field_at(const boost::json::object& object, std::initializer_list<const char*> path);
const boost::json::value* field_at(const boost::json::value& value, std::initializer_list<const char*> path);
std::string text_of(const boost::json::value& value);
std::string field_text(const boost::json::value& value, std::initializer_list<const char*> path, const char* none = "<none>");
std::string field_text(const boost::json::object& object, std::initializer_list<const char*> path, const char* none = "<none>");

// The fixed time every object was created (RFC 3339), kSimulatedAge before "now".
inline constexpr std::string_view kCreationTimestamp = "2026-01-01T00:00:00Z";

}  // namespace cnisim::cluster
