// `kubectl describe node|pod|svc NAME` answered from the model, in kubectl's describe layout
// (k8s.io/kubectl/pkg/describe/describe.go): "Key:\tvalue" lines at nesting levels, run through Go's
// text/tabwriter with minwidth 0, tabwidth 8, padding 2 and ' ' (describe's tabbedString), whose
// column blocks are the runs of consecutive lines that have a cell in that column.
#include <algorithm>
#include <stdexcept>

#include "models/cluster/views.hpp"

namespace cnisim::cluster {
namespace {

namespace json = boost::json;

// Go's text/tabwriter on tab-terminated cells (the text after the last tab of a line is not a cell).
class GoTabWriter {
 public:
  GoTabWriter(std::size_t minwidth, std::size_t padding) : minwidth_(minwidth), padding_(padding) {}
  void line(const std::string& text) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\t') {
        cells.push_back(text.substr(start, i - start));
        start = i + 1;
      }
    }
    lines_.push_back({std::move(cells), text.substr(start)});
  }
  std::string str() {
    widths_.assign(lines_.size(), {});
    format(0, lines_.size(), 0);
    std::string out;
    for (std::size_t l = 0; l < lines_.size(); ++l) {
      const auto& ln = lines_[l];
      for (std::size_t c = 0; c < ln.cells.size(); ++c) {
        out += ln.cells[c];
        out.append(widths_[l][c] - ln.cells[c].size(), ' ');
      }
      out += ln.rest + "\n";
    }
    return out;
  }

 private:
  struct Line {
    std::vector<std::string> cells;
    std::string rest;
  };
  void format(std::size_t begin, std::size_t end, std::size_t column) {
    for (std::size_t l = begin; l < end; ++l) {
      if (lines_[l].cells.size() <= column) continue;
      // A block: this line and the following ones that have a cell in this column.
      std::size_t stop = l;
      std::size_t width = minwidth_;
      bool all_empty = true;
      while (stop < end && lines_[stop].cells.size() > column) {
        const auto w = lines_[stop].cells[column].size() + padding_;
        width = std::max(width, w);
        if (!lines_[stop].cells[column].empty()) all_empty = false;
        ++stop;
      }
      if (all_empty) width = 0;  // Go: a column of empty cells takes no room (DiscardEmptyColumns off: padding only)
      for (std::size_t k = l; k < stop; ++k) {
        if (widths_[k].size() <= column) widths_[k].resize(column + 1, 0);
        widths_[k][column] = all_empty ? padding_ : width;
      }
      format(l, stop, column + 1);
      l = stop - 1;
    }
  }
  std::size_t minwidth_, padding_;
  std::vector<Line> lines_;
  std::vector<std::vector<std::size_t>> widths_;
};

// describe's PrefixWriter: two spaces per level.
class Describer {
 public:
  void write(int level, const std::string& key_and_tabs) { tw_.line(std::string(2 * level, ' ') + key_and_tabs); }
  // "Labels:\tk=v" then "\tk2=v2" lines, or "<none>".
  void map(const std::string& key, const json::value* object) {
    if (!object || !object->is_object() || object->get_object().empty()) {
      write(0, key + ":\t<none>");
      return;
    }
    std::vector<std::string> items;
    for (const auto& kv : object->get_object()) items.push_back(std::string(kv.key()) + "=" + text(kv.value()));
    std::sort(items.begin(), items.end());
    for (std::size_t i = 0; i < items.size(); ++i) write(0, (i == 0 ? key + ":" : std::string()) + "\t" + items[i]);
  }
  static std::string text(const json::value& v) { return text_of(v); }
  std::string str() { return tw_.str(); }

 private:
  GoTabWriter tw_{0, 2};
};

// kubectl prints times in RFC 1123Z: Thu, 01 Jan 2026 00:00:00 +0000.
constexpr const char* kCreatedText = "Thu, 01 Jan 2026 00:00:00 +0000";

