// Reading cost profiles and a scenario's `costs` overrides with the scenario loader's FieldReader, so
// that unknown keys, wrong types and bad quantities get the same file:line:col diagnostics. Both read
// into CostOverrides; a profile file must set every number, a `costs` section any of them.
#include "models/scenario/cost_profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "models/scenario/field_reader.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/quantity_reader.hpp"
#include "models/scenario/section_parsers.hpp"
#include "models/scenario/spelling.hpp"
#include "models/scenario/yaml_input_guard.hpp"

namespace cnisim::scenario {
namespace {

// YAML keys, indexed by DeviceKind / LinkKind (from the kinds' table) / TableKind.
template <typename Rows>
constexpr auto cost_keys(const Rows& rows) {
  std::array<std::string_view, std::tuple_size_v<Rows>> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = rows[i].cost_key;
  return keys;
}
constexpr auto kDeviceKeys = cost_keys(kDeviceKinds);
constexpr auto kLinkKeys = cost_keys(kLinkKinds);
constexpr std::array<std::string_view, kTableKindCount> kTableKeys{"pod", "node", "azure"};
constexpr std::array<std::string_view, 2> kDeviceCostKeys{"fixed", "perByte"};
constexpr std::array<std::string_view, 3> kLinkCostKeys{"rate", "delay", "queuePackets"};
constexpr std::array<std::string_view, 3> kLookupKeys{"model", "constant", "perWork"};
constexpr std::array<std::string_view, 9> kNetfilterKeys{"conntrackLookup", "conntrackCreate",  "natRewrite",
                                                         "iptablesPerRule", "serviceMapLookup", "bridgeHooks",
                                                         "ipsetLookup",     "policyMapLookup",  "bpfConntrackLookup"};
constexpr std::array<std::string_view, 13> kConntrackTimeoutKeys{
    "tcpTimeoutSynSent",  "tcpTimeoutSynRecv", "tcpTimeoutEstablished", "tcpTimeoutFinWait", "tcpTimeoutCloseWait",
    "tcpTimeoutLastAck",  "tcpTimeoutTimeWait", "tcpTimeoutClose",      "udpTimeout",        "udpTimeoutStream",
    "udpStreamAfter",     "icmpTimeout",        "genericTimeout"};
constexpr auto kConntrackKeys = [] {
  std::array<std::string_view, kConntrackTimeoutKeys.size() + 2> keys{};
  for (std::size_t i = 0; i < kConntrackTimeoutKeys.size(); ++i) keys[i] = kConntrackTimeoutKeys[i];
  keys[kConntrackTimeoutKeys.size()] = "maxPerCore";
  keys[kConntrackTimeoutKeys.size() + 1] = "min";
  return keys;
}();
constexpr std::array<std::string_view, 13> kProfileKeys{"name",      "devices", "links",            "routeLookup", "netfilter",
                                                        "conntrack", "ttl",     "maxReceiveQueues", "tcp",         "dns",
                                                        "sockets",   "egress",  "measured"};
constexpr std::array<std::string_view, 1> kEgressKeys{"portHoldAfterClose"};
constexpr std::array<std::string_view, 2> kSocketKeys{"connect", "accept"};
constexpr std::array<std::string_view, 7> kDnsKeys{"corednsServe",     "upstream",      "cacheTtl",
                                                   "resolverTimeout",  "resolverAttempts", "conntrackRace",
                                                   "nodeLocalDenialTtl"};
constexpr std::array<std::string_view, 21> kTcpKeys{
    "mtu",          "initialWindow", "receiveWindow", "sendBuffer",     "congestionControl", "rtoInitial",
    "rtoMin",       "rtoMax",        "dupackThreshold", "synRetries",   "retries",           "delayedAckMin",
    "delayedAckMax", "maxQuickAcks", "pingpongThreshold", "slowStartAfterIdle", "timeWait",  "cubicBeta",
    "cubicC",       "gso",           "gsoMaxBytes"};
constexpr NamedValue<transport::CongestionKind> kCongestionControls[] = {
    {transport::CongestionKind::NewReno, "newreno"}, {transport::CongestionKind::Cubic, "cubic"}};
constexpr std::array<std::string_view, 12> kCostsKeys{"profile",   "devices",   "links", "routeLookup",      "netfilter",
                                                      "conntrack", "ttl",       "maxReceiveQueues", "tcp", "dns",
                                                      "sockets",   "egress"};

std::array<sim::Time*, kConntrackTimeoutKeys.size()> conntrack_timeouts(ConntrackSettings& c) {
  return {&c.tcp_syn_sent,  &c.tcp_syn_recv,  &c.tcp_established, &c.tcp_fin_wait,     &c.tcp_close_wait,
          &c.tcp_last_ack,  &c.tcp_time_wait, &c.tcp_close,       &c.udp,              &c.udp_stream,
          &c.udp_stream_after, &c.icmp,       &c.generic};
}
constexpr NamedValue<LookupCostModel> kLookupModels[] = {
    {LookupCostModel::Constant, "constant"},
    {LookupCostModel::Proportional, "proportional"},
    {LookupCostModel::Measured, "measured"}};

// Reads a mapping into overrides.
class ProfileReader {
 public:
  explicit ProfileReader(FieldReader& reader) : r_(reader) {}

