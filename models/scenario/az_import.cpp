#include "models/scenario/az_import.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <set>

#include "models/scenario/yaml_input_guard.hpp"
#include <vector>

namespace cnisim::scenario {
namespace {

namespace json = boost::json;

// 1-based line and column of a byte offset.
std::pair<int, int> line_col(std::string_view text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// A SAX pass over the file (Boost.JSON's basic_parser) that records where each key starts, by path.
struct PositionHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string key;
  };
  std::string_view text;
  std::vector<Frame> stack;
  std::map<std::string, std::size_t> offsets;

  std::string path() const {
    std::string p;
    for (std::size_t i = 1; i < stack.size(); ++i) {
      const auto& parent = stack[i - 1];
      if (parent.array) {
        // Appended piece by piece: GCC 12's -Wrestrict misfires on "[" + std::string inlined here.
        p += '[';
        p += std::to_string(parent.index - 1);
        p += ']';
      } else {
        if (!p.empty()) p += ".";
        p += parent.key;
      }
    }
    return p;
  }
  std::string child_path() const {
    if (stack.empty()) return {};
    auto p = path();
    const auto& top = stack.back();
    if (top.array) {
      p += '[';
      p += std::to_string(top.index - 1);
      p += ']';
      return p;
    }
    return p.empty() ? top.key : p + "." + top.key;
  }
  void value_begins() {
    if (!stack.empty() && stack.back().array) ++stack.back().index;
  }
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    value_begins();
    stack.push_back({false, 0, {}});
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    stack.pop_back();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    value_begins();
    stack.push_back({true, 0, {}});
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    stack.pop_back();
    return true;
  }
  std::string key_so_far;
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_so_far.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t n, json::error_code&) {
    key_so_far.append(s.data(), s.size());
    stack.back().key = key_so_far;
    key_so_far.clear();
    // The key's text lies in the buffer (one write of the whole file) unless it held escapes.
    if (s.data() >= text.data() && s.data() <= text.data() + text.size()) {
      const std::size_t end = static_cast<std::size_t>(s.data() - text.data()) + s.size();
      const std::size_t start = end >= n + 1 ? end - n - 1 : 0;  // at the opening quote
      offsets.emplace(child_path(), start);
    }
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) {
    value_begins();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) {
    value_begins();
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) {
    value_begins();
    return true;
  }
  bool on_double(double, json::string_view, json::error_code&) {
    value_begins();
    return true;
  }
  bool on_bool(bool, json::error_code&) {
    value_begins();
    return true;
  }
  bool on_null(json::error_code&) {
    value_begins();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

class Reader {
 public:
  Reader(AzImport& out, std::string_view text) : out_(out), text_(text) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message, const std::string& expected,
                         const std::string& hint = {}) const {
    Diagnostic d;
    d.file = out_.file;
    const auto it = out_.positions.find(path);
    if (it != out_.positions.end()) std::tie(d.line, d.column) = it->second;
    d.path = path;
    d.message = message;
    d.expected = expected;
    d.hint = hint;
    throw ScenarioError({d});
  }

  std::optional<std::string> text(const json::object& o, const std::string& parent, const char* key,
                                  std::set<std::string>& used) {
    used.insert(key);
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(join(parent, key), "is not a string", "a JSON string");
    return std::string(v->get_string());
  }
  std::optional<std::uint32_t> number(const json::object& o, const std::string& parent, const char* key,
                                      std::set<std::string>& used) {
    used.insert(key);
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= 1000000) return static_cast<std::uint32_t>(v->get_int64());
    if (v->is_uint64() && v->get_uint64() <= 1000000) return static_cast<std::uint32_t>(v->get_uint64());
    fail(join(parent, key), "is not a whole number from 0 to 1000000", "a JSON number such as 3");
  }
  static std::string join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  void origin(const std::string& scenario_path, const std::string& json_path) { out_.origin[scenario_path] = json_path; }

  // The fields of o that nothing read, each named in the notes with why it is left out.
  void account(const json::object& o, const std::string& parent, const std::set<std::string>& used,
               const std::map<std::string, std::string>& not_modelled, const std::set<std::string>& not_network) {
    std::vector<std::string> off_path;
    for (const auto& kv : o) {
      const std::string key(kv.key());
      // Nothing is lost with an unset or switched-off setting.
      if (used.count(key) || kv.value().is_null() || (kv.value().is_bool() && !kv.value().get_bool())) continue;
      const auto path = join(parent, key);
      // az and the REST API spell some keys differently (enableNodePublicIp, enableNodePublicIP).
      const auto same = [&](const std::string& a) { return boost::algorithm::iequals(a, key); };
      const auto modelled_later = std::find_if(not_modelled.begin(), not_modelled.end(),
                                               [&](const auto& kv2) { return same(kv2.first); });
      if (modelled_later != not_modelled.end()) {
        out_.request.notes.push_back(path + ": not modelled yet (" + modelled_later->second + ")");
      } else if (std::any_of(not_network.begin(), not_network.end(), same)) {
        off_path.push_back(key);
      } else {
        out_.request.notes.push_back(path + ": unknown to cnisim, left out");
      }
    }
    if (!off_path.empty()) {
      std::string line = (parent.empty() ? std::string("top level") : parent) + ": not about the data path, left out: ";
      for (std::size_t i = 0; i < off_path.size(); ++i) line += (i ? ", " : "") + off_path[i];
      out_.request.notes.push_back(line);
    }
  }

  void read(const json::object& root) {
    auto& r = out_.request;
    std::set<std::string> used;
    if (auto name = text(root, "", "name", used)) {
      r.name = *name;
      origin("cluster.name", "name");
    }
    if (auto v = text(root, "", "kubernetesVersion", used)) {
      r.kubernetesVersion = *v;
      origin("cluster.kubernetesVersion", "kubernetesVersion");
    }
    used.insert("currentKubernetesVersion");  // the running version; kubernetesVersion is the one asked for
    if (const auto* np = root.if_contains("networkProfile"); np && !np->is_null()) {
      used.insert("networkProfile");
      if (!np->is_object()) fail("networkProfile", "is not an object", "a JSON object, as `az aks show` prints it");
      read_network(np->get_object());
    }
    if (const auto* pools = root.if_contains("agentPoolProfiles"); pools && !pools->is_null()) {
      used.insert("agentPoolProfiles");
      if (!pools->is_array()) fail("agentPoolProfiles", "is not an array", "a JSON array of agent pools");
      const auto& arr = pools->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const auto path = "agentPoolProfiles[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) fail(path, "is not an object", "a JSON object per agent pool");
        read_pool(arr[i].get_object(), path, i);
      }
    }
    account(root, "",  used,
            {{"addonProfiles", "add-ons such as monitoring are not on the data path cnisim models"},
             {"apiServerAccessProfile", "the API server is not part of the simulated traffic"},
             {"windowsProfile", "Windows node settings"},
             {"ingressProfile", "ingress controllers (issue 13: Services and load balancers)"},
             {"serviceMeshProfile", "service mesh sidecars"}},
            {"id", "location", "type", "tags", "sku", "identity", "identityProfile", "kind", "eTag", "resourceGroup",
             "provisioningState", "powerState", "maxAgentPools", "dnsPrefix", "fqdn", "fqdnSubdomain", "azurePortalFqdn",
             "privateFqdn", "nodeResourceGroup", "enableRbac", "aadProfile", "autoUpgradeProfile", "autoScalerProfile",
             "disableLocalAccounts", "diskEncryptionSetId", "linuxProfile", "oidcIssuerProfile", "securityProfile",
             "servicePrincipalProfile", "storageProfile", "supportPlan", "workloadAutoScalerProfile",
             "azureMonitorProfile", "metricsProfile", "upgradeSettings", "systemData", "extendedLocation",
             "publicNetworkAccess", "privateLinkResources", "podIdentityProfile", "httpProxyConfig",
             "guardrailsProfile", "nodeProvisioningProfile", "bootstrapProfile", "aiToolchainOperatorProfile",
             "safeguardsProfile", "creationData", "enablePodSecurityPolicy", "resourceUid", "status"});
  }

  void read_network(const json::object& o) {
    auto& r = out_.request;
    std::set<std::string> used;
    const std::string parent = "networkProfile";
    auto take = [&](const char* key, std::optional<std::string>& into, const std::string& scenario_key) {
      if (auto v = text(o, parent, key, used)) {
        into = *v;
        origin("cluster.networkProfile." + scenario_key, join(parent, key));
      }
    };
    take("networkPlugin", r.networkPlugin, "networkPlugin");
    take("networkPluginMode", r.networkPluginMode, "networkPluginMode");
    take("networkDataplane", r.networkDataplane, "networkDataplane");
    take("networkPolicy", r.networkPolicy, "networkPolicy");
    take("podCidr", r.podCidr, "podCidr");
    take("serviceCidr", r.serviceCidr, "serviceCidr");
    take("outboundType", r.outboundType, "outboundType");
    // az prints dnsServiceIp; the ARM REST API names it dnsServiceIP.
    take("dnsServiceIp", r.dnsServiceIP, "dnsServiceIP");
    if (!r.dnsServiceIP) take("dnsServiceIP", r.dnsServiceIP, "dnsServiceIP");
    used.insert("dnsServiceIP");
    // podCidrs / serviceCidrs / ipFamilies repeat the single-stack values; IPv6 is not modelled.
    for (const char* list : {"podCidrs", "serviceCidrs", "ipFamilies"}) {
      used.insert(list);
      const auto* v = o.if_contains(list);
      if (!v || !v->is_array()) continue;
      if (v->get_array().size() > 1) {
        r.notes.push_back(join(parent, list) + ": dual stack; only IPv4 (the first entry) is modelled");
      }
    }
    if (const auto* kp = o.if_contains("kubeProxyConfig"); kp && kp->is_object()) {
      used.insert("kubeProxyConfig");
      std::set<std::string> kp_used;
      if (auto mode = text(kp->get_object(), join(parent, "kubeProxyConfig"), "mode", kp_used)) {
        r.kubeProxyMode = *mode;
        origin("cluster.networkProfile.kubeProxyConfig.mode", join(parent, "kubeProxyConfig.mode"));
      }
      kp_used.insert("enabled");
      account(kp->get_object(), join(parent, "kubeProxyConfig"), kp_used, {{"ipvsConfig", "IPVS timeouts and scheduler"}}, {});
    }
    read_egress(o, parent, used);
    account(o, parent, used,
            {             {"networkMode", "bridge mode of Azure CNI (legacy); transparent is modelled"},
             {"advancedNetworking", "Advanced Container Networking Services"},
             {"staticEgressGatewayProfile", "egress gateways: issue 13"},
             {"dockerBridgeCidr", "the docker bridge is unused on containerd nodes"}},
            {});
  }

  // The egress profiles: the numbers the data path uses (docs/egress.md); the rest named in the notes.
  void read_egress(const json::object& o, const std::string& parent, std::set<std::string>& used) {
    auto& r = out_.request;
    // The Standard SKU is what the egress model follows (the Basic SKU was retired on 2025-09-30).
    if (auto sku = text(o, parent, "loadBalancerSku", used); sku && !boost::algorithm::iequals(*sku, "standard")) {
      r.notes.push_back(join(parent, "loadBalancerSku") + ": " + *sku +
                        " is not modelled: egress follows the Standard load balancer (Basic was retired in 2025)");
    }
    // One profile's numbers, each with where it came from: "KEY" a number, "KEY.count" a {count: N}.
    auto take_profile = [&](const char* name, std::vector<std::pair<std::string, std::optional<std::uint32_t>*>> keys,
                            const std::map<std::string, std::string>& not_modelled, const std::set<std::string>& not_network) {
      const auto* profile = o.if_contains(name);
      if (!profile || !profile->is_object()) return;
      used.insert(name);
      const auto path = join(parent, name);
      const auto scenario = "cluster.networkProfile." + std::string(name);
      std::set<std::string> profile_used{"effectiveOutboundIPs"};  // the IPs' resource ids: the count says how many
      for (auto& [key, into] : keys) {
        const auto dot = key.find('.');
        const auto& obj = profile->get_object();
        if (dot == std::string::npos) {
          *into = number(obj, path, key.c_str(), profile_used);
        } else {
          const std::string outer = key.substr(0, dot);
          profile_used.insert(outer);
          const auto* inner = obj.if_contains(outer);
          if (!inner || !inner->is_object()) continue;
          std::set<std::string> inner_used;
          *into = number(inner->get_object(), join(path, outer), "count", inner_used);
          account(inner->get_object(), join(path, outer), inner_used, {}, {"countIPv6"});
        }
        if (*into) origin(join(scenario, key), join(path, key));
      }
      account(profile->get_object(), path, profile_used, not_modelled, not_network);
    };
    take_profile("loadBalancerProfile",
                 {{"managedOutboundIPs.count", &r.lbOutboundIps},
                  {"allocatedOutboundPorts", &r.lbAllocatedPorts},
                  {"idleTimeoutInMinutes", &r.lbIdleTimeout}},
                 {{"outboundIPs", "your own public IPs: give their number as managedOutboundIPs.count"},
                  {"outboundIPPrefixes", "public IP prefixes: give their number of IPs as managedOutboundIPs.count"}},
                 {"backendPoolType", "enableMultipleStandardLoadBalancers", "clusterServiceLoadBalancerHealthProbeMode"});
    take_profile("natGatewayProfile",
                 {{"managedOutboundIPProfile.count", &r.natOutboundIps}, {"idleTimeoutInMinutes", &r.natIdleTimeout}}, {},
                 {});
  }

  void read_pool(const json::object& o, const std::string& path, std::size_t index) {
    StarterPool pool;
    std::set<std::string> used;
    const auto scenario = "nodePools[" + std::to_string(index) + "]";
    pool.origin = path;
    if (auto v = text(o, path, "name", used)) pool.name = *v;
    pool.count = number(o, path, "count", used);
    pool.vmSize = text(o, path, "vmSize", used);
    pool.maxPods = number(o, path, "maxPods", used);
    pool.osType = text(o, path, "osType", used);
    pool.mode = text(o, path, "mode", used);
    if (const auto* up = o.if_contains("upgradeSettings"); up && up->is_object()) {
      used.insert("upgradeSettings");
      std::set<std::string> up_used;
      pool.maxSurge = text(up->get_object(), join(path, "upgradeSettings"), "maxSurge", up_used);
      origin(scenario + ".maxSurge", join(path, "upgradeSettings.maxSurge"));
      account(up->get_object(), join(path, "upgradeSettings"), up_used, {},
              {"drainTimeoutInMinutes", "nodeSoakDurationInMinutes", "undrainableNodeBehavior", "maxUnavailable"});
    }
    for (const char* key : {"name", "count", "vmSize", "maxPods", "osType", "mode"}) {
      origin(scenario + "." + key, join(path, key));
    }
    origin(scenario, path);
    if (const auto* zones = o.if_contains("availabilityZones"); zones && zones->is_array()) {
      for (const auto& z : zones->get_array()) {
        if (z.is_string()) pool.availabilityZones.emplace_back(z.get_string());  // validation judges the names
      }
      origin(scenario + ".availabilityZones", join(path, "availabilityZones"));
    }
    used.insert("availabilityZones");
    for (const char* subnet : {"vnetSubnetId", "vnetSubnetID", "podSubnetId", "podSubnetID"}) {
      used.insert(subnet);
      const auto* v = o.if_contains(subnet);
      if (!v || !v->is_string()) continue;
      out_.request.notes.push_back(
          join(path, subnet) + ": your own subnet; `az aks show` does not print its address range: set " +
          "cluster.vnet (addressSpace, nodeSubnet" + (std::string(subnet).rfind("pod", 0) == 0 ? ", podSubnet" : "") +
          ") from `az network vnet subnet show --ids ID --query addressPrefix`");
    }
    out_.request.pools.push_back(pool);
    account(o, path, used,
            {{"enableNodePublicIP", "node public IPs: egress is issue 13"},
             {"nodeLabels", "pods are placed by OS only"},
             {"nodeTaints", "pods are placed by OS only"},
             {"kubeletConfig", "kubelet settings"},
             {"linuxOSConfig", "sysctls of the node (conntrack limits come from vmSize)"},
             {"enableAutoScaling", "the cluster is simulated at its current count"},
             {"minCount", "the cluster is simulated at its current count"},
             {"maxCount", "the cluster is simulated at its current count"},
             {"networkProfile", "per-pool node public IP tags and ports"}},
            {"osDiskSizeGb", "osDiskType", "kubeletDiskType", "workloadRuntime", "osSku", "type", "orchestratorVersion",
             "currentOrchestratorVersion", "nodeImageVersion", "upgradeSettings", "provisioningState", "powerState",
             "scaleSetPriority", "scaleSetEvictionPolicy", "spotMaxPrice", "tags", "proximityPlacementGroupId",
             "enableEncryptionAtHost", "enableUltraSsd", "enableFips", "gpuInstanceProfile", "creationData",
             "capacityReservationGroupId", "hostGroupId", "securityProfile", "eTag", "scaleDownMode",
             "nodePublicIpPrefixId", "messageOfTheDay", "windowsProfile", "gpuProfile", "virtualMachinesProfile",
             "virtualMachineNodesStatus", "artifactStreamingProfile", "enableCustomCaTrust", "id", "resourceGroup"});
  }

 private:
  AzImport& out_;
  std::string_view text_;
};

}  // namespace

