#include "models/workload/traffic_spec.hpp"

#include <array>
#include <string_view>

#include "models/cluster/field_reader.hpp"
#include "models/dataplane/quantity_reader.hpp"

namespace cnisim::workload {
namespace {

using cluster::Field;
using cluster::FieldReader;

constexpr std::array<std::string_view, 3> kTrafficKeys{"ping", "chatty", "bulk"};
constexpr std::array<std::string_view, 5> kPingKeys{"from", "to", "count", "interval", "size"};
constexpr std::array<std::string_view, 16> kChattyKeys{
    "name",       "clients",     "servers", "service",   "port",       "requestSize",          "responseSize",
    "chainDepth", "concurrency", "rate",    "thinkTime", "serverTime", "newConnectionPerCall", "chains",
    "duration",   "stopAfter"};
constexpr std::array<std::string_view, 6> kBulkKeys{"from", "to", "rate", "packetSize", "duration", "port"};
constexpr std::array<std::string_view, 5> kRunKeys{"seed", "duration", "plugin", "lookupCostModel",
                                                   "routeTable"};
constexpr cluster::NamedValue<cluster::PluginKind> kPlugins[] = {
    {cluster::PluginKind::Kubenet, "kubenet"},
    {cluster::PluginKind::AzureNodeSubnet, "azure"},
    {cluster::PluginKind::AzureOverlay, "overlay"},
    {cluster::PluginKind::Cilium, "cilium"},
    {cluster::PluginKind::None, "none"}};
constexpr cluster::NamedValue<dataplane::LookupCostModel> kModels[] = {
    {dataplane::LookupCostModel::Constant, "constant"},
    {dataplane::LookupCostModel::Proportional, "proportional"},
    {dataplane::LookupCostModel::Measured, "measured"}};
constexpr cluster::NamedValue<net::RouteTableKind> kTables[] = {{net::RouteTableKind::Linear, "linear"},
                                                                {net::RouteTableKind::Poptrie, "poptrie"}};
constexpr std::uint64_t kMaxPacket = 65535;  // one message is one IP packet

template <class T, std::size_t N, class Fn>
void each_item(FieldReader& r, const Field& list, const std::array<std::string_view, N>& keys,
               std::string_view what, std::vector<T>& out, Fn&& read) {
  auto items = r.list(list, "a list of " + std::string(what));
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = list.path + "[" + std::to_string(i) + "]";
    auto fields = r.mapping((*items)[i], path, r.mark_of((*items)[i]), keys, what);
    if (!fields) continue;
    T item;
    for (const auto& f : fields->entries) read(f, item);
    out.push_back(std::move(item));
  }
}

void require(FieldReader& r, const YAML::Node& item_node, const std::string& path, bool ok, std::string what,
             std::string hint) {
  if (!ok) r.error(path, r.mark_of(item_node), "missing " + what, what, std::move(hint));
}

}  // namespace