  void duration(const Field& f, std::optional<sim::Time>& out) {
    if (auto t = read_duration(r_, f)) out = *t;
  }

  void rate(const Field& f, std::optional<sim::DataRate>& out) {
    if (auto v = read_rate(r_, f)) out = *v;
  }

  template <std::size_t N, class T, class Fn>
  void keyed(const Field& section, const std::array<std::string_view, N>& keys, std::array<T, N>& out,
             std::string_view what, Fn&& each) {
    auto fields = r_.mapping(section, keys, what);
    if (!fields) return;
    for (const auto& f : fields->entries) {
      const auto i =
          static_cast<std::size_t>(std::find(keys.begin(), keys.end(), f.key.Scalar()) - keys.begin());
      each(f, out[i]);
    }
  }

  void device_cost(const Field& f, DeviceCostOverride& d) {
    auto fields = r_.mapping(f, kDeviceCostKeys, "a device cost mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      if (c.key.Scalar() == "fixed")
        duration(c, d.fixed);
      else
        duration(c, d.per_byte);
    }
  }

  void link_cost(const Field& f, LinkCostOverride& l) {
    auto fields = r_.mapping(f, kLinkCostKeys, "a link mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      if (c.key.Scalar() == "rate") {
        rate(c, l.rate);
      } else if (c.key.Scalar() == "delay") {
        duration(c, l.delay);
      } else if (auto n = r_.whole_number(c, 1, 1u << 24)) {
        l.queue_packets = static_cast<std::uint32_t>(*n);
      }
    }
  }

  void lookup(const Field& f, CostOverrides& p) {
    auto fields = r_.mapping(f, kLookupKeys, "the routeLookup mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const std::string& k = c.key.Scalar();
      if (k == "model") {
        if (auto m = r_.choice<LookupCostModel>(c, kLookupModels)) p.lookup_model = *m;
      } else {
        auto& target = k == "constant" ? p.lookup_constant : p.lookup_per_work;
        keyed(c, kTableKeys, target, "a mapping of tables (pod, node, azure) to durations",
              [&](const Field& t, std::optional<sim::Time>& out) { duration(t, out); });
      }
    }
  }

  void netfilter(const Field& f, CostOverrides& p) {
    auto fields = r_.mapping(f, kNetfilterKeys, "the netfilter mapping");
    if (!fields) return;
    std::optional<sim::Time>* targets[] = {&p.conntrack_lookup, &p.conntrack_create, &p.nat_rewrite, &p.iptables_per_rule,
                            &p.service_map_lookup, &p.bridge_hooks, &p.ipset_lookup, &p.policy_map_lookup,
                            &p.bpf_conntrack_lookup};
    for (const auto& c : fields->entries) {
      const auto i =
          std::find(kNetfilterKeys.begin(), kNetfilterKeys.end(), c.key.Scalar()) - kNetfilterKeys.begin();
      duration(c, *targets[i]);
    }
  }

  void conntrack(const Field& f, CostOverrides& p) {
    auto fields = r_.mapping(f, kConntrackKeys, "the conntrack mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const std::string& k = c.key.Scalar();
      if (k == "maxPerCore") {
        // kube-proxy's 0 ("leave the kernel's limit alone") is not modelled: the kernel's own default
        // depends on the node's memory.
        if (auto n = r_.whole_number(c, 1, 1u << 30)) p.conntrack_max_per_core = static_cast<std::uint32_t>(*n);
      } else if (k == "min") {
        if (auto n = r_.whole_number(c, 1, 1u << 30)) p.conntrack_min = static_cast<std::uint32_t>(*n);
      } else {
        const auto i = static_cast<std::size_t>(
            std::find(kConntrackTimeoutKeys.begin(), kConntrackTimeoutKeys.end(), k) - kConntrackTimeoutKeys.begin());
        const auto t = read_duration(r_, c);
        if (t && *t == sim::Time::zero()) {
          r_.error(c.path, r_.mark_of(c), "a conntrack timeout of 0 would forget every connection at once",
                   "a duration more than 0 such as 120s", "in costs, leave the key out to keep the profile's value (Linux's default in aks-accelerated)");
        } else if (t) {
          p.conntrack_timeouts[i] = *t;
        }
      }
    }
  }

