// Reading the scenario's `traffic` and `run` sections (the `costs` section: cost_profile.cpp).
#include <array>
#include <string_view>

#include "models/scenario/field_reader.hpp"
#include "models/scenario/k8s_names.hpp"
#include "models/scenario/quantity_reader.hpp"
#include "models/scenario/section_parsers.hpp"
#include "models/scenario/traffic_spec.hpp"

namespace cnisim::scenario {
namespace {

constexpr std::array<std::string_view, 3> kTrafficKeys{"ping", "chatty", "bulk"};
constexpr std::array<std::string_view, 5> kPingKeys{"from", "to", "count", "interval", "size"};
constexpr std::array<std::string_view, 24> kChattyKeys{
    "name",       "clients",     "servers", "service",   "port",       "requestSize", "responseSize",
    "chainDepth", "concurrency", "rate",    "thinkTime", "serverTime", "transport",   "connection",
    "noDelay",    "chains",      "duration", "stopAfter", "resolve",   "hostname",    "ndots",
    "searches",   "to",          "from"};
// Kubernetes caps a pod's ndots at 15 and its search list at 32 domains (validation of dnsConfig,
// pkg/apis/core/validation: MaxDNSSearchPaths since 1.28).
constexpr std::uint64_t kMaxNdots = 15;
constexpr std::size_t kMaxSearches = 32;
constexpr std::array<std::string_view, 8> kBulkKeys{"from", "to", "transport", "rate", "packetSize", "duration", "port", "noDelay"};
constexpr NamedValue<Transport> kTransports[] = {{Transport::Tcp, "tcp"}, {Transport::Udp, "udp"}};
constexpr std::uint64_t kMaxMessage = 1ull << 30;  // application bytes of one request or response
constexpr std::array<std::string_view, 5> kRunKeys{"seed", "duration", "plugin", "lookupCostModel",
                                                   "routeTable"};
constexpr NamedValue<PluginKind> kPlugins[] = {
    {PluginKind::Kubenet, "kubenet"},
    {PluginKind::AzureNodeSubnet, "azure"},
    {PluginKind::AzureOverlay, "overlay"},
    {PluginKind::Cilium, "cilium"},
    {PluginKind::None, "none"}};
constexpr NamedValue<LookupCostModel> kModels[] = {
    {LookupCostModel::Constant, "constant"},
    {LookupCostModel::Proportional, "proportional"},
    {LookupCostModel::Measured, "measured"}};
constexpr NamedValue<net::RouteTableKind> kTables[] = {{net::RouteTableKind::Linear, "linear"},
                                                                {net::RouteTableKind::Poptrie, "poptrie"}};
constexpr std::uint64_t kMaxPacket = 65535;  // one message is one IP packet

// Reads each item of a list into out, then checks the whole item with `check` (what must be given).
template <class T, std::size_t N, class Fn, class Check>
void each_item(FieldReader& r, const Field& list, const std::array<std::string_view, N>& keys,
               std::string_view what, std::vector<T>& out, Fn&& read, Check&& check) {
  auto items = r.list(list, "a list of " + std::string(what) + "s");
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = item_path(list.path, i);
    auto fields = r.mapping((*items)[i], path, r.mark_of((*items)[i]), keys, what);
    if (!fields) continue;
    T item;
    for (const auto& f : fields->entries) read(f, item);
    // given(key): the file wrote the key, even with a bad value (reported already, not "missing").
    const auto given = [&](std::string_view key) { return fields->find(key) != nullptr; };
    check(item, given, [&](bool ok, const std::string& missing, std::string hint) {
      if (!ok) r.error(path, r.mark_of((*items)[i]), "missing " + missing, missing, std::move(hint));
    });
    out.push_back(std::move(item));
  }
}

// A DNS name to look up or search in: an RFC 1123 subdomain, optionally with its final dot.
void read_dns_name(FieldReader& r, const Field& f, const YAML::Node& node, const std::string& path, std::string& out) {
  const Field item{path, f.key, node};
  const auto text = r.text(item, "a DNS name");
  if (!text) return;
  std::string name = *text;
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  if (const auto problem = dns_subdomain_problem(name)) {
    r.error(path, r.mark_of(item), "DNS name " + FieldReader::quoted(*text) + " " + *problem,
            "a DNS name such as orders, orders.shop or api.example.com.", "lowercase letters, digits, '-' and '.'");
    return;
  }
  out = *text;
}

// searches: [DOMAIN, ...]
void read_searches(FieldReader& r, const Field& f, ChattySpec& c) {
  auto items = r.list(f, "a list of DNS domains");
  if (!items) return;
  if (items->size() + 3 > kMaxSearches) {
    r.error(f.path, r.mark_of(f), std::to_string(items->size()) + " search domains",
            "at most " + std::to_string(kMaxSearches - 3) + " (Kubernetes allows 32 in all, 3 of them the cluster's)",
            "keep the domains the pod's lookups need");
    return;
  }
  c.searches.clear();
  for (std::size_t i = 0; i < items->size(); ++i) {
    std::string domain;
    read_dns_name(r, f, (*items)[i], item_path(f.path, i), domain);
    if (!domain.empty()) c.searches.push_back(domain);
  }
}

// connection: keepAlive | perCall | pool(N)
void read_connection(FieldReader& r, const Field& f, ChattySpec& c) {
  const auto text = r.text(f, "keepAlive, perCall or pool(N)");
  if (!text) return;
  if (*text == "keepAlive") {
    c.connection = ConnectionMode::KeepAlive;
    return;
  }
  if (*text == "perCall") {
    c.connection = ConnectionMode::PerCall;
    return;
  }
  const std::string_view t = *text;
  if (t.size() > 6 && t.substr(0, 5) == "pool(" && t.back() == ')') {
    const std::string_view digits = t.substr(5, t.size() - 6);
    std::uint64_t n = 0;
    bool ok = !digits.empty() && digits.size() <= 6;
    for (const char ch : digits) {
      ok = ok && ch >= '0' && ch <= '9';
      n = n * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    if (ok && n >= 1 && n <= 100000) {
      c.connection = ConnectionMode::Pool;
      c.pool_size = static_cast<std::uint32_t>(n);
      return;
    }
  }
  r.error(f.path, r.mark_of(f), "not a connection mode: " + FieldReader::quoted(*text), "keepAlive, perCall or pool(N) with N from 1 to 100000",
          "keepAlive: one connection per concurrency slot; perCall: a new one per call; pool(4): four per client that calls share");
}

}  // namespace

void parse_traffic(FieldReader& r, const Field& field) {
  TrafficSpec& t = r.spec().traffic;
  auto top = r.mapping(field, kTrafficKeys, "the traffic mapping");
  if (!top) return;
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
          p.interval = read_duration(r, f).value_or(p.interval);
        else
          p.size = static_cast<std::uint32_t>(r.whole_number(f, 28, kMaxPacket).value_or(p.size));
      }, [](const PingSpec& p, auto given, auto require) {
        require((!p.from.empty() || given("from")) && (!p.to.empty() || given("to")), "from and to",
                "name both ends, e.g. from: pod/client-0, to: pod/server-0");
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
        else if (key == "from")
          c.from = r.text(f, "a host outside the cluster: vm/NAME").value_or("");
        else if (key == "servers")
          c.servers = r.string_map(f, "pod labels").value_or(c.servers);
        else if (key == "service")
          c.service = r.text(f, "a Service name").value_or("");
        else if (key == "to")
          c.to = r.text(f, "a host outside the cluster: vm/NAME or an IP address").value_or("");
        else if (key == "port")
          c.port = static_cast<std::uint16_t>(number(1, 65535, c.port));
        else if (key == "requestSize")
          c.request_size = static_cast<std::uint32_t>(number(1, kMaxMessage, c.request_size));
        else if (key == "responseSize")
          c.response_size = static_cast<std::uint32_t>(number(1, kMaxMessage, c.response_size));
        else if (key == "chainDepth")
          c.chain_depth = static_cast<std::uint32_t>(number(1, 1000, c.chain_depth));
        else if (key == "concurrency")
          c.concurrency = static_cast<std::uint32_t>(number(1, 100000, c.concurrency));
        else if (key == "rate")
          c.rate_per_second = r.whole_number(f, 1, 1000000000000ull);
        else if (key == "thinkTime")
          c.think_time = read_duration(r, f).value_or(c.think_time);
        else if (key == "serverTime")
          c.server_time = read_duration(r, f).value_or(c.server_time);
        else if (key == "transport")
          c.transport = r.choice<Transport>(f, kTransports).value_or(c.transport);
        else if (key == "connection")
          read_connection(r, f, c);
        else if (key == "noDelay")
          c.no_delay = r.flag(f).value_or(c.no_delay);
        else if (key == "resolve")
          c.resolve = r.flag(f).value_or(c.resolve);
        else if (key == "hostname")
          read_dns_name(r, f, f.value, f.path, c.hostname);
        else if (key == "ndots")
          c.ndots = static_cast<std::uint32_t>(number(0, kMaxNdots, c.ndots));
        else if (key == "searches")
          read_searches(r, f, c);
        else if (key == "chains" || key == "stopAfter")
          c.chains = r.whole_number(f, 1, 1000000000000ull);
        else
          c.duration = read_positive_duration(r, f);
      }, [](const ChattySpec& c, auto given, auto require) {
        require(int{!c.clients.empty() || given("clients")} + int{given("from")} == 1, "clients (pod labels) or from",
                "give exactly one: clients: {app: client} calls from pods, from: vm/vm-in-vnet from a host outside "
                "the cluster");
        require(int{given("servers")} + int{given("service")} + int{given("to")} == 1, "servers (pod labels), service or to",
                "give exactly one: servers: {app: server} calls pods directly, service: NAME goes through the "
                "Service, to: vm/internet-host (or an IP address) calls a host outside the cluster");
        require(given("chains") || given("stopAfter") || given("duration"), "chains or duration (when to stop)",
                "e.g. chains: 10000 or duration: 10ms");
      });
    } else {
      each_item(r, section, kBulkKeys, "bulk mapping", t.bulk, [&](const Field& f, BulkSpec& b) {
        const std::string& key = f.key.Scalar();
        if (key == "from")
          b.from = r.text(f, "an endpoint").value_or("");
        else if (key == "to")
          b.to = r.text(f, "an endpoint").value_or("");
        else if (key == "rate")
          b.rate = read_rate(r, f);
        else if (key == "transport")
          b.transport = r.choice<Transport>(f, kTransports).value_or(b.transport);
        else if (key == "noDelay")
          b.no_delay = r.flag(f).value_or(b.no_delay);
        else if (key == "packetSize")
          b.packet_size =
              static_cast<std::uint32_t>(r.whole_number(f, 28, kMaxPacket).value_or(b.packet_size));
        else if (key == "duration")
          b.duration = read_positive_duration(r, f).value_or(b.duration);
        else
          b.port = static_cast<std::uint16_t>(r.whole_number(f, 1, 65535).value_or(b.port));
      }, [](const BulkSpec& b, auto given, auto require) {
        require((!b.from.empty() || given("from")) && (!b.to.empty() || given("to")), "from and to",
                "name both ends, e.g. from: pod/client-0, to: pod/server-0");
      });
    }
  }
}
void parse_run(FieldReader& r, const Field& field) {
  RunSpec& run = r.spec().run;
  if (auto fields = r.mapping(field, kRunKeys, "the run mapping")) {
    for (const auto& f : fields->entries) {
      const std::string& k = f.key.Scalar();
      if (k == "seed")
        run.seed = r.whole_number(f, 0, UINT64_MAX).value_or(run.seed);
      else if (k == "duration")
        run.duration = read_positive_duration(r, f);
      else if (k == "plugin")
        run.plugin = r.choice<PluginKind>(f, kPlugins);
      else if (k == "lookupCostModel")
        run.lookup_cost_model = r.choice<LookupCostModel>(f, kModels);
      else
        run.route_table = r.choice<net::RouteTableKind>(f, kTables).value_or(run.route_table);
    }
  }
}

}  // namespace cnisim::scenario
