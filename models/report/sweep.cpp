#include "models/report/sweep.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "models/cluster/plugin.hpp"
#include "models/cluster/json_pretty.hpp"
#include "models/report/csv_report.hpp"
#include "models/report/html_report.hpp"
#include "models/report/metrics.hpp"
#include "models/report/notes.hpp"
#include "models/report/number_format.hpp"
#include "models/report/svg_chart.hpp"
#include "models/report/text_report.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace cnisim::report {

namespace json = boost::json;

namespace {

struct KeyInfo {
  SweepKey key;
  const char* name;
  const char* expected;
  const char* example;
};
constexpr KeyInfo kKeys[] = {
    {SweepKey::Plugin, "plugin", "network plugins", "plugin=kubenet,azure"},
    {SweepKey::KubeProxy, "kube-proxy", "kube-proxy modes: iptables, ipvs, nftables", "kube-proxy=iptables,nftables"},
    {SweepKey::Nodes, "nodes", "node counts from 1 to 5000 (the node pool's count; AKS's limit per cluster)",
     "nodes=3,50,400"},
    {SweepKey::Rate, "rate", "chatty chains per second per client, 1 to 10000000 (open loop)", "rate=100,1000"},
    {SweepKey::Concurrency, "concurrency", "chatty slots per client, 1 to 10000", "concurrency=1,4,16"},
    {SweepKey::Seed, "seed", "random seeds, 0 to 2^64-1", "seed=1,2,3"},
};

// The metrics the table and the charts show (CSV and JSON have them all).
constexpr const char* kHeadline[] = {"latency.call.p50", "latency.call.p99", "latency.call.mean", "calls.completed",
                                     "packets.hopsPerPacket", "lookups.perPacket.azure", "nat.snatPerPacket", "drops.total"};

// The positions in metrics(false) of the headline metrics, in kHeadline's order.
std::vector<std::size_t> headline_indices() {
  const auto& ms = metrics(false);
  std::vector<std::size_t> out;
  for (const char* key : kHeadline) {
    for (std::size_t k = 0; k < ms.size(); ++k) {
      if (ms[k].key == key) out.push_back(k);
    }
  }
  return out;
}

std::uint64_t whole(const std::string& text, std::uint64_t lo, std::uint64_t hi, const KeyInfo& k) {
  const bool digits = !text.empty() && text.size() <= 20 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::uint64_t v = 0;
  bool ok = digits;
  for (char c : text) {
    if (!ok) break;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) ok = false;
    v = v * 10 + d;
  }
  if (!ok || v < lo || v > hi) {
    throw std::invalid_argument(std::string("--vary ") + k.name + ": '" + text + "' is not one of " + k.expected +
                                " (e.g. --vary " + k.example + ")");
  }
  return v;
}

std::optional<scenario::KubeProxyMode> kube_proxy_mode(const std::string& name) {
  if (name == "iptables") return scenario::KubeProxyMode::Iptables;
  if (name == "ipvs") return scenario::KubeProxyMode::Ipvs;
  if (name == "nftables") return scenario::KubeProxyMode::Nftables;
  return std::nullopt;
}

const KeyInfo& info(SweepKey key) {
  for (const auto& k : kKeys) {
    if (k.key == key) return k;
  }
  throw std::logic_error("unknown sweep key");
}

// Checks one value of a key (throws std::invalid_argument).
void check_value(const KeyInfo& k, const std::string& v) {
  switch (k.key) {
    case SweepKey::Plugin:
      if (!scenario::plugin_from_string(v)) {
        std::string names;
        for (auto p : cluster::registered_plugins()) names += (names.empty() ? "" : ", ") + std::string(cluster::to_string(p));
        throw std::invalid_argument("--vary plugin: unknown plugin '" + v + "': expected " + names + " (e.g. --vary plugin=kubenet,azure)");
      }
      break;
    case SweepKey::KubeProxy:
      if (!kube_proxy_mode(v)) {
        throw std::invalid_argument("--vary kube-proxy: unknown mode '" + v + "': expected iptables, ipvs or nftables (e.g. --vary " + k.example + ")");
      }
      break;
    case SweepKey::Nodes:
      whole(v, 1, 5000, k);
      break;
    case SweepKey::Rate:
      whole(v, 1, 10000000, k);
      break;
    case SweepKey::Concurrency:
      whole(v, 1, 10000, k);
      break;
    case SweepKey::Seed:
      whole(v, 0, UINT64_MAX, k);
      break;
  }
}