  void tcp(const Field& f, TcpOverrides& t) {
    auto fields = r_.mapping(f, kTcpKeys, "the tcp mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const std::string& k = c.key.Scalar();
      const auto whole = [&](std::optional<std::uint32_t>& out, std::uint64_t lo, std::uint64_t hi) {
        if (auto n = r_.whole_number(c, lo, hi)) out = static_cast<std::uint32_t>(*n);
      };
      const auto time = [&](std::optional<sim::Time>& out) {
        const auto v = read_duration(r_, c);
        if (v && *v == sim::Time::zero()) {
          r_.error(c.path, r_.mark_of(c), "a TCP timer of 0 would fire at once, forever", "a duration more than 0",
                   "leave the key out to keep Linux's default (docs/transport.md lists them)");
        } else if (v) {
          out = *v;
        }
      };
      const auto fraction = [&](std::optional<double>& out) {
        if (const auto v = r_.number_between(c, 0, k == "cubicBeta" ? 1 : 100)) out = *v;
      };
      if (k == "mtu") whole(t.mtu, 576, 9216);
      else if (k == "initialWindow") whole(t.initial_cwnd, 1, 1000);
      else if (k == "receiveWindow") whole(t.receive_window, 1024, 1u << 30);
      else if (k == "sendBuffer") whole(t.send_buffer, 4096, 1u << 30);
      else if (k == "congestionControl") t.congestion = r_.choice<transport::CongestionKind>(c, kCongestionControls);
      else if (k == "rtoInitial") time(t.rto_initial);
      else if (k == "rtoMin") time(t.rto_min);
      else if (k == "rtoMax") time(t.rto_max);
      else if (k == "dupackThreshold") whole(t.dupack_threshold, 1, 1000);
      else if (k == "synRetries") whole(t.syn_retries, 0, 127);
      else if (k == "retries") whole(t.retries, 0, 255);
      else if (k == "delayedAckMin") time(t.ato_min);
      else if (k == "delayedAckMax") time(t.delack_max);
      else if (k == "maxQuickAcks") whole(t.max_quickacks, 0, 255);
      else if (k == "pingpongThreshold") whole(t.pingpong_threshold, 1, 255);
      else if (k == "slowStartAfterIdle") t.slow_start_after_idle = r_.flag(c);
      else if (k == "timeWait") time(t.time_wait);
      else if (k == "gso") t.gso = r_.flag(c);
      else if (k == "gsoMaxBytes") whole(t.gso_max_bytes, 4096, 65536);
      else if (k == "cubicBeta") fraction(t.cubic_beta);
      else fraction(t.cubic_c);
    }
  }

  void dns(const Field& f, DnsOverrides& d) {
    auto fields = r_.mapping(f, kDnsKeys, "the dns mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const std::string& k = c.key.Scalar();
      if (k == "resolverAttempts") {
        // glibc caps attempts at RES_MAXRETRY, 5 (resolv.conf(5)).
        if (auto n = r_.whole_number(c, 1, 5)) d.resolver_attempts = static_cast<std::uint32_t>(*n);
        continue;
      }
      if (k == "conntrackRace") {  // a chance below 1; 0 (the default) turns it off
        if (c.value.IsScalar() && c.value.Scalar() == "0") {
          d.conntrack_race = 0.0;
        } else if (auto v = r_.number_between(c, 0, 1)) {
          d.conntrack_race = *v;
        }
        continue;
      }
      const auto v = read_duration(r_, c);
      if (!v) continue;
      if ((k == "cacheTtl" || k == "resolverTimeout" || k == "nodeLocalDenialTtl") && *v == sim::Time::zero()) {
        r_.error(c.path, r_.mark_of(c), k != "resolverTimeout" ? "a cache TTL of 0: CoreDNS's cache plugin takes at least 1 s"
                                                         : "a resolver timeout of 0 would send every query again at once",
                 "a duration more than 0", "leave the key out to keep the default (docs/dns.md lists them)");
        continue;
      }
      if (k == "corednsServe") d.coredns_serve = *v;
      else if (k == "upstream") d.upstream = *v;
      else if (k == "cacheTtl") d.cache_ttl = *v;
      else if (k == "nodeLocalDenialTtl") d.node_local_denial_ttl = *v;
      else d.resolver_timeout = *v;
    }
  }

  void sockets(const Field& f, SocketOverrides& s) {
    auto fields = r_.mapping(f, kSocketKeys, "the sockets mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const auto v = read_duration(r_, c);
      if (!v) continue;
      (c.key.Scalar() == "connect" ? s.connect : s.accept) = *v;
    }
  }

  void egress(const Field& f, EgressOverrides& e) {
    auto fields = r_.mapping(f, kEgressKeys, "the egress mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      if (const auto v = read_duration(r_, c)) e.port_hold_after_close = *v;
    }
  }

  // The sections a profile and a `costs` override share.
  void section(const Field& f, CostOverrides& p) {
    const std::string& k = f.key.Scalar();
    if (k == "devices") {
      keyed(f, kDeviceKeys, p.devices, "a mapping of device kinds",
            [&](const Field& d, DeviceCostOverride& out) { device_cost(d, out); });
    } else if (k == "links") {
      keyed(f, kLinkKeys, p.links, "a mapping of link kinds",
            [&](const Field& l, LinkCostOverride& out) { link_cost(l, out); });
    } else if (k == "routeLookup") {
      lookup(f, p);
    } else if (k == "netfilter") {
      netfilter(f, p);
    } else if (k == "conntrack") {
      conntrack(f, p);
    } else if (k == "ttl") {
      if (auto n = r_.whole_number(f, 1, 255)) p.initial_ttl = static_cast<std::uint32_t>(*n);
    } else if (k == "maxReceiveQueues") {
      if (auto n = r_.whole_number(f, 1, 64)) p.max_receive_queues = static_cast<std::uint32_t>(*n);
    } else if (k == "tcp") {
      tcp(f, p.tcp);
    } else if (k == "dns") {
      dns(f, p.dns);
    } else if (k == "sockets") {
      sockets(f, p.sockets);
    } else if (k == "egress") {
      egress(f, p.egress);
    }
  }

