// Reading cost profiles and a scenario's `costs` overrides with the scenario loader's FieldReader, so
// that unknown keys, wrong types and bad quantities get the same file:line:col diagnostics.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "models/cluster/field_reader.hpp"
#include "models/dataplane/cost_profile.hpp"
#include "models/dataplane/quantity.hpp"
#include "models/dataplane/quantity_reader.hpp"

namespace cnisim::dataplane {
namespace {

using cluster::Field;
using cluster::FieldReader;

// YAML keys, indexed by cluster::DeviceKind / LinkKind / TableKind.
constexpr std::array<std::string_view, kDeviceKindCount> kDeviceKeys{
    "podNamespace", "vethPodEnd", "vethHostEnd", "bridge",      "nodeStack",
    "nic",          "vnetRouter", "externalVm",  "internetHost"};
constexpr std::array<std::string_view, kLinkKindCount> kLinkKeys{"podInterface", "vethPair",    "bridgePort",
                                                                 "bridgeToHost", "hostRouted",  "nodeNic",
                                                                 "nicToVnet",    "vnetExternal"};
constexpr std::array<std::string_view, kTableKindCount> kTableKeys{"pod", "node", "azure"};
constexpr std::array<std::string_view, 2> kDeviceCostKeys{"fixed", "perByte"};
constexpr std::array<std::string_view, 3> kLinkCostKeys{"rate", "delay", "queuePackets"};
constexpr std::array<std::string_view, 3> kLookupKeys{"model", "constant", "perWork"};
constexpr std::array<std::string_view, 5> kNetfilterKeys{"conntrackLookup", "conntrackCreate", "natRewrite",
                                                         "iptablesPerRule", "serviceMapLookup"};
constexpr std::array<std::string_view, 6> kProfileKeys{"name",        "devices",   "links",
                                                       "routeLookup", "netfilter", "ttl"};
constexpr std::array<std::string_view, 6> kCostsKeys{"profile",     "devices",   "links",
                                                     "routeLookup", "netfilter", "ttl"};
constexpr cluster::NamedValue<LookupCostModel> kLookupModels[] = {
    {LookupCostModel::Constant, "constant"},
    {LookupCostModel::Proportional, "proportional"},
    {LookupCostModel::Measured, "measured"}};

// Applies a mapping onto a profile, recording every leaf it set in `set`.
class ProfileReader {
 public:
  ProfileReader(FieldReader& reader, std::set<std::string>& set) : r_(reader), set_(set) {}

  void duration(const Field& f, sim::Time& out) {
    if (auto t = read_duration(r_, f)) {
      out = *t;
      set_.insert(f.path);
    }
  }

  void rate(const Field& f, sim::DataRate& out) {
    if (auto v = read_rate(r_, f)) {
      out = *v;
      set_.insert(f.path);
    }
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

  void device_cost(const Field& f, DeviceCost& d) {
    auto fields = r_.mapping(f, kDeviceCostKeys, "a device cost mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      if (c.key.Scalar() == "fixed")
        duration(c, d.fixed);
      else
        duration(c, d.per_byte);
    }
  }

  void link_cost(const Field& f, LinkCost& l) {
    auto fields = r_.mapping(f, kLinkCostKeys, "a link mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      if (c.key.Scalar() == "rate") {
        rate(c, l.rate);
      } else if (c.key.Scalar() == "delay") {
        duration(c, l.delay);
      } else if (auto n = r_.whole_number(c, 1, 1u << 24)) {
        l.queue_packets = static_cast<std::uint32_t>(*n);
        set_.insert(c.path);
      }
    }
  }

  void lookup(const Field& f, CostProfile& p) {
    auto fields = r_.mapping(f, kLookupKeys, "the routeLookup mapping");
    if (!fields) return;
    for (const auto& c : fields->entries) {
      const std::string& k = c.key.Scalar();
      if (k == "model") {
        if (auto m = r_.choice<LookupCostModel>(c, kLookupModels)) {
          p.lookup_model = *m;
          set_.insert(c.path);
        }
      } else {
        auto& target = k == "constant" ? p.lookup_constant : p.lookup_per_work;
        keyed(c, kTableKeys, target, "a mapping of tables (pod, node, azure) to durations",
              [&](const Field& t, sim::Time& out) { duration(t, out); });
      }
    }
  }