std::string label_of(const Sweep& s, const SweepPoint& p, std::size_t skip) {
  std::string out;
  for (std::size_t v = 0; v < s.variables.size(); ++v) {
    if (v == skip) continue;
    out += (out.empty() ? "" : " ") + s.variables[v].name + "=" + p.values[v];
  }
  return out.empty() ? "all points" : out;
}

}  // namespace

std::string sweep_keys() {
  std::string out;
  for (const auto& k : kKeys) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

SweepVariable parse_vary(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("--vary '" + text + "' is not KEY=V1,V2,...: KEY is one of " + sweep_keys() +
                                " (e.g. --vary nodes=3,50,400)");
  }
  const std::string name = text.substr(0, eq);
  const KeyInfo* key = nullptr;
  for (const auto& k : kKeys) {
    if (name == k.name) key = &k;
  }
  if (!key) throw std::invalid_argument("--vary: unknown key '" + name + "': expected one of " + sweep_keys() + " (e.g. --vary nodes=3,50,400)");
  SweepVariable v;
  v.key = key->key;
  v.name = name;
  const std::string list = text.substr(eq + 1);
  std::size_t start = 0;
  while (true) {
    const auto comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) {
      throw std::invalid_argument("--vary " + name + ": an empty value in '" + list + "' (e.g. --vary " + key->example + ")");
    }
    check_value(*key, item);
    if (std::find(v.values.begin(), v.values.end(), item) != v.values.end()) {
      throw std::invalid_argument("--vary " + name + ": '" + item + "' is listed twice");
    }
    v.values.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return v;
}

std::vector<std::vector<std::size_t>> sweep_grid(const std::vector<SweepVariable>& variables) {
  std::vector<std::vector<std::size_t>> points{{}};
  for (const auto& v : variables) {
    std::vector<std::vector<std::size_t>> next;
    for (const auto& p : points) {
      for (std::size_t i = 0; i < v.values.size(); ++i) {
        auto q = p;
        q.push_back(i);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  return points;
}

scenario::ScenarioSpec apply_point(const scenario::ScenarioSpec& base, const std::vector<SweepVariable>& variables,
                                   const std::vector<std::size_t>& point) {
  scenario::ScenarioSpec spec = base;
  // The plugin first: it re-derives defaults (subnets, pod CIDRs) that the others then build on.
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (variables[i].key != SweepKey::Plugin) continue;
    const auto kind = *scenario::plugin_from_string(variables[i].values[point[i]]);
    if (kind != spec.plugin()) scenario::apply_plugin(spec, kind);
  }
  for (std::size_t i = 0; i < variables.size(); ++i) {
    const SweepVariable& v = variables[i];
    const std::string& value = v.values[point[i]];
    const KeyInfo& k = info(v.key);
    switch (v.key) {
      case SweepKey::Plugin:
      case SweepKey::Seed:
        break;
      case SweepKey::KubeProxy:
        spec.cluster.networkProfile.kubeProxyMode = *kube_proxy_mode(value);
        break;
      case SweepKey::Nodes:
        if (spec.nodePools.size() != 1) {
          throw std::invalid_argument("--vary nodes sets the count of the scenario's node pool, and this one has " +
                                      std::to_string(spec.nodePools.size()) + " pools\n  hint: sweep a scenario with one node pool");
        }
        spec.nodePools.front().count = static_cast<std::uint32_t>(whole(value, 1, 5000, k));
        break;
      case SweepKey::Rate:
      case SweepKey::Concurrency:
        if (spec.traffic.chatty.empty()) {
          throw std::invalid_argument("--vary " + v.name + " sets the scenario's chatty traffic, and it has none\n  hint: sweep a scenario with traffic.chatty");
        }
        for (auto& c : spec.traffic.chatty) {
          if (v.key == SweepKey::Rate) {
            c.rate_per_second = whole(value, 1, 10000000, k);
          } else {
            c.concurrency = static_cast<std::uint32_t>(whole(value, 1, 10000, k));
          }
        }
        break;
    }
  }
  return spec;
}

std::uint64_t point_seed(const std::vector<SweepVariable>& variables, const std::vector<std::size_t>& point, std::uint64_t seed) {
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (variables[i].key == SweepKey::Seed) return whole(variables[i].values[point[i]], 0, UINT64_MAX, info(SweepKey::Seed));
  }
  return seed;
}

SweepPoint sweep_point(std::vector<std::string> values, const dataplane::Results& results) {
  SweepPoint p;
  p.values = std::move(values);
  for (const auto& m : metrics(false)) p.metrics.push_back(m.value(results));
  p.notes = run_notes(results);
  return p;
}

std::string sweep_csv(const Sweep& s) {
  const auto& ms = metrics(false);
  std::string out = "point";
  for (const auto& v : s.variables) out += "," + csv_field(v.name);
  for (const auto& m : ms) out += "," + csv_field(m.key);
  out += ",notes,error\n";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    out += std::to_string(i);
    for (const auto& v : p.values) out += "," + csv_field(v);
    for (std::size_t k = 0; k < ms.size(); ++k) out += "," + (p.error.empty() ? format_value(p.metrics[k], ms[k].unit) : std::string());
    std::string notes;
    for (const auto& n : p.notes) notes += (notes.empty() ? "" : "; ") + n;
    out += "," + csv_field(notes) + "," + csv_field(p.error) + "\n";
  }
  return out;
}