 private:
  FieldReader& r_;
};

// Calls fn(path, given) for every number of a profile: what a complete profile must give.
template <class Fn>
void each_leaf(const CostOverrides& o, Fn&& fn) {
  fn("ttl", o.initial_ttl.has_value());
  fn("routeLookup.model", o.lookup_model.has_value());
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    const std::string d = "devices." + std::string(kDeviceKeys[i]) + ".";
    fn(d + "fixed", o.devices[i].fixed.has_value());
    fn(d + "perByte", o.devices[i].per_byte.has_value());
  }
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    const std::string l = "links." + std::string(kLinkKeys[i]) + ".";
    fn(l + "rate", o.links[i].rate.has_value());
    fn(l + "delay", o.links[i].delay.has_value());
    fn(l + "queuePackets", o.links[i].queue_packets.has_value());
  }
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    fn("routeLookup.constant." + std::string(kTableKeys[t]), o.lookup_constant[t].has_value());
    fn("routeLookup.perWork." + std::string(kTableKeys[t]), o.lookup_per_work[t].has_value());
  }
  const std::optional<sim::Time>* netfilter[] = {&o.conntrack_lookup, &o.conntrack_create, &o.nat_rewrite,
                                                 &o.iptables_per_rule, &o.service_map_lookup,
                                                 &o.bridge_hooks, &o.ipset_lookup, &o.policy_map_lookup,
                                                 &o.bpf_conntrack_lookup};
  for (std::size_t i = 0; i < kNetfilterKeys.size(); ++i) {
    fn("netfilter." + std::string(kNetfilterKeys[i]), netfilter[i]->has_value());
  }
  for (std::size_t i = 0; i < kConntrackTimeoutKeys.size(); ++i) {
    fn("conntrack." + std::string(kConntrackTimeoutKeys[i]), o.conntrack_timeouts[i].has_value());
  }
  fn("conntrack.maxPerCore", o.conntrack_max_per_core.has_value());
  fn("conntrack.min", o.conntrack_min.has_value());
  fn("maxReceiveQueues", o.max_receive_queues.has_value());
}

// `measured: [devices.bridge.fixed, ...]`: each a leaf path of a number that prices work.
void read_measured(FieldReader& reader, const Field& f, CostProfile& p) {
  auto items = reader.list(f, "leaf paths of measured numbers, such as devices.bridge.fixed");
  if (!items) return;
  CostProfile scratch;
  std::vector<std::string> known;
  for (const auto& k : cost_knobs(scratch)) known.push_back(k.path);
  const std::vector<std::string_view> views(known.begin(), known.end());
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Field item{item_path(f.path, i), f.key, (*items)[i]};
    auto path = reader.text(item, "a leaf path such as devices.bridge.fixed");
    if (!path) continue;
    if (std::find(known.begin(), known.end(), *path) == known.end()) {
      const auto close = closest_match(*path, views);
      reader.error(item.path, reader.mark_of(item), "not a number of the profile that prices work: " + FieldReader::quoted(*path),
                   "a leaf path such as devices.bridge.fixed, links.nicToVnet.delay or netfilter.conntrackLookup",
                   close ? "did you mean '" + *close + "'?" : "write the path of a device, link, routeLookup or netfilter number");
      continue;
    }
    if (!p.is_measured(*path)) p.measured.push_back(*path);
  }
}

// Reads a profile document; a complete profile when every number is given (else diagnostics).
CostProfile parse_profile(const YAML::Node& root, const std::string& file, DiagnosticSink& sink) {
  ScenarioSpec marks;  // FieldReader records marks here; only the file name matters
  marks.sourceFile = file;
  FieldReader reader(marks, sink);
  ProfileReader pr(reader);
  CostProfile p;
  p.source = file;
  CostOverrides values;
  bool named = false;
  auto fields = reader.mapping(root, "", reader.mark_of(root), kProfileKeys, "a cost profile mapping");
  if (!fields) return p;
  for (const auto& f : fields->entries) {
    if (f.key.Scalar() == "name") {
      if (auto n = reader.text(f, "the profile's name")) p.name = *n, named = true;
    } else if (f.key.Scalar() == "measured") {
      read_measured(reader, f, p);
    } else {
      pr.section(f, values);
    }
  }
  // One diagnostic for all that is missing (a profile missing everything would otherwise bury the rest).
  std::vector<std::string> missing;
  const auto note = [&](const std::string& leaf, bool given) {
    if (!given && sink.usable(leaf)) missing.push_back(leaf);
  };
  note("name", named);
  each_leaf(values, note);
  if (!missing.empty()) {
    std::string list;
    constexpr std::size_t kShown = 6;
    for (std::size_t i = 1; i < missing.size() && i <= kShown; ++i) list.append(i > 1 ? ", " : "").append(missing[i]);
    std::string message = "missing " + missing.front();
    if (missing.size() > 1) {
      message += " and " + std::to_string(missing.size() - 1) + " more number" + (missing.size() > 2 ? "s" : "") +
                 " (" + list + (missing.size() - 1 > kShown ? ", ..." : "") + ")";
    }
    reader.error(missing.front(), reader.mark_of(root), message, "every cost of every device and link in a profile",
                 "a profile is complete on purpose: each number needs its source; copy the entries from "
                 "aks-accelerated.yaml");
  }
  apply(values, p);
  return p;
}

