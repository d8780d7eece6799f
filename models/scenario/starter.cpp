#include "models/scenario/starter.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

#include "models/scenario/scenario_loader.hpp"

namespace cnisim::scenario {
namespace {

void optional_key(YAML::Emitter& out, const char* key, const std::optional<std::string>& value) {
  if (value) out << YAML::Key << key << YAML::Value << *value;
}
void optional_key(YAML::Emitter& out, const char* key, const std::optional<std::uint32_t>& value) {
  if (value) out << YAML::Key << key << YAML::Value << *value;
}

// How many replicas a template's Deployment gets: one per Linux node of the cluster (at most 8), so
// that most calls cross nodes as in a spread-out Deployment.
std::uint32_t replicas_for(const StarterRequest& r) {
  std::uint64_t nodes = 0;
  if (r.pools.empty()) nodes = 3;  // AKS's default pool (aks::kDefaultNodeCount), for the template only
  for (const auto& p : r.pools) {
    if (p.osType.value_or("Linux") == "Linux") nodes += p.count.value_or(3);
  }
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(nodes, 1, 8));
}

void deployment(YAML::Emitter& out, const std::string& name, std::uint32_t replicas) {
  out << YAML::Flow << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << "Deployment" << YAML::Key << "name"
      << YAML::Value << name << YAML::Key << "image" << YAML::Value << name << YAML::Key << "replicas" << YAML::Value
      << replicas << YAML::Key << "labels" << YAML::Value << YAML::BeginMap << YAML::Key << "app" << YAML::Value
      << name << YAML::EndMap << YAML::EndMap;
}

void service(YAML::Emitter& out, const std::string& name, const std::string& app) {
  out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::Key << "selector"
      << YAML::Value << YAML::BeginMap << YAML::Key << "app" << YAML::Value << app << YAML::EndMap << YAML::Key
      << "ports" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "port" << YAML::Value << 80
      << YAML::Key << "targetPort" << YAML::Value << 8080 << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
}

// One chatty entry of a template: clients and servers by their app label, or a Service.
struct ChattyTemplate {
  const char* name;
  const char* clients;
  const char* servers;  // "" when calling the Service
  const char* service;
  int request_size, response_size, chain_depth;
  const char* think_time;
  const char* server_time;  // "" for none
  bool new_connection_per_call;
};

void app_selector(YAML::Emitter& out, const char* key, const char* app) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "app" << YAML::Value << app
      << YAML::EndMap;
}

void chatty(YAML::Emitter& out, const ChattyTemplate& t) {
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name;
  app_selector(out, "clients", t.clients);
  if (*t.servers) {
    app_selector(out, "servers", t.servers);
    out << YAML::Key << "port" << YAML::Value << 8080;
  } else {
    out << YAML::Key << "service" << YAML::Value << t.service;
  }
  out << YAML::Key << "requestSize" << YAML::Value << t.request_size << YAML::Key << "responseSize" << YAML::Value
      << t.response_size << YAML::Key << "chainDepth" << YAML::Value << t.chain_depth << YAML::Key << "thinkTime"
      << YAML::Value << t.think_time;
  if (*t.server_time) out << YAML::Key << "serverTime" << YAML::Value << t.server_time;
  if (t.new_connection_per_call) out << YAML::Key << "connection" << YAML::Value << "perCall";
  out << YAML::Key << "duration" << YAML::Value << "50ms" << YAML::EndMap;
}

// Filler Services of the service-heavy template: kube-proxy's rules grow with them.
constexpr int kFillerServices = 200;