json::value sweep_json(const Sweep& s) {
  const auto& ms = metrics(false);
  json::object o;
  o["command"] = "sweep";
  o["scenario"] = s.scenario;
  o["seed"] = s.seed;
  json::array vary;
  for (const auto& v : s.variables) {
    json::array values;
    for (const auto& x : v.values) values.push_back(json::string(x));
    vary.push_back(json::object{{"name", v.name}, {"values", std::move(values)}});
  }
  o["vary"] = std::move(vary);
  json::array points;
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    json::object po;
    po["point"] = i;
    json::object values;
    for (std::size_t v = 0; v < s.variables.size(); ++v) values[s.variables[v].name] = p.values[v];
    po["values"] = std::move(values);
    if (p.error.empty()) {
      json::object metrics_object;
      for (std::size_t k = 0; k < ms.size(); ++k) metrics_object[ms[k].key] = p.metrics[k];
      po["metrics"] = std::move(metrics_object);
      po["error"] = nullptr;
    } else {
      po["metrics"] = nullptr;
      po["error"] = p.error;
    }
    json::array notes;
    for (const auto& n : p.notes) notes.push_back(json::string(n));
    po["notes"] = std::move(notes);
    points.push_back(std::move(po));
  }
  json::object unit_of;
  for (const auto& m : ms) unit_of[m.key] = m.unit;
  o["units"] = std::move(unit_of);
  o["points"] = std::move(points);
  return o;
}

std::string sweep_table(const Sweep& s) {
  const auto& ms = metrics(false);
  const auto shown = headline_indices();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& v : s.variables) header.push_back(v.name);
  for (auto k : shown) header.push_back(ms[k].key + " (" + ms[k].unit + ")");
  rows.push_back(header);
  for (const auto& p : s.points) {
    std::vector<std::string> row = p.values;
    for (auto k : shown) row.push_back(p.error.empty() ? format_value(p.metrics[k], ms[k].unit) : "-");
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out = "cnisim sweep: " + s.scenario + ", seed " + std::to_string(s.seed) + ", " + std::to_string(s.points.size()) + " points\n";
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - r[c].size(), ' ');
      line += (c == 0 ? "" : "  ") + (c < s.variables.size() ? r[c] + pad : pad + r[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    if (!p.error.empty()) out += "point " + std::to_string(i) + " (" + label_of(s, p, s.variables.size()) + "): not run: " + p.error + "\n";
    for (const auto& n : p.notes) out += "point " + std::to_string(i) + " (" + label_of(s, p, s.variables.size()) + "): " + n + "\n";
  }
  return out;
}