bool looks_like_path(std::string_view s) {
  return s.find('/') != std::string_view::npos || s.ends_with(".yaml");
}

// Reads and parses a profile file through the input guard; diagnostics into sink. `named_at`: where
// the profile was named (costs.profile), for a file that cannot be read.
std::optional<CostProfile> read_profile(const std::string& path, DiagnosticSink& sink, const Diagnostic* named_at) {
  const InputLimits limits;
  const auto text = read_input_file(path, limits, kProfileInput, sink, named_at);
  if (!text) return std::nullopt;
  const auto root = parse_guarded_yaml(*text, path, limits, kProfileInput, sink);
  if (!root) return std::nullopt;
  const std::size_t before = sink.size();
  CostProfile p = parse_profile(*root, path, sink);
  if (sink.size() != before) return std::nullopt;
  return p;
}

// The scenario's own numbers on top of the base profile just read.
void apply_scenario_overrides(CostsSpec& costs) {
  if (costs.overrides.empty()) return;
  apply(costs.overrides, costs.profile);
  costs.profile.name += " (with the scenario's costs)";
}

}  // namespace

std::string_view to_string(LookupCostModel model) {
  for (const auto& m : kLookupModels) {
    if (m.value == model) return m.name;
  }
  return "?";
}

std::string default_profile_dir() { return CNISIM_PROFILE_DIR; }

bool CostProfile::is_measured(std::string_view path) const {
  return std::find(measured.begin(), measured.end(), path) != measured.end();
}

std::vector<CostKnob> cost_knobs(CostProfile& p) {
  std::vector<CostKnob> out;
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    const std::string d = "devices." + std::string(kDeviceKeys[i]) + ".";
    out.push_back({d + "fixed", &p.devices[i].fixed, nullptr});
    out.push_back({d + "perByte", &p.devices[i].per_byte, nullptr});
  }
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    const std::string l = "links." + std::string(kLinkKeys[i]) + ".";
    out.push_back({l + "rate", nullptr, &p.links[i].rate});
    out.push_back({l + "delay", &p.links[i].delay, nullptr});
  }
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    out.push_back({"routeLookup.constant." + std::string(kTableKeys[t]), &p.lookup_constant[t], nullptr});
    out.push_back({"routeLookup.perWork." + std::string(kTableKeys[t]), &p.lookup_per_work[t], nullptr});
  }
  sim::Time* netfilter[] = {&p.conntrack_lookup, &p.conntrack_create, &p.nat_rewrite, &p.iptables_per_rule,
                            &p.service_map_lookup, &p.bridge_hooks, &p.ipset_lookup, &p.policy_map_lookup,
                            &p.bpf_conntrack_lookup};
  for (std::size_t i = 0; i < kNetfilterKeys.size(); ++i) {
    out.push_back({"netfilter." + std::string(kNetfilterKeys[i]), netfilter[i], nullptr});
  }
  out.push_back({"dns.corednsServe", &p.dns.coredns_serve, nullptr});
  out.push_back({"dns.upstream", &p.dns.upstream, nullptr});
  out.push_back({"sockets.connect", &p.sockets.connect, nullptr});
  out.push_back({"sockets.accept", &p.sockets.accept, nullptr});
  return out;
}

bool TcpOverrides::empty() const {
  return !(mtu || initial_cwnd || receive_window || send_buffer || dupack_threshold || syn_retries || retries ||
           max_quickacks || pingpong_threshold || congestion || rto_initial || rto_min || rto_max || ato_min ||
           delack_max || time_wait || slow_start_after_idle || cubic_beta || cubic_c || gso || gso_max_bytes);
}

bool CostOverrides::empty() const {
  bool any = false;
  each_leaf(*this, [&](const std::string&, bool given) { any = any || given; });
  return !any && tcp.empty() && dns.empty() && sockets.empty() && egress.empty();
}

