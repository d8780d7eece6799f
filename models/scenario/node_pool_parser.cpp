// One entry of nodePools.
#include <algorithm>
#include <charconv>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/k8s_names.hpp"
#include "models/scenario/section_parsers.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kPoolKeys[] = {"name",    "count",    "vmSize",           "osType",
                                          "mode",    "maxPods",  "maxSurge",         "availabilityZones"};

// availabilityZones: ARM's list of zone names, "1" to "3" (numbers accepted too), each once.
void parse_zones(FieldReader& r, const Field& f, std::vector<std::uint8_t>& out) {
  auto items = r.list(f, "a list of availability zones such as [\"1\", \"2\", \"3\"]");
  if (!items) return;
  if (items->empty()) {
    r.error(f.path, r.mark_of(f), "an empty list of availability zones",
            "one or more of \"1\", \"2\" and \"3\"", "leave availabilityZones out for a regional pool");
    return;
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string text = item.IsScalar() ? item.Scalar() : "";
    const std::string path = item_path(f.path, i);
    if (text != "1" && text != "2" && text != "3") {
      r.error(path, r.mark_of(item), "not an availability zone: " + FieldReader::quoted(text),
              "\"1\", \"2\" or \"3\" (Azure regions with zones have three)", "write e.g. availabilityZones: [\"1\", \"2\", \"3\"]");
      continue;
    }
    const auto zone = static_cast<std::uint8_t>(text[0] - '0');
    if (std::find(out.begin(), out.end(), zone) != out.end()) {
      r.error(path, r.mark_of(item), "zone " + text + " is listed twice", "each zone once", "remove the repeated zone");
      continue;
    }
    out.push_back(zone);
  }
  r.record(f.path, r.mark_of(f));
}

}  // namespace

void parse_pool(FieldReader& r, const YAML::Node& node, const std::string& path) {
  NodePoolSpec pool;
  pool.maxSurge = aks::kDefaultMaxSurge;
  auto fields = r.mapping(node, path, r.mark_of(node), kPoolKeys, "a node pool (a mapping)");
  if (!fields) {
    r.spec().nodePools.push_back(pool);
    return;
  }
  const Field* surge = nullptr;
  const Field* name = nullptr;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      name = &f;
      if (auto s = r.text(f, "the pool's name")) pool.name = *s;
    } else if (key == "count") {
      if (auto n = r.whole_number(f, 0, aks::kMaxNodesPerPool, "AKS allows 1000 nodes per pool")) {
        pool.count = static_cast<std::uint32_t>(*n);
      }
    } else if (key == "vmSize") {
      if (auto s = r.text(f, "an Azure VM size such as Standard_DS2_v2")) pool.vmSize = *s;
    } else if (key == "osType") {
      if (auto v = r.choice<OsType>(f, kOsTypeNames)) pool.osType = *v;
    } else if (key == "mode") {
      if (auto v = r.choice<PoolMode>(f, kPoolModeNames)) pool.mode = *v;
    } else if (key == "maxPods") {
      // The plugin's own range is checked by validation, which knows the plugin.
      if (auto n = r.whole_number(f, 0, 100000)) pool.maxPods = static_cast<std::uint32_t>(*n);
    } else if (key == "maxSurge") {
      surge = &f;
    } else if (key == "availabilityZones") {
      parse_zones(r, f, pool.availabilityZones);
    }
  }
  if (name == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a node pool needs a name",
            "name: a lowercase name such as nodepool1", "add 'name: ...' to this pool");
  } else if (r.spec().marks.count(name->path) != 0) {
    const std::size_t limit =
        pool.osType == OsType::Windows ? aks::kMaxWindowsNodePoolNameLength : aks::kMaxNodePoolNameLength;
    check_name(r, *name, pool.name, pool_name_problem(pool.name, limit),
               "a lowercase letter then lowercase letters or digits, at most " + std::to_string(limit) +
                   " characters" + (pool.osType == OsType::Windows ? " for a Windows pool" : ""),
               "AKS pool names look like 'nodepool1' (Windows: 'npwin')");
  }
  if (fields->find("count") == nullptr) {
    r.error(path + ".count", r.mark_of(node), "a node pool needs a node count",
            "count: a whole number from 0 to " + std::to_string(aks::kMaxNodesPerPool),
            "add 'count: 3' to this pool");
  }
  if (surge != nullptr) {
    // AKS takes a node count ("1") or a percentage of the pool ("33%", rounded up).
    const std::string text = surge->value.IsScalar() ? surge->value.Scalar() : "";
    if (!text.empty() && text.back() == '%') {
      unsigned percent = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, percent);
      if (ec == std::errc() && end == text.data() + text.size() - 1 && percent >= 1 && percent <= 100) {
        pool.maxSurge = static_cast<std::uint32_t>((std::uint64_t{pool.count} * percent + 99) / 100);
        r.record(surge->path, r.mark_of(*surge));
      } else {
        r.error(surge->path, r.mark_of(*surge), "not a valid percentage: " + FieldReader::quoted(text),
                "a node count such as 1, or a percentage from 1% to 100%", "write e.g. maxSurge: 33%");
      }
    } else if (auto n = r.whole_number(*surge, 0, aks::kMaxNodesPerPool)) {
      pool.maxSurge = static_cast<std::uint32_t>(*n);
    }
  }
  r.spec().nodePools.push_back(pool);
}

}  // namespace cnisim::scenario