  void netfilter(const Field& f, CostProfile& p) {
    auto fields = r_.mapping(f, kNetfilterKeys, "the netfilter mapping");
    if (!fields) return;
    sim::Time* targets[] = {&p.conntrack_lookup, &p.conntrack_create, &p.nat_rewrite, &p.iptables_per_rule,
                            &p.service_map_lookup};
    for (const auto& c : fields->entries) {
      const auto i =
          std::find(kNetfilterKeys.begin(), kNetfilterKeys.end(), c.key.Scalar()) - kNetfilterKeys.begin();
      duration(c, *targets[i]);
    }
  }

  // The sections a profile and a `costs` override share.
  void section(const Field& f, CostProfile& p) {
    const std::string& k = f.key.Scalar();
    if (k == "devices") {
      keyed(f, kDeviceKeys, p.devices, "a mapping of device kinds",
            [&](const Field& d, DeviceCost& out) { device_cost(d, out); });
    } else if (k == "links") {
      keyed(f, kLinkKeys, p.links, "a mapping of link kinds",
            [&](const Field& l, LinkCost& out) { link_cost(l, out); });
    } else if (k == "routeLookup") {
      lookup(f, p);
    } else if (k == "netfilter") {
      netfilter(f, p);
    } else if (k == "ttl") {
      if (auto n = r_.whole_number(f, 1, 255)) {
        p.initial_ttl = static_cast<std::uint32_t>(*n);
        set_.insert(f.path);
      }
    }
  }