namespace {
void apply_tcp(const TcpOverrides& o, transport::TcpConfig& t) {
  t.mtu = o.mtu.value_or(t.mtu);
  t.initial_cwnd = o.initial_cwnd.value_or(t.initial_cwnd);
  t.receive_window = o.receive_window.value_or(t.receive_window);
  t.send_buffer = o.send_buffer.value_or(t.send_buffer);
  t.congestion = o.congestion.value_or(t.congestion);
  t.dupack_threshold = o.dupack_threshold.value_or(t.dupack_threshold);
  t.syn_retries = o.syn_retries.value_or(t.syn_retries);
  t.retries = o.retries.value_or(t.retries);
  t.max_quickacks = o.max_quickacks.value_or(t.max_quickacks);
  t.pingpong_threshold = o.pingpong_threshold.value_or(t.pingpong_threshold);
  if (o.rto_initial) t.rto_initial_ps = o.rto_initial->ps();
  if (o.rto_min) t.rto_min_ps = o.rto_min->ps();
  if (o.rto_max) t.rto_max_ps = o.rto_max->ps();
  if (o.ato_min) t.ato_min_ps = o.ato_min->ps();
  if (o.delack_max) t.delack_max_ps = o.delack_max->ps();
  if (o.time_wait) t.time_wait_ps = o.time_wait->ps();
  t.slow_start_after_idle = o.slow_start_after_idle.value_or(t.slow_start_after_idle);
  t.cubic_beta = o.cubic_beta.value_or(t.cubic_beta);
  t.cubic_c = o.cubic_c.value_or(t.cubic_c);
  t.gso = o.gso.value_or(t.gso);
  t.gso_max_bytes = o.gso_max_bytes.value_or(t.gso_max_bytes);
}
}  // namespace

void apply(const CostOverrides& o, CostProfile& p) {
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    p.devices[i].fixed = o.devices[i].fixed.value_or(p.devices[i].fixed);
    p.devices[i].per_byte = o.devices[i].per_byte.value_or(p.devices[i].per_byte);
  }
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    p.links[i].rate = o.links[i].rate.value_or(p.links[i].rate);
    p.links[i].delay = o.links[i].delay.value_or(p.links[i].delay);
    p.links[i].queue_packets = o.links[i].queue_packets.value_or(p.links[i].queue_packets);
  }
  p.lookup_model = o.lookup_model.value_or(p.lookup_model);
  for (std::size_t t = 0; t < kTableKindCount; ++t) {
    p.lookup_constant[t] = o.lookup_constant[t].value_or(p.lookup_constant[t]);
    p.lookup_per_work[t] = o.lookup_per_work[t].value_or(p.lookup_per_work[t]);
  }
  p.conntrack_lookup = o.conntrack_lookup.value_or(p.conntrack_lookup);
  p.conntrack_create = o.conntrack_create.value_or(p.conntrack_create);
  p.nat_rewrite = o.nat_rewrite.value_or(p.nat_rewrite);
  p.iptables_per_rule = o.iptables_per_rule.value_or(p.iptables_per_rule);
  p.service_map_lookup = o.service_map_lookup.value_or(p.service_map_lookup);
  p.bridge_hooks = o.bridge_hooks.value_or(p.bridge_hooks);
  p.ipset_lookup = o.ipset_lookup.value_or(p.ipset_lookup);
  p.policy_map_lookup = o.policy_map_lookup.value_or(p.policy_map_lookup);
  p.bpf_conntrack_lookup = o.bpf_conntrack_lookup.value_or(p.bpf_conntrack_lookup);
  p.initial_ttl = o.initial_ttl.value_or(p.initial_ttl);
  p.max_receive_queues = o.max_receive_queues.value_or(p.max_receive_queues);
  const auto timeouts = conntrack_timeouts(p.conntrack);
  for (std::size_t i = 0; i < timeouts.size(); ++i) *timeouts[i] = o.conntrack_timeouts[i].value_or(*timeouts[i]);
  p.conntrack.max_per_core = o.conntrack_max_per_core.value_or(p.conntrack.max_per_core);
  p.conntrack.min = o.conntrack_min.value_or(p.conntrack.min);
  apply_tcp(o.tcp, p.tcp);
  p.dns.coredns_serve = o.dns.coredns_serve.value_or(p.dns.coredns_serve);
  p.dns.upstream = o.dns.upstream.value_or(p.dns.upstream);
  p.dns.cache_ttl = o.dns.cache_ttl.value_or(p.dns.cache_ttl);
  p.dns.resolver_timeout = o.dns.resolver_timeout.value_or(p.dns.resolver_timeout);
  p.dns.resolver_attempts = o.dns.resolver_attempts.value_or(p.dns.resolver_attempts);
  p.dns.conntrack_race = o.dns.conntrack_race.value_or(p.dns.conntrack_race);
  p.dns.node_local_denial_ttl = o.dns.node_local_denial_ttl.value_or(p.dns.node_local_denial_ttl);
  p.sockets.connect = o.sockets.connect.value_or(p.sockets.connect);
  p.sockets.accept = o.sockets.accept.value_or(p.sockets.accept);
  p.egress.port_hold_after_close = o.egress.port_hold_after_close.value_or(p.egress.port_hold_after_close);
}

std::string profile_path(const std::string& name_or_path, const std::string& relative_to) {
  if (!looks_like_path(name_or_path)) return default_profile_dir() + "/" + name_or_path + ".yaml";
  if (relative_to.empty() || std::filesystem::path(name_or_path).is_absolute()) return name_or_path;
  return (std::filesystem::path(relative_to) / name_or_path).string();
}