std::string emit(const StarterRequest& r, const std::vector<std::string>& bulk_pods) {
  YAML::Emitter out;
  out.SetIndent(2);
  std::string header = "Written by `cnisim init` from: " + r.source +
                       "\nEvery key: docs/scenario-format.md. Next: cnisim get pods -o wide -f THIS_FILE; "
                       "cnisim compare -f THIS_FILE";
  if (!r.notes.empty()) {
    header += "\nNot carried over (cnisim init printed these too):";
    for (const auto& n : r.notes) header += "\n  - " + n;
  }
  out << YAML::Comment(header) << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << r.name;
  if (r.kubernetesVersion) out << YAML::Key << "kubernetesVersion" << YAML::Value << YAML::DoubleQuoted << *r.kubernetesVersion;
  const bool any_network = r.networkPlugin || r.networkPluginMode || r.networkDataplane || r.networkPolicy ||
                           r.outboundType || r.podCidr || r.serviceCidr || r.dnsServiceIP || r.kubeProxyMode ||
                           r.lbOutboundIps || r.lbAllocatedPorts || r.lbIdleTimeout || r.natOutboundIps ||
                           r.natIdleTimeout;
  if (any_network) {
    out << YAML::Key << "networkProfile" << YAML::Value << YAML::BeginMap;
    optional_key(out, "networkPlugin", r.networkPlugin);
    optional_key(out, "networkPluginMode", r.networkPluginMode);
    optional_key(out, "networkDataplane", r.networkDataplane);
    optional_key(out, "networkPolicy", r.networkPolicy);
    optional_key(out, "podCidr", r.podCidr);
    optional_key(out, "serviceCidr", r.serviceCidr);
    optional_key(out, "dnsServiceIP", r.dnsServiceIP);
    optional_key(out, "outboundType", r.outboundType);
    auto count = [&](const char* key, const std::optional<std::uint32_t>& n) {
      if (n) out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "count" << YAML::Value << *n
                 << YAML::EndMap;
    };
    if (r.lbOutboundIps || r.lbAllocatedPorts || r.lbIdleTimeout) {
      out << YAML::Key << "loadBalancerProfile" << YAML::Value << YAML::BeginMap;
      count("managedOutboundIPs", r.lbOutboundIps);
      optional_key(out, "allocatedOutboundPorts", r.lbAllocatedPorts);
      optional_key(out, "idleTimeoutInMinutes", r.lbIdleTimeout);
      out << YAML::EndMap;
    }
    if (r.natOutboundIps || r.natIdleTimeout) {
      out << YAML::Key << "natGatewayProfile" << YAML::Value << YAML::BeginMap;
      count("managedOutboundIPProfile", r.natOutboundIps);
      optional_key(out, "idleTimeoutInMinutes", r.natIdleTimeout);
      out << YAML::EndMap;
    }
    if (r.kubeProxyMode) {
      out << YAML::Key << "kubeProxyConfig" << YAML::Value << YAML::BeginMap << YAML::Key << "mode" << YAML::Value
          << *r.kubeProxyMode << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (!r.pools.empty()) {
    out << YAML::Key << "nodePools" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : r.pools) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << p.name;
      optional_key(out, "count", p.count);
      optional_key(out, "vmSize", p.vmSize);
      optional_key(out, "maxPods", p.maxPods);
      optional_key(out, "osType", p.osType);
      optional_key(out, "mode", p.mode);
      optional_key(out, "maxSurge", p.maxSurge);
      if (!p.availabilityZones.empty()) {
        out << YAML::Key << "availabilityZones" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& z : p.availabilityZones) out << YAML::DoubleQuoted << z;
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  const auto replicas = replicas_for(r);
  switch (r.traffic) {
    case StarterTraffic::Chatty:
      out << YAML::Key << "workloads" << YAML::Value << YAML::BeginSeq;
      deployment(out, "frontend", replicas);
      deployment(out, "orders", replicas);
      deployment(out, "payments", std::max<std::uint32_t>(1, replicas / 2));
      out << YAML::EndSeq << YAML::Key << "services" << YAML::Value << YAML::BeginSeq;
      service(out, "payments", "payments");
      out << YAML::EndSeq;
      break;
    case StarterTraffic::Bulk:
      out << YAML::Key << "workloads" << YAML::Value << YAML::BeginSeq;
      deployment(out, "sender", 1);
      deployment(out, "receiver", 1);
      out << YAML::EndSeq;
      break;
    case StarterTraffic::ServiceHeavy: {
      out << YAML::Key << "workloads" << YAML::Value << YAML::BeginSeq;
      deployment(out, "shop", replicas);
      deployment(out, "checkout", replicas);
      out << YAML::EndSeq << YAML::Key << "services" << YAML::Value << YAML::BeginSeq;
      service(out, "checkout", "checkout");
      for (int i = 0; i < kFillerServices; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "filler-%04d", i);
        service(out, name, name);
      }
      out << YAML::EndSeq;
      break;
    }
    case StarterTraffic::None:
      break;
  }
  const bool bulk_waits = r.traffic == StarterTraffic::Bulk && bulk_pods.size() != 2;
  if (r.traffic != StarterTraffic::None && !bulk_waits) {
    out << YAML::Key << "traffic" << YAML::Value << YAML::BeginMap;
    if (r.traffic == StarterTraffic::Chatty) {
      out << YAML::Key << "chatty" << YAML::Value << YAML::BeginSeq;
      chatty(out, {"frontend-to-orders", "frontend", "orders", "", 300, 900, 8, "50us", "5us", false});
      chatty(out, {"orders-to-payments", "orders", "", "payments", 400, 300, 2, "500us", "20us", false});
      out << YAML::EndSeq;
    } else if (r.traffic == StarterTraffic::ServiceHeavy) {
      out << YAML::Key << "chatty" << YAML::Value << YAML::BeginSeq;
      chatty(out, {"shop-to-checkout", "shop", "", "checkout", 200, 500, 4, "100us", "", true});
      out << YAML::EndSeq;
    } else {
      out << YAML::Key << "bulk" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "from"
          << YAML::Value << bulk_pods[0] << YAML::Key << "to" << YAML::Value << bulk_pods[1] << YAML::Key << "rate"
          << YAML::Value << "1Gbps" << YAML::Key << "packetSize" << YAML::Value << 1500 << YAML::Key << "duration"
          << YAML::Value << "5ms" << YAML::Key << "port" << YAML::Value << 5001 << YAML::EndMap << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "run" << YAML::Value << YAML::BeginMap << YAML::Key << "seed" << YAML::Value << 1
      << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::optional<StarterTraffic> starter_traffic_from(const std::string& name) {
  if (name == "chatty") return StarterTraffic::Chatty;
  if (name == "bulk") return StarterTraffic::Bulk;
  if (name == "service-heavy") return StarterTraffic::ServiceHeavy;
  if (name == "none") return StarterTraffic::None;
  return std::nullopt;
}

std::string write_starter(const StarterRequest& request, const std::vector<std::string>& bulk_endpoints) {
  auto text = emit(request, bulk_endpoints);
  (void)load_scenario_string(text, "cnisim init");  // what run would say of it, said now
  return text;
}

}  // namespace cnisim::scenario