 private:
  FieldReader& r_;
  std::set<std::string>& set_;
};

// Every leaf a complete profile must give, as field paths under `prefix`.
std::vector<std::string> required_leaves() {
  std::vector<std::string> out{"name", "ttl", "routeLookup.model"};
  for (auto d : kDeviceKeys) {
    for (auto k : kDeviceCostKeys) out.push_back("devices." + std::string(d) + "." + std::string(k));
  }
  for (auto l : kLinkKeys) {
    for (auto k : kLinkCostKeys) out.push_back("links." + std::string(l) + "." + std::string(k));
  }
  for (auto t : kTableKeys) {
    out.push_back("routeLookup.constant." + std::string(t));
    out.push_back("routeLookup.perWork." + std::string(t));
  }
  for (auto k : kNetfilterKeys) out.push_back("netfilter." + std::string(k));
  return out;
}

CostProfile parse_profile(const YAML::Node& root, const std::string& file) {
  cluster::ScenarioSpec marks;  // FieldReader records marks here; only the file name matters
  marks.sourceFile = file;
  cluster::DiagnosticSink sink;
  FieldReader reader(marks, sink);
  std::set<std::string> set;
  ProfileReader pr(reader, set);
  CostProfile p;
  p.source = file;
  if (auto fields = reader.mapping(root, "", reader.mark_of(root), kProfileKeys, "a cost profile mapping")) {
    for (const auto& f : fields->entries) {
      if (f.key.Scalar() == "name") {
        if (auto n = reader.text(f, "the profile's name")) {
          p.name = *n;
          set.insert("name");
        }
      } else {
        pr.section(f, p);
      }
    }
    for (const auto& leaf : required_leaves()) {
      if (set.count(leaf) || !sink.usable(leaf)) continue;
      reader.error(leaf, reader.mark_of(root), "missing " + leaf,
                   "every cost of every device and link in a profile",
                   "a profile is complete on purpose: each number needs its source; copy the entry from "
                   "aks-accelerated.yaml");
    }
  }
  sink.throw_if_any();
  return p;
}

YAML::Node parse_yaml(std::string_view text, const std::string& file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    cluster::Diagnostic d;
    d.file = file;
    d.line = e.mark.line + 1;
    d.column = e.mark.column + 1;
    d.message = "not valid YAML: " + e.msg;
    d.expected = "a YAML mapping";
    d.hint = "check the indentation around this line";
    throw cluster::ScenarioError({d});
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    cluster::Diagnostic d;
    d.file = path;
    d.message = "cannot read the cost profile";
    d.expected = "a profile name (" + std::string(kDefaultProfile) + ") or the path to a profile YAML file";
    d.hint = "shipped profiles are in " + default_profile_dir();
    throw cluster::ScenarioError({d});
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool looks_like_path(std::string_view s) {
  return s.find('/') != std::string_view::npos || s.ends_with(".yaml");
}

}  // namespace

std::string_view to_string(LookupCostModel model) {
  for (const auto& m : kLookupModels) {
    if (m.value == model) return m.name;
  }
  return "?";
}

std::string default_profile_dir() { return CNISIM_PROFILE_DIR; }

CostProfile load_profile_string(std::string_view yaml, const std::string& name) {
  return parse_profile(parse_yaml(yaml, name), name);
}

CostProfile load_profile(const std::string& name_or_path) {
  const std::string path =
      looks_like_path(name_or_path) ? name_or_path : default_profile_dir() + "/" + name_or_path + ".yaml";
  return load_profile_string(read_file(path), path);
}

CostProfile profile_for_scenario(const cluster::ScenarioSpec& spec) {
  const YAML::Node& costs = spec.costs;
  cluster::ScenarioSpec marks;
  marks.sourceFile = spec.sourceFile;
  cluster::DiagnosticSink sink;
  FieldReader reader(marks, sink);
  std::string base(kDefaultProfile);
  auto fields = reader.mapping(costs, "costs", reader.mark_of(costs), kCostsKeys, "the costs mapping");
  if (fields) {
    if (const Field* f = fields->find("profile")) {
      if (auto t = reader.text(*f, "a profile name or path")) {
        base = *t;
        if (looks_like_path(base) && !std::filesystem::path(base).is_absolute()) {
          base = (std::filesystem::path(spec.sourceFile).parent_path() / base).string();
        }
      }
    }
  }
  sink.throw_if_any();
  CostProfile p = load_profile(base);
  std::set<std::string> set;
  ProfileReader pr(reader, set);
  for (const auto& f : fields->entries) {
    if (f.key.Scalar() != "profile") pr.section(f, p);
  }
  sink.throw_if_any();
  if (!set.empty()) p.name += " (with the scenario's costs)";
  return p;
}

std::string format_profile(const CostProfile& p) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << p.name;
  out << YAML::Key << "devices" << YAML::Value << YAML::BeginMap;
  for (std::size_t i = 0; i < kDeviceKindCount; ++i) {
    out << YAML::Key << std::string(kDeviceKeys[i]) << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "fixed" << YAML::Value << format_duration(p.devices[i].fixed);
    out << YAML::Key << "perByte" << YAML::Value << format_duration(p.devices[i].per_byte) << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::Key << "links" << YAML::Value << YAML::BeginMap;
  for (std::size_t i = 0; i < kLinkKindCount; ++i) {
    out << YAML::Key << std::string(kLinkKeys[i]) << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "rate" << YAML::Value << format_rate(p.links[i].rate);
    out << YAML::Key << "delay" << YAML::Value << format_duration(p.links[i].delay);
    out << YAML::Key << "queuePackets" << YAML::Value << p.links[i].queue_packets << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::Key << "routeLookup" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "model" << YAML::Value << std::string(to_string(p.lookup_model));
  for (int which = 0; which < 2; ++which) {
    const auto& costs = which == 0 ? p.lookup_constant : p.lookup_per_work;
    out << YAML::Key << (which == 0 ? "constant" : "perWork") << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (std::size_t t = 0; t < kTableKindCount; ++t) {
      out << YAML::Key << std::string(kTableKeys[t]) << YAML::Value << format_duration(costs[t]);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::Key << "netfilter" << YAML::Value << YAML::BeginMap;
  const sim::Time values[] = {p.conntrack_lookup, p.conntrack_create, p.nat_rewrite, p.iptables_per_rule,
                              p.service_map_lookup};
  for (std::size_t i = 0; i < kNetfilterKeys.size(); ++i) {
    out << YAML::Key << std::string(kNetfilterKeys[i]) << YAML::Value << format_duration(values[i]);
  }
  out << YAML::EndMap << YAML::Key << "ttl" << YAML::Value << p.initial_ttl << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace cnisim::dataplane