CostProfile load_profile_string(std::string_view yaml, const std::string& name) {
  DiagnosticSink sink;
  const InputLimits limits;
  if (const auto root = parse_guarded_yaml(yaml, name, limits, kProfileInput, sink)) {
    CostProfile p = parse_profile(*root, name, sink);
    sink.throw_if_any();
    return p;
  }
  sink.throw_if_any();
  return {};
}

CostProfile load_profile(const std::string& name_or_path) {
  DiagnosticSink sink;
  auto p = read_profile(profile_path(name_or_path), sink, nullptr);
  sink.throw_if_any();
  return *p;
}

void parse_costs(FieldReader& r, const Field& field) {
  CostsSpec& costs = r.spec().costs;
  auto fields = r.mapping(field, kCostsKeys, "the costs mapping");
  if (!fields) return;
  ProfileReader pr(r);
  for (const auto& f : fields->entries) {
    if (f.key.Scalar() == "profile") {
      if (auto t = r.text(f, "a profile name (aks-accelerated) or the path of a profile .yaml file")) costs.base = *t;
    } else {
      pr.section(f, costs.overrides);
    }
  }
}

void resolve_costs(FieldReader& r) {
  ScenarioSpec& spec = r.spec();
  if (!r.sink().usable("costs.profile")) return;
  CostsSpec& costs = spec.costs;
  const std::string dir = std::filesystem::path(spec.sourceFile).parent_path().string();
  costs.base_path = profile_path(costs.base, dir);
  Diagnostic named_at = spec.diagnostic("costs.profile", "", "", "");
  std::string shipped;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(default_profile_dir(), ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) shipped.append(shipped.empty() ? "" : ", ").append(n);
  named_at.hint = "name a shipped profile (" + shipped + ") or give a path ending in .yaml (relative paths are "
                  "taken from the scenario's folder)";
  if (auto p = read_profile(costs.base_path, r.sink(), &named_at)) {
    costs.profile = std::move(*p);
    apply_scenario_overrides(costs);
  }
}

void use_profile(ScenarioSpec& spec, const std::string& name_or_path) {
  CostsSpec& costs = spec.costs;
  costs.base = name_or_path;
  costs.base_path = profile_path(name_or_path);
  costs.profile = load_profile(name_or_path);
  apply_scenario_overrides(costs);
}

std::string format_profile(const CostProfile& p) { return format_profile(p, {}, {}); }

