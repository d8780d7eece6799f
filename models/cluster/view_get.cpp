// `kubectl get` answered from the model: the objects as the API server returns them
// (api_objects.hpp), printed as kubectl prints them: tables with kubectl's headers and columns
// (K8S pkg/printers/internalversion/printers.go), -o wide, json, yaml, name, jsonpath=, custom-columns=,
// label selectors (-l), --show-labels and --sort-by.
#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/json_yaml.hpp"
#include "models/scenario/labels.hpp"
#include "models/cluster/json_pretty.hpp"
#include "models/cluster/jsonpath.hpp"
#include "models/cluster/table_writer.hpp"
#include "models/cluster/views.hpp"

namespace cnisim::cluster {
namespace {

namespace json = boost::json;

constexpr std::string_view kNoneText = "<none>";

// kubectl's "<none>" for no labels, else scenario::labels_text's k=v,k2=v2.
std::string labels_text(const std::map<std::string, std::string>& labels) {
  return labels.empty() ? std::string(kNoneText) : scenario::labels_text(labels);
}

struct Columns {
  std::vector<std::string> header;
  std::vector<std::string> wide;
};

Columns columns(ApiKind kind) {
  switch (kind) {
    case ApiKind::Node:
      return {{"NAME", "STATUS", "ROLES", "AGE", "VERSION"},
              {"INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"}};
    case ApiKind::Pod:
      return {{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}, {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"}};
    case ApiKind::Service:
      return {{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}, {"SELECTOR"}};
    case ApiKind::Deployment:
      return {{"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"}, {"CONTAINERS", "IMAGES", "SELECTOR"}};
    case ApiKind::Endpoints: return {{"NAME", "ENDPOINTS", "AGE"}, {}};
    case ApiKind::Namespace: return {{"NAME", "STATUS", "AGE"}, {}};
  }
  return {};
}

// The cells of one object's row, kubectl's printers' values read off the object.
std::vector<std::string> cells(const ApiObject& o, const std::string& shown_name, bool wide) {
  const auto& j = o.json;
  const std::string age(kSimulatedAge);
  std::vector<std::string> r{shown_name};
  switch (o.kind) {
    case ApiKind::Node:
      r.insert(r.end(), {"Ready", std::string(aks::kNodeRole), age, field_text(j, {"status", "nodeInfo", "kubeletVersion"})});
      if (wide) {
        r.insert(r.end(), {std::string(j.at("status").at("addresses").at(0).at("address").as_string()),
                           std::string(kNoneText), field_text(j, {"status", "nodeInfo", "osImage"}),
                           field_text(j, {"status", "nodeInfo", "kernelVersion"}),
                           field_text(j, {"status", "nodeInfo", "containerRuntimeVersion"})});
      }
      break;
    case ApiKind::Pod:
      r.insert(r.end(), {"1/1", "Running", "0", age});
      if (wide) {
        r.insert(r.end(), {field_text(j, {"status", "podIP"}), field_text(j, {"spec", "nodeName"}), std::string(kNoneText),
                           std::string(kNoneText)});
      }
      break;
    case ApiKind::Service: {
      std::string ports;
      for (const auto& p : j.at("spec").at("ports").as_array()) {
        if (!ports.empty()) ports += ",";
        // kubectl's printer: port:nodePort/protocol for a NodePort.
        ports += json::serialize(p.at("port")) +
                 (p.as_object().contains("nodePort") ? ":" + json::serialize(p.at("nodePort")) : std::string()) + "/" +
                 std::string(p.at("protocol").as_string());
      }
      r.insert(r.end(), {field_text(j, {"spec", "type"}), field_text(j, {"spec", "clusterIP"}), std::string(kNoneText),
                         ports.empty() ? std::string(kNoneText) : ports, age});
      if (wide) {
        std::map<std::string, std::string> selector;
        if (const auto* s = field_at(j, {"spec", "selector"})) {
          for (const auto& kv : s->as_object()) selector[std::string(kv.key())] = std::string(kv.value().as_string());
        }
        r.push_back(labels_text(selector));
      }
      break;
    }
    case ApiKind::Deployment: {
      const auto ready = field_text(j, {"status", "readyReplicas"});
      r.insert(r.end(), {ready + "/" + field_text(j, {"spec", "replicas"}), field_text(j, {"status", "updatedReplicas"}),
                         field_text(j, {"status", "availableReplicas"}), age});
      if (wide) {
        r.insert(r.end(), {o.name, field_text(j, {"spec", "template", "spec", "containers"}) == std::string(kNoneText)
                                       ? std::string(kNoneText)
                                       : std::string(j.at("spec").at("template").at("spec").at("containers").at(0).at("image").as_string()),
                           labels_text(o.labels)});
      }
      break;
    }
    case ApiKind::Endpoints: {
      // kubectl shows the first three ip:port pairs, then "+ N more...".
      std::vector<std::string> pairs;
      for (const auto& subset : j.at("subsets").as_array()) {
        for (const auto& a : subset.at("addresses").as_array()) {
          for (const auto& p : subset.at("ports").as_array()) {
            pairs.push_back(std::string(a.at("ip").as_string()) + ":" + json::serialize(p.at("port")));
          }
        }
      }
      std::string text;
      for (std::size_t i = 0; i < pairs.size() && i < 3; ++i) text += (i ? "," : "") + pairs[i];
      if (pairs.size() > 3) text += " + " + std::to_string(pairs.size() - 3) + " more...";
      r.insert(r.end(), {pairs.empty() ? std::string(kNoneText) : text, age});
      break;
    }
    case ApiKind::Namespace: r.insert(r.end(), {"Active", age}); break;
  }
  return r;
}

// A label selector as kubectl takes it: key=value, key==value, key!=value, key, !key,
// key in (a,b), key notin (a,b), joined by commas.
struct Requirement {
  std::string key, op;
  std::vector<std::string> values;
};

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::vector<Requirement> parse_selector(const std::string& text) {
  std::vector<Requirement> out;
  std::vector<std::string> parts;
  int depth = 0;
  std::string cur;
  for (char ch : text) {
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (ch == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  parts.push_back(cur);
  for (auto part : parts) {
    part = trim(part);
    if (part.empty()) throw std::invalid_argument("-l '" + text + "': an empty requirement; expected key=value[,key2=value2]");
    Requirement r;
    if (const auto in = part.find(" in ("), notin = part.find(" notin ("); in != std::string::npos || notin != std::string::npos) {
      const bool is_in = in != std::string::npos && (notin == std::string::npos || in < notin);
      const auto pos = is_in ? in : notin;
      r.key = trim(part.substr(0, pos));
      r.op = is_in ? "in" : "notin";
      const auto open = part.find('(', pos), close = part.rfind(')');
      if (close == std::string::npos || close < open) throw std::invalid_argument("-l '" + text + "': unclosed ( in '" + part + "'");
      std::string list = part.substr(open + 1, close - open - 1), item;
      for (char ch : list + ",") {
        if (ch == ',') {
          r.values.push_back(trim(item));
          item.clear();
        } else {
          item += ch;
        }
      }
    } else if (const auto ne = part.find("!="); ne != std::string::npos) {
      r = {trim(part.substr(0, ne)), "!=", {trim(part.substr(ne + 2))}};
    } else if (const auto eq2 = part.find("=="); eq2 != std::string::npos) {
      r = {trim(part.substr(0, eq2)), "=", {trim(part.substr(eq2 + 2))}};
    } else if (const auto eq = part.find('='); eq != std::string::npos) {
      r = {trim(part.substr(0, eq)), "=", {trim(part.substr(eq + 1))}};
    } else if (part.front() == '!') {
      r = {trim(part.substr(1)), "!exists", {}};
    } else {
      r = {part, "exists", {}};
    }
    if (r.key.empty() || r.key.find_first_of(" =!()") != std::string::npos) {
      throw std::invalid_argument("-l '" + text + "': '" + part +
                                  "' is not a requirement; expected key=value, key!=value, key, !key, key in (a,b)");
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool matches(const std::vector<Requirement>& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& r : selector) {
    const auto it = labels.find(r.key);
    const bool has = it != labels.end();
    if (r.op == "exists" && !has) return false;
    if (r.op == "!exists" && has) return false;
    if (r.op == "=" && (!has || it->second != r.values[0])) return false;
    if (r.op == "!=" && has && it->second == r.values[0]) return false;
    if (r.op == "in" && (!has || std::find(r.values.begin(), r.values.end(), it->second) == r.values.end())) return false;
    if (r.op == "notin" && has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end()) return false;
  }
  return true;
}

// The order --sort-by gives: numbers as numbers, other values as their text; ties keep kubectl's order.
void sort_by(std::vector<const ApiObject*>& objects, const std::string& expression) {
  std::string expr = expression;
  if (expr.size() >= 2 && expr.front() == '{' && expr.back() == '}') expr = expr.substr(1, expr.size() - 2);
  const JsonPath path(expr, true);
  struct Key {
    bool number = false;
    double n = 0;
    std::string s;
  };
  std::vector<std::pair<Key, const ApiObject*>> keyed;
  for (const auto* o : objects) {
    const json::value v(o->json);
    const auto found = path.select(v);
    Key k;
    if (!found.empty() && found[0]->is_number()) {
      k.number = true;
      k.n = found[0]->to_number<double>();
    } else if (!found.empty()) {
      k.s = jsonpath_text(*found[0]);
    }
    keyed.emplace_back(k, o);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    if (a.first.number != b.first.number) return a.first.number;
    return a.first.number ? a.first.n < b.first.n : a.first.s < b.first.s;
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) objects[i] = keyed[i].second;
}

std::string no_resources(const GetRequest& r, bool namespaced) {
  if (!namespaced || r.filter.allNamespaces) return "No resources found\n";
  return "No resources found in " + r.filter.namespace_ + " namespace.\n";
}

}  // namespace

std::string view_get(const Cluster& c, const GetRequest& r) {
  if (r.kinds.empty()) throw std::invalid_argument("get needs a resource type");
  if (!r.names.empty() && r.kinds.size() > 1) {
    throw std::invalid_argument("names can only be given with one resource type (e.g. get pods NAME)");
  }
  const auto selector = r.selector.empty() ? std::vector<Requirement>{} : parse_selector(r.selector);
  std::optional<JsonPath> template_;
  std::vector<std::pair<std::string, JsonPath>> custom;
  if (r.format == GetFormat::JsonPath) template_.emplace(r.formatArg);
  if (r.format == GetFormat::CustomColumns) {
    std::string spec = r.formatArg, item;
    for (char ch : spec + ",") {
      if (ch != ',') {
        item += ch;
        continue;
      }
      const auto colon = item.find(':');
      if (colon == std::string::npos || colon == 0) {
        throw std::invalid_argument("custom-columns: '" + item + "' is not HEADER:JSONPATH (e.g. NAME:.metadata.name)");
      }
      custom.emplace_back(item.substr(0, colon), JsonPath(item.substr(colon + 1), true));
      item.clear();
    }
  }

  // Every selected object of every kind asked for, in kubectl's order.
  std::vector<std::vector<ApiObject>> all;
  std::vector<std::vector<const ApiObject*>> chosen;
  for (const auto kind : r.kinds) {
    all.push_back(api_objects(c, kind));
    const bool namespaced = api_kind_name(kind).namespaced;
    std::vector<const ApiObject*> picked;
    for (const auto& o : all.back()) {
      if (namespaced && !r.filter.matches(o.namespace_)) continue;
      if (!matches(selector, o.labels)) continue;
      if (!r.names.empty() && std::find(r.names.begin(), r.names.end(), o.name) == r.names.end()) continue;
      picked.push_back(&o);
    }
    for (const auto& n : r.names) {
      if (std::none_of(picked.begin(), picked.end(), [&](const ApiObject* o) { return o->name == n; })) {
        throw std::invalid_argument(not_found_message(kind, n, r.filter.namespace_, r.filter.allNamespaces));
      }
    }
    if (!r.sortBy.empty()) sort_by(picked, r.sortBy);
    chosen.push_back(std::move(picked));
  }

  // One named object prints as itself in json / yaml / jsonpath, as kubectl does; otherwise a List.
  const bool single = !r.names.empty() && r.names.size() == 1 && chosen[0].size() == 1;
  auto document = [&]() -> json::value {
    if (single) return json::value(chosen[0][0]->json);
    json::array items;
    for (const auto& list : chosen) {
      for (const auto* o : list) items.push_back(o->json);
    }
    return json::object{{"apiVersion", "v1"}, {"items", std::move(items)}, {"kind", "List"},
                        {"metadata", json::object{{"resourceVersion", ""}}}};
  };
  switch (r.format) {
    case GetFormat::Json: return to_kubectl_json(document());
    case GetFormat::Yaml: return scenario::json_to_yaml(document());
    case GetFormat::JsonPath: return template_->execute(document());
    case GetFormat::Name: {
      std::string out;
      for (std::size_t k = 0; k < r.kinds.size(); ++k) {
        for (const auto* o : chosen[k]) out += std::string(api_kind_name(r.kinds[k]).resource) + "/" + o->name + "\n";
      }
      return out;
    }
    case GetFormat::CustomColumns: {
      TableWriter t;
      std::vector<std::string> header;
      for (const auto& [h, path] : custom) header.push_back(h);
      t.row(header);
      std::size_t rows = 0;
      for (const auto& list : chosen) {
        for (const auto* o : list) {
          std::vector<std::string> row;
          const json::value v(o->json);
          for (const auto& [h, path] : custom) {
            const auto found = path.select(v);
            std::string cell;
            for (std::size_t i = 0; i < found.size(); ++i) cell += (i ? "," : "") + jsonpath_text(*found[i]);
            row.push_back(found.empty() ? std::string(kNoneText) : cell);
          }
          t.row(std::move(row));
          ++rows;
        }
      }
      return rows ? t.str() : no_resources(r, true);
    }
    case GetFormat::Table:
    case GetFormat::Wide: break;
  }
  const bool wide = r.format == GetFormat::Wide;
  std::string out;
  std::size_t printed = 0;
  for (std::size_t k = 0; k < r.kinds.size(); ++k) {
    if (chosen[k].empty()) continue;
    const auto& info = api_kind_name(r.kinds[k]);
    const auto cols = columns(r.kinds[k]);
    TableWriter t;
    std::vector<std::string> header;
    const bool ns_column = info.namespaced && r.filter.allNamespaces;
    if (ns_column) header.push_back("NAMESPACE");
    header.insert(header.end(), cols.header.begin(), cols.header.end());
    if (wide) header.insert(header.end(), cols.wide.begin(), cols.wide.end());
    if (r.showLabels) header.push_back("LABELS");
    t.row(header);
    for (const auto* o : chosen[k]) {
      // With several types, kubectl names each row TYPE/NAME.
      const auto shown = r.kinds.size() > 1 ? std::string(api_kind_name(r.kinds[k]).resource) + "/" + o->name : o->name;
      std::vector<std::string> row;
      if (ns_column) row.push_back(o->namespace_);
      auto cs = cells(*o, shown, wide);
      row.insert(row.end(), cs.begin(), cs.end());
      if (r.showLabels) row.push_back(labels_text(o->labels));
      t.row(std::move(row));
    }
    if (printed++) out += "\n";
    out += t.str();
  }
  if (printed == 0) {
    const bool namespaced = std::any_of(r.kinds.begin(), r.kinds.end(), [](ApiKind k) {
      return api_kind_name(k).namespaced;
    });
    return no_resources(r, namespaced);
  }
  return out;
}

namespace {

// get KIND as the three original views took it: table, wide or json.
std::string view_kind(const Cluster& c, ApiKind kind, const NamespaceFilter& filter, OutputFormat format) {
  GetRequest r;
  r.kinds = {kind};
  r.filter = filter;
  r.format = format == OutputFormat::Json ? GetFormat::Json : format == OutputFormat::Wide ? GetFormat::Wide : GetFormat::Table;
  return view_get(c, r);
}

}  // namespace

std::string view_nodes(const Cluster& c, OutputFormat format) { return view_kind(c, ApiKind::Node, {}, format); }

std::string view_pods(const Cluster& c, const NamespaceFilter& filter, OutputFormat format) {
  return view_kind(c, ApiKind::Pod, filter, format);
}

std::string view_services(const Cluster& c, const NamespaceFilter& filter, OutputFormat format) {
  return view_kind(c, ApiKind::Service, filter, format);
}

}  // namespace cnisim::cluster