TrafficSpec parse_traffic(const cluster::ScenarioSpec& spec) {
  cluster::ScenarioSpec marks;
  marks.sourceFile = spec.sourceFile;
  cluster::DiagnosticSink sink;
  FieldReader r(marks, sink);
  TrafficSpec t;
  auto top = r.mapping(spec.traffic, "traffic", r.mark_of(spec.traffic), kTrafficKeys, "the traffic mapping");
  if (!top) sink.throw_if_any();
  for (const auto& section : top->entries) {
    const std::string& k = section.key.Scalar();
    if (k == "ping") {
      each_item(r, section, kPingKeys, "ping mapping", t.ping, [&](const Field& f, PingSpec& p) {
        const std::string& key = f.key.Scalar();
        if (key == "from")
          p.from = r.text(f, "an endpoint").value_or("");
        else if (key == "to")
          p.to = r.text(f, "an endpoint").value_or("");
        else if (key == "count")
          p.count = static_cast<std::uint32_t>(r.whole_number(f, 1, 100000000).value_or(1));
        else if (key == "interval")
          p.interval = dataplane::read_duration(r, f).value_or(p.interval);
        else
          p.size = static_cast<std::uint32_t>(r.whole_number(f, 28, kMaxPacket).value_or(p.size));
      });
    } else if (k == "chatty") {
      each_item(r, section, kChattyKeys, "chatty mapping", t.chatty, [&](const Field& f, ChattySpec& c) {
        const std::string& key = f.key.Scalar();
        auto number = [&](std::uint64_t lo, std::uint64_t hi, std::uint64_t fallback) {
          return r.whole_number(f, lo, hi).value_or(fallback);
        };
        if (key == "name")
          c.name = r.text(f, "a name").value_or(c.name);
        else if (key == "clients")
          c.clients = r.string_map(f, "pod labels").value_or(c.clients);
        else if (key == "servers")
          c.servers = r.string_map(f, "pod labels").value_or(c.servers);
        else if (key == "service")
          c.service = r.text(f, "a Service name").value_or("");
        else if (key == "port")
          c.port = static_cast<std::uint16_t>(number(1, 65535, c.port));
        else if (key == "requestSize")
          c.request_size = static_cast<std::uint32_t>(number(28, kMaxPacket, c.request_size));
        else if (key == "responseSize")
          c.response_size = static_cast<std::uint32_t>(number(28, kMaxPacket, c.response_size));
        else if (key == "chainDepth")
          c.chain_depth = static_cast<std::uint32_t>(number(1, 1000, c.chain_depth));
        else if (key == "concurrency")
          c.concurrency = static_cast<std::uint32_t>(number(1, 100000, c.concurrency));
        else if (key == "rate")
          c.rate_per_second = r.whole_number(f, 1, 1000000000000ull);
        else if (key == "thinkTime")
          c.think_time = dataplane::read_duration(r, f).value_or(c.think_time);
        else if (key == "serverTime")
          c.server_time = dataplane::read_duration(r, f).value_or(c.server_time);
        else if (key == "newConnectionPerCall")
          c.new_connection_per_call = r.flag(f).value_or(false);
        else if (key == "chains" || key == "stopAfter")
          c.chains = r.whole_number(f, 1, 1000000000000ull);
        else
          c.duration = dataplane::read_duration(r, f);
      });
    } else {
      each_item(r, section, kBulkKeys, "bulk mapping", t.bulk, [&](const Field& f, BulkSpec& b) {
        const std::string& key = f.key.Scalar();
        if (key == "from")
          b.from = r.text(f, "an endpoint").value_or("");
        else if (key == "to")
          b.to = r.text(f, "an endpoint").value_or("");
        else if (key == "rate")
          b.rate = dataplane::read_rate(r, f).value_or(b.rate);
        else if (key == "packetSize")
          b.packet_size =
              static_cast<std::uint32_t>(r.whole_number(f, 28, kMaxPacket).value_or(b.packet_size));
        else if (key == "duration")
          b.duration = dataplane::read_duration(r, f).value_or(b.duration);
        else
          b.port = static_cast<std::uint16_t>(r.whole_number(f, 1, 65535).value_or(b.port));
      });
    }
  }
  // Whole-item rules: what must be given.
  const auto node_of = [&](std::string_view section, std::size_t i) {
    return spec.traffic[std::string(section)][i];
  };
  for (std::size_t i = 0; i < t.ping.size(); ++i) {
    const std::string path = "traffic.ping[" + std::to_string(i) + "]";
    require(r, node_of("ping", i), path, !t.ping[i].from.empty() && !t.ping[i].to.empty(), "from and to",
            "name both ends, e.g. from: pod/client-0, to: pod/server-0");
  }
  for (std::size_t i = 0; i < t.chatty.size(); ++i) {
    const auto& c = t.chatty[i];
    const std::string path = "traffic.chatty[" + std::to_string(i) + "]";
    require(r, node_of("chatty", i), path, !c.clients.empty(), "clients (pod labels)",
            "e.g. clients: {app: client}");
    require(r, node_of("chatty", i), path, c.servers.empty() != c.service.empty(),
            "servers (pod labels) or service",
            "give exactly one: servers: {app: server} calls pods directly, service: NAME goes through the "
            "Service");
    require(r, node_of("chatty", i), path, c.chains || c.duration, "chains or duration (when to stop)",
            "e.g. chains: 10000 or duration: 10ms");
  }
  for (std::size_t i = 0; i < t.bulk.size(); ++i) {
    const std::string path = "traffic.bulk[" + std::to_string(i) + "]";
    require(r, node_of("bulk", i), path, !t.bulk[i].from.empty() && !t.bulk[i].to.empty(), "from and to",
            "name both ends, e.g. from: pod/client-0, to: pod/server-0");
  }
  sink.throw_if_any();
  return t;
}

RunSpec parse_run(const cluster::ScenarioSpec& spec) {
  cluster::ScenarioSpec marks;
  marks.sourceFile = spec.sourceFile;
  cluster::DiagnosticSink sink;
  FieldReader r(marks, sink);
  RunSpec run;
  if (auto fields = r.mapping(spec.run, "run", r.mark_of(spec.run), kRunKeys, "the run mapping")) {
    for (const auto& f : fields->entries) {
      const std::string& k = f.key.Scalar();
      if (k == "seed")
        run.seed = r.whole_number(f, 0, UINT64_MAX).value_or(run.seed);
      else if (k == "duration")
        run.duration = dataplane::read_duration(r, f);
      else if (k == "plugin")
        run.plugin = r.choice<cluster::PluginKind>(f, kPlugins);
      else if (k == "lookupCostModel")
        run.lookup_cost_model = r.choice<dataplane::LookupCostModel>(f, kModels);
      else
        run.route_table = r.choice<net::RouteTableKind>(f, kTables).value_or(run.route_table);
    }
  }
  sink.throw_if_any();
  return run;
}

}  // namespace cnisim::workload