Diagnostic AzImport::relocate(Diagnostic d) const {
  // The longest scenario path that is a prefix of the diagnostic's path decides where it came from.
  std::string best;
  for (const auto& [scenario_path, json_path] : origin) {
    if (d.path.rfind(scenario_path, 0) == 0 && scenario_path.size() > best.size()) best = scenario_path;
  }
  d.file = file;
  if (best.empty()) {
    d.line = d.column = 1;
    d.hint = (d.hint.empty() ? std::string() : d.hint + "; ") + "from the scenario written for " + file +
             ", whose field " + d.path + " is AKS's default";
    return d;
  }
  const auto& json_path = origin.at(best);
  d.path = json_path + d.path.substr(best.size());
  const auto it = positions.find(json_path);
  if (it != positions.end()) {
    d.line = it->second.first;
    d.column = it->second.second;
  } else {
    d.line = d.column = 1;
  }
  return d;
}

AzImport import_az_show(std::string_view json_text, const std::string& file) {
  AzImport out;
  out.file = file;
  out.request.source = "az aks show (" + file + ")";
  PositionHandler positions_handler;
  positions_handler.text = json_text;
  json::basic_parser<PositionHandler> sax(json::parse_options{}, std::move(positions_handler));
  json::error_code ec;
  const auto consumed = sax.write_some(false, json_text.data(), json_text.size(), ec);
  if (ec) {
    Diagnostic d;
    d.file = file;
    std::tie(d.line, d.column) = line_col(json_text, consumed);
    d.message = "is not JSON: " + ec.message();
    d.expected = "the JSON `az aks show -g GROUP -n NAME -o json` prints";
    d.hint = "save it with: az aks show -g GROUP -n NAME -o json > cluster.json";
    throw ScenarioError({d});
  }
  for (const auto& [path, offset] : sax.handler().offsets) out.positions[path] = line_col(json_text, offset);
  const auto value = json::parse(json_text);
  if (!value.is_object()) {
    Diagnostic d;
    d.file = file;
    d.message = "is not a JSON object";
    d.expected = "one managed cluster, as `az aks show` prints it (not `az aks list`'s array)";
    if (value.is_array()) d.hint = "pick one cluster: az aks show -g GROUP -n NAME -o json";
    throw ScenarioError({d});
  }
  Reader(out, json_text).read(value.get_object());
  return out;
}

AzImport import_az_show_file(const std::string& path) {
  static constexpr InputKind kAzInput{"az aks show output", "one managed cluster is a few KiB of JSON"};
  DiagnosticSink sink;
  const auto text = read_input_file(path, InputLimits{}, kAzInput, sink);
  sink.throw_if_any();
  return import_az_show(*text, path);
}

}  // namespace cnisim::scenario