std::string describe_node(const Cluster& c, const ApiObject& o) {
  const json::value v(o.json);
  Describer d;
  d.write(0, "Name:\t" + o.name);
  d.write(0, "Roles:\t" + field_text(v, {"metadata", "labels", "kubernetes.io/role"}));
  d.map("Labels", field_at(v, {"metadata", "labels"}));
  d.write(0, "Annotations:\t<none>");
  d.write(0, std::string("CreationTimestamp:\t") + kCreatedText);
  d.write(0, "Taints:\t<none>");
  d.write(0, "Unschedulable:\tfalse");
  d.write(0, "Conditions:");
  d.write(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
  d.write(1, "----\t------\t-----------------\t------------------\t------\t-------");
  for (const auto& cond : field_at(v, {"status", "conditions"})->as_array()) {
    d.write(1, Describer::text(cond.at("type")) + "\t" + Describer::text(cond.at("status")) + "\t" + kCreatedText + "\t" +
                   kCreatedText + "\t" + Describer::text(cond.at("reason")) + "\t" + Describer::text(cond.at("message")));
  }
  d.write(0, "Addresses:");
  for (const auto& a : field_at(v, {"status", "addresses"})->as_array()) {
    d.write(1, Describer::text(a.at("type")) + ":\t" + Describer::text(a.at("address")));
  }
  for (const char* section : {"capacity", "allocatable"}) {
    d.write(0, std::string(section[0] == 'c' ? "Capacity" : "Allocatable") + ":");
    for (const auto& kv : field_at(v, {"status", section})->as_object()) d.write(1, std::string(kv.key()) + ":\t" + Describer::text(kv.value()));
  }
  d.write(0, "System Info:");
  const auto& info = *field_at(v, {"status", "nodeInfo"});
  d.write(1, "Kernel Version:\t" + field_text(info, {"kernelVersion"}));
  d.write(1, "OS Image:\t" + field_text(info, {"osImage"}));
  d.write(1, "Operating System:\t" + field_text(info, {"operatingSystem"}));
  d.write(1, "Architecture:\t" + field_text(info, {"architecture"}));
  d.write(1, "Container Runtime Version:\t" + field_text(info, {"containerRuntimeVersion"}));
  d.write(1, "Kubelet Version:\t" + field_text(info, {"kubeletVersion"}));
  d.write(0, "PodCIDR:\t" + field_text(v, {"spec", "podCIDR"}));
  std::string cidrs;
  if (const auto* list = field_at(v, {"spec", "podCIDRs"})) {
    for (const auto& e : list->as_array()) cidrs += (cidrs.empty() ? "" : ",") + Describer::text(e);
  }
  d.write(0, "PodCIDRs:\t" + (cidrs.empty() ? std::string("<none>") : cidrs));
  d.write(0, "ProviderID:\t" + field_text(v, {"spec", "providerID"}));
  std::vector<std::pair<std::string, std::string>> pods;
  for (PodIndex p = 0; p < c.pods().size(); ++p) {
    if (c.nodes()[c.pods()[p].node].name == o.name) pods.emplace_back(c.pod_namespace(p), c.pod_name(p));
  }
  std::sort(pods.begin(), pods.end());
  d.write(0, "Non-terminated Pods:\t(" + std::to_string(pods.size()) + " in total)");
  d.write(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
  d.write(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---");
  for (const auto& [ns, name] : pods) d.write(1, ns + "\t" + name + "\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t" + std::string(kSimulatedAge));
  d.write(0, "Events:\t<none>");
  return d.str();
}

std::string describe_pod(const ApiObject& o) {
  const json::value v(o.json);
  Describer d;
  d.write(0, "Name:\t" + o.name);
  d.write(0, "Namespace:\t" + o.namespace_);
  d.write(0, "Priority:\t0");
  d.write(0, "Service Account:\tdefault");
  d.write(0, "Node:\t" + field_text(v, {"spec", "nodeName"}) + "/" + field_text(v, {"status", "hostIP"}));
  d.write(0, std::string("Start Time:\t") + kCreatedText);
  d.map("Labels", field_at(v, {"metadata", "labels"}));
  d.write(0, "Annotations:\t<none>");
  d.write(0, "Status:\t" + field_text(v, {"status", "phase"}));
  d.write(0, "IP:\t" + field_text(v, {"status", "podIP"}));
  d.write(0, "IPs:");
  for (const auto& ip : field_at(v, {"status", "podIPs"})->as_array()) d.write(1, "IP:\t" + Describer::text(ip.at("ip")));
  if (const auto* owners = field_at(v, {"metadata", "ownerReferences"}); owners && !owners->as_array().empty()) {
    const auto& owner = owners->as_array()[0];
    d.write(0, "Controlled By:\t" + Describer::text(owner.at("kind")) + "/" + Describer::text(owner.at("name")));
  }
  d.write(0, "Containers:");
  for (const auto& container : field_at(v, {"status", "containerStatuses"})->as_array()) {
    d.write(1, Describer::text(container.at("name")) + ":");
    d.write(2, "Image:\t" + Describer::text(container.at("image")));
    d.write(2, "State:\tRunning");
    d.write(3, std::string("Started:\t") + kCreatedText);
    d.write(2, "Ready:\tTrue");
    d.write(2, "Restart Count:\t0");
    d.write(2, "Environment:\t<none>");
  }
  d.write(0, "Conditions:");
  d.write(1, "Type\tStatus");
  for (const auto& cond : field_at(v, {"status", "conditions"})->as_array()) {
    d.write(1, Describer::text(cond.at("type")) + " \t" + Describer::text(cond.at("status")) + " ");
  }
  d.write(0, "QoS Class:\t" + field_text(v, {"status", "qosClass"}));
  d.write(0, "Node-Selectors:\t<none>");
  d.write(0, "Tolerations:\t<none>");
  d.write(0, "Events:\t<none>");
  return d.str();
}

std::string describe_service(const Cluster& c, const ApiObject& o) {
  const json::value v(o.json);
  Describer d;
  d.write(0, "Name:\t" + o.name);
  d.write(0, "Namespace:\t" + o.namespace_);
  d.map("Labels", field_at(v, {"metadata", "labels"}));
  d.write(0, "Annotations:\t<none>");
  std::string selector;
  if (const auto* s = field_at(v, {"spec", "selector"})) {
    for (const auto& kv : s->as_object()) selector += (selector.empty() ? "" : ",") + std::string(kv.key()) + "=" + Describer::text(kv.value());
  }
  d.write(0, "Selector:\t" + (selector.empty() ? std::string("<none>") : selector));
  d.write(0, "Type:\t" + field_text(v, {"spec", "type"}));
  d.write(0, "IP Family Policy:\t" + field_text(v, {"spec", "ipFamilyPolicy"}));
  d.write(0, "IP Families:\tIPv4");
  d.write(0, "IP:\t" + field_text(v, {"spec", "clusterIP"}));
  d.write(0, "IPs:\t" + field_text(v, {"spec", "clusterIP"}));
  // The endpoints of each port, from the Endpoints object of the same name.
  std::vector<std::string> pods;
  for (ServiceIndex s = 0; s < c.services().size(); ++s) {
    if (c.service_spec(s).name != o.name || c.service_spec(s).namespace_ != o.namespace_) continue;
    for (PodIndex p : c.services()[s].endpoints) pods.push_back(c.pods()[p].ip.to_string());
  }
  for (const auto& port : field_at(v, {"spec", "ports"})->as_array()) {
    const auto name = port.as_object().contains("name") ? Describer::text(port.at("name")) : std::string("<unset>");
    d.write(0, "Port:\t" + name + "  " + Describer::text(port.at("port")) + "/" + Describer::text(port.at("protocol")));
    d.write(0, "TargetPort:\t" + Describer::text(port.at("targetPort")) + "/" + Describer::text(port.at("protocol")));
    std::string endpoints;
    for (const auto& ip : pods) endpoints += (endpoints.empty() ? "" : ",") + ip + ":" + Describer::text(port.at("targetPort"));
    d.write(0, "Endpoints:\t" + (endpoints.empty() ? std::string("<none>") : endpoints));
  }
  d.write(0, "Session Affinity:\t" + field_text(v, {"spec", "sessionAffinity"}));
  d.write(0, "Internal Traffic Policy:\t" + field_text(v, {"spec", "internalTrafficPolicy"}));
  d.write(0, "Events:\t<none>");
  return d.str();
}

}  // namespace

std::string view_describe(const Cluster& c, ApiKind kind, const std::string& namespace_, const std::string& name) {
  const auto objects = api_objects(c, kind);
  const auto it = std::find_if(objects.begin(), objects.end(), [&](const ApiObject& o) {
    return o.name == name && (o.namespace_.empty() || o.namespace_ == namespace_);
  });
  if (it == objects.end()) throw std::invalid_argument(not_found_message(kind, name, namespace_, false));
  switch (kind) {
    case ApiKind::Node: return describe_node(c, *it);
    case ApiKind::Pod: return describe_pod(*it);
    case ApiKind::Service: return describe_service(c, *it);
    default: break;
  }
  throw std::invalid_argument(std::string("describe ") + api_kind_name(kind).plural +
                              " is not supported: expected node, pod or svc");
}

}  // namespace cnisim::cluster