std::string format_profile(const CostProfile& p, const std::string& header,
                           const std::map<std::string, std::string>& comments) {
  YAML::Emitter out;
  const auto note = [&](const std::string& path) {
    if (const auto it = comments.find(path); it != comments.end()) out << YAML::Comment(it->second);
  };
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << p.name;
  out << YAML::Key << "devices" << YAML::Value << YAML::BeginMap;
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    out << YAML::Key << std::string(kDeviceKeys[i]) << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "fixed" << YAML::Value << format_duration(p.devices[i].fixed);
    out << YAML::Key << "perByte" << YAML::Value << format_duration(p.devices[i].per_byte) << YAML::EndMap;
    note("devices." + std::string(kDeviceKeys[i]));
  }
  out << YAML::EndMap << YAML::Key << "links" << YAML::Value << YAML::BeginMap;
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    out << YAML::Key << std::string(kLinkKeys[i]) << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "rate" << YAML::Value << format_rate(p.links[i].rate);
    out << YAML::Key << "delay" << YAML::Value << format_duration(p.links[i].delay);
    out << YAML::Key << "queuePackets" << YAML::Value << p.links[i].queue_packets << YAML::EndMap;
    note("links." + std::string(kLinkKeys[i]));
  }
  out << YAML::EndMap << YAML::Key << "routeLookup" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "model" << YAML::Value << std::string(to_string(p.lookup_model));
  for (int which = 0; which < 2; ++which) {
    const auto& costs = which == 0 ? p.lookup_constant : p.lookup_per_work;
    const std::string key = which == 0 ? "constant" : "perWork";
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (std::size_t t = 0; t < kTableKindCount; ++t) {
      out << YAML::Key << std::string(kTableKeys[t]) << YAML::Value << format_duration(costs[t]);
    }
    out << YAML::EndMap;
    note("routeLookup." + key);
  }
  out << YAML::EndMap << YAML::Key << "netfilter" << YAML::Value << YAML::BeginMap;
  const sim::Time values[] = {p.conntrack_lookup, p.conntrack_create, p.nat_rewrite, p.iptables_per_rule,
                              p.service_map_lookup, p.bridge_hooks,   p.ipset_lookup, p.policy_map_lookup,
                              p.bpf_conntrack_lookup};
  for (std::size_t i = 0; i < kNetfilterKeys.size(); ++i) {
    out << YAML::Key << std::string(kNetfilterKeys[i]) << YAML::Value << format_duration(values[i]);
    note("netfilter." + std::string(kNetfilterKeys[i]));
  }
  out << YAML::EndMap << YAML::Key << "conntrack" << YAML::Value << YAML::BeginMap;
  ConntrackSettings conntrack = p.conntrack;
  const auto timeouts = conntrack_timeouts(conntrack);
  for (std::size_t i = 0; i < timeouts.size(); ++i) {
    out << YAML::Key << std::string(kConntrackTimeoutKeys[i]) << YAML::Value << format_duration(*timeouts[i]);
  }
  out << YAML::Key << "maxPerCore" << YAML::Value << p.conntrack.max_per_core;
  out << YAML::Key << "min" << YAML::Value << p.conntrack.min;
  out << YAML::EndMap << YAML::Key << "ttl" << YAML::Value << p.initial_ttl;
  out << YAML::Key << "maxReceiveQueues" << YAML::Value << p.max_receive_queues;
  // TCP: every number, Linux's defaults unless the profile or the scenario set them.
  const transport::TcpConfig& t = p.tcp;
  out << YAML::Key << "tcp" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "mtu" << YAML::Value << t.mtu << YAML::Key << "initialWindow" << YAML::Value << t.initial_cwnd;
  out << YAML::Key << "receiveWindow" << YAML::Value << t.receive_window << YAML::Key << "sendBuffer" << YAML::Value << t.send_buffer;
  for (const auto& cc : kCongestionControls) {
    if (cc.value == t.congestion) out << YAML::Key << "congestionControl" << YAML::Value << std::string(cc.name);
  }
  out << YAML::Key << "rtoInitial" << YAML::Value << format_duration(sim::ps(t.rto_initial_ps));
  out << YAML::Key << "rtoMin" << YAML::Value << format_duration(sim::ps(t.rto_min_ps));
  out << YAML::Key << "rtoMax" << YAML::Value << format_duration(sim::ps(t.rto_max_ps));
  out << YAML::Key << "dupackThreshold" << YAML::Value << t.dupack_threshold;
  out << YAML::Key << "synRetries" << YAML::Value << t.syn_retries << YAML::Key << "retries" << YAML::Value << t.retries;
  out << YAML::Key << "delayedAckMin" << YAML::Value << format_duration(sim::ps(t.ato_min_ps));
  out << YAML::Key << "delayedAckMax" << YAML::Value << format_duration(sim::ps(t.delack_max_ps));
  out << YAML::Key << "maxQuickAcks" << YAML::Value << t.max_quickacks;
  out << YAML::Key << "pingpongThreshold" << YAML::Value << t.pingpong_threshold;
  out << YAML::Key << "slowStartAfterIdle" << YAML::Value << t.slow_start_after_idle;
  out << YAML::Key << "timeWait" << YAML::Value << format_duration(sim::ps(t.time_wait_ps));
  const auto shortest = [](double v) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc() ? end : buf);
  };
  out << YAML::Key << "cubicBeta" << YAML::Value << shortest(t.cubic_beta) << YAML::Key << "cubicC" << YAML::Value
      << shortest(t.cubic_c);
  out << YAML::Key << "gso" << YAML::Value << t.gso << YAML::Key << "gsoMaxBytes" << YAML::Value << t.gso_max_bytes;
  out << YAML::EndMap;
  // Name resolution: the defaults (models/scenario/cost_profile.hpp) unless the profile or the scenario set them.
  out << YAML::Key << "dns" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "corednsServe" << YAML::Value << format_duration(p.dns.coredns_serve);
  out << YAML::Key << "upstream" << YAML::Value << format_duration(p.dns.upstream);
  out << YAML::Key << "cacheTtl" << YAML::Value << format_duration(p.dns.cache_ttl);
  out << YAML::Key << "resolverTimeout" << YAML::Value << format_duration(p.dns.resolver_timeout);
  out << YAML::Key << "resolverAttempts" << YAML::Value << p.dns.resolver_attempts;
  out << YAML::Key << "conntrackRace" << YAML::Value << shortest(p.dns.conntrack_race);
  out << YAML::Key << "nodeLocalDenialTtl" << YAML::Value << format_duration(p.dns.node_local_denial_ttl);
  out << YAML::EndMap;
  // Opening a connection, beyond its segments: the defaults unless the profile or the scenario set them.
  out << YAML::Key << "sockets" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "connect" << YAML::Value << format_duration(p.sockets.connect);
  note("sockets.connect");
  out << YAML::Key << "accept" << YAML::Value << format_duration(p.sockets.accept);
  note("sockets.accept");
  out << YAML::EndMap;
  // What the egress devices do with a closed connection's SNAT port: the default unless set.
  out << YAML::Key << "egress" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "portHoldAfterClose" << YAML::Value << format_duration(p.egress.port_hold_after_close);
  out << YAML::EndMap;
  out << YAML::Key << "measured" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& m : p.measured) out << m;
  out << YAML::EndSeq << YAML::EndMap;
  std::string text;
  std::size_t from = 0;
  while (from < header.size()) {
    const auto nl = header.find('\n', from);
    const auto line = header.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
    text += line.empty() ? "#\n" : "# " + line + "\n";
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  return text + out.c_str() + "\n";
}

}  // namespace cnisim::scenario
