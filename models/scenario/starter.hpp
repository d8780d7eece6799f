#pragma once
// `cnisim init`: a starter scenario for a cluster described the way `az aks create` takes it (its
// own flags) or the way `az aks show` prints it (the ARM ManagedCluster JSON). Only what was given is
// written; the loader fills in AKS's defaults for the rest, exactly as for a hand-written file. What
// could not be carried over is kept in `notes` (the command prints it; the file holds it as comments).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cnisim::scenario {

struct StarterPool {
  std::string name;
  std::optional<std::uint32_t> count;
  std::optional<std::string> vmSize;
  std::optional<std::uint32_t> maxPods;
  std::optional<std::string> osType;  // Linux | Windows
  std::optional<std::string> mode;    // System | User
  std::optional<std::string> maxSurge;  // "1" or "33%"
  std::vector<std::string> availabilityZones;  // "1", "2", "3" (empty: regional)
  std::string origin;                 // where it came from, for messages: "--node-count", "agentPoolProfiles[1]"
};

// The traffic templates: calls in a row between two Deployments (one of them through a Service),
// a bulk stream between two pods, or one call per new connection through a Service among many.
enum class StarterTraffic { Chatty, Bulk, ServiceHeavy, None };

struct StarterRequest {
  std::string name = "my-cluster";
  std::optional<std::string> kubernetesVersion;
  std::optional<std::string> networkPlugin, networkPluginMode, networkDataplane, networkPolicy, outboundType;
  std::optional<std::string> podCidr, serviceCidr, dnsServiceIP;
  std::optional<std::string> kubeProxyMode;
  // loadBalancerProfile: managedOutboundIPs.count, allocatedOutboundPorts, idleTimeoutInMinutes;
  // natGatewayProfile: managedOutboundIPProfile.count, idleTimeoutInMinutes.
  std::optional<std::uint32_t> lbOutboundIps, lbAllocatedPorts, lbIdleTimeout, natOutboundIps, natIdleTimeout;
  std::vector<StarterPool> pools;  // empty: AKS's default pool
  StarterTraffic traffic = StarterTraffic::Chatty;
  std::string source;              // "az aks create --network-plugin kubenet ..." or "az aks show (FILE)"
  std::vector<std::string> notes;  // what was not carried over, one line each
};

// The names of the templates ("chatty", "bulk", "service-heavy", "none") and back; nullopt if unknown.
std::optional<StarterTraffic> starter_traffic_from(const std::string& name);

// The scenario as YAML text (yaml-cpp's emitter), with the source and the notes as comments at the top,
// checked by loading it as `cnisim run` would. The bulk template streams between two pods named in
// bulk_endpoints ("pod/NAME"); pod names come from the built cluster, so the caller writes the file
// once without them (no traffic section), builds it, and writes it again with two of its pods. Throws
// ScenarioError when what was given does not make a valid cluster (the diagnostics name fields of the
// written file; the caller maps them back to where the values came from).
std::string write_starter(const StarterRequest& request, const std::vector<std::string>& bulk_endpoints = {});

}  // namespace cnisim::scenario