std::string sweep_html(const Sweep& s) {
  const auto& ms = metrics(false);
  const std::string title = "cnisim sweep: " + s.scenario;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xml_escape(title) +
                    "</title>\n<style>\n" + html_style() + "</style>\n</head>\n<body>\n<h1>" + xml_escape(title) + "</h1>\n";
  out += "<p>Seed " + std::to_string(s.seed) + ", " + std::to_string(s.points.size()) + " points:";
  for (const auto& v : s.variables) {
    std::string values;
    for (const auto& x : v.values) values += (values.empty() ? "" : ", ") + x;
    out += " <b>" + xml_escape(v.name) + "</b> = " + xml_escape(values) + ";";
  }
  out.back() = '.';
  out += " Every figure is the model's, under the scenario's cost profile (assumed costs unless it was calibrated).</p>\n";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    if (!p.error.empty()) out += "<p class=\"warning\">point " + std::to_string(i) + " (" + xml_escape(label_of(s, p, s.variables.size())) + "): not run: " + xml_escape(p.error) + "</p>\n";
    for (const auto& n : p.notes) out += "<p class=\"warning\">point " + std::to_string(i) + ": " + xml_escape(n) + "</p>\n";
  }
  // x: the last variable; a line per combination of the others, in grid order.
  const std::size_t x = s.variables.empty() ? 0 : s.variables.size() - 1;
  const std::vector<std::string> categories = s.variables.empty() ? std::vector<std::string>{"all"} : s.variables[x].values;
  std::vector<std::string> line_labels;
  std::map<std::string, std::size_t> line_of;
  for (const auto& p : s.points) {
    const auto label = label_of(s, p, x);
    if (line_of.emplace(label, line_labels.size()).second) line_labels.push_back(label);
  }
  out += "<h2>Figures against " + xml_escape(s.variables.empty() ? std::string("nothing") : s.variables[x].name) + "</h2>\n";
  const auto headline = headline_indices();
  for (const std::size_t k : headline) {
    std::vector<LineSeries> series(line_labels.size());
    for (std::size_t l = 0; l < line_labels.size(); ++l) {
      series[l].label = line_labels[l];
      series[l].values.assign(categories.size(), std::nullopt);
    }
    bool nonzero = false;
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      if (!p.error.empty()) continue;
      const std::size_t c = s.variables.empty() ? 0 : static_cast<std::size_t>(std::find(categories.begin(), categories.end(), p.values[x]) - categories.begin());
      series[line_of.at(label_of(s, p, x))].values[c] = p.metrics[k];
      nonzero = nonzero || p.metrics[k] != 0;
    }
    if (!nonzero) continue;
    out += "<figure>\n" + line_chart_svg(ms[k].group + ": " + ms[k].label, s.variables.empty() ? "" : s.variables[x].name,
                                         ms[k].key + " (" + ms[k].unit + ")", categories, series) + "</figure>\n";
  }
  out += "<h2>Every point</h2>\n<table>\n<tr><th>point</th>";
  for (const auto& v : s.variables) out += "<th>" + xml_escape(v.name) + "</th>";
  for (const std::size_t k : headline) out += "<th>" + xml_escape(ms[k].key) + "</th>";
  out += "</tr>\n";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    out += "<tr><td>" + std::to_string(i) + "</td>";
    for (const auto& v : p.values) out += "<td>" + xml_escape(v) + "</td>";
    for (const std::size_t k : headline) {
      const std::string cell = p.error.empty() ? format_value(p.metrics[k], ms[k].unit) : "-";
      out += "<td class=\"num\">" + xml_escape(cell) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n<p>The CSV (<code>-o csv</code>) and JSON (<code>-o json</code>) of the sweep hold every metric of every point.</p>\n</body>\n</html>\n";
  return out;
}

}  // namespace cnisim::report
