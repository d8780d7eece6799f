// One entry of services (ClusterIP) and its ports.
#include <algorithm>

#include "models/scenario/aks_facts.hpp"
#include "models/scenario/k8s_names.hpp"
#include "models/scenario/section_parsers.hpp"

namespace cnisim::scenario {

namespace {

constexpr std::string_view kServiceKeys[] = {"type",     "namespace",           "name",
                                             "selector", "ports",               "clusterIP",
                                             "externalTrafficPolicy", "internalTrafficPolicy", "sessionAffinity",
                                             "sessionAffinityConfig"};
constexpr std::string_view kPortKeys[] = {"name", "protocol", "port", "targetPort", "nodePort"};
constexpr std::string_view kAffinityConfigKeys[] = {"clientIP"};
constexpr std::string_view kClientIpKeys[] = {"timeoutSeconds"};
constexpr NamedValue<ServiceType> kServiceTypes[] = {{ServiceType::ClusterIP, "ClusterIP"},
                                                     {ServiceType::NodePort, "NodePort"}};
constexpr NamedValue<TrafficPolicy> kTrafficPolicies[] = {{TrafficPolicy::Cluster, "Cluster"},
                                                          {TrafficPolicy::Local, "Local"}};
constexpr std::string_view kProtocols[] = {"TCP", "UDP", "SCTP"};

void parse_port(FieldReader& r, const YAML::Node& node, const std::string& path, ServiceSpec& s) {
  ServicePort port;
  auto fields = r.mapping(node, path, r.mark_of(node), kPortKeys, "a service port (a mapping)");
  if (!fields) return;
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "name") {
      auto name = r.text(f, "a port name such as http");
      if (name && check_name(r, f, *name, dns_label_problem(*name), "1-63 lowercase letters, digits or '-'",
                             "port names look like 'http' or 'dns-tcp'")) {
        port.name = *name;
      }
    } else if (key == "protocol") {
      auto protocol = r.text(f, "TCP, UDP or SCTP");
      if (!protocol) continue;
      if (std::find(std::begin(kProtocols), std::end(kProtocols), *protocol) == std::end(kProtocols)) {
        r.error(f.path, r.mark_of(f), "unknown protocol " + FieldReader::quoted(*protocol),
                "TCP, UDP or SCTP", "protocols are upper case, as in Kubernetes");
      } else {
        port.protocol = *protocol;
      }
    } else if (key == "port") {
      if (auto n = r.whole_number(f, 1, 65535)) port.port = static_cast<std::uint16_t>(*n);
    } else if (key == "targetPort") {
      if (auto n = r.whole_number(f, 1, 65535, "named target ports are not modelled")) {
        port.targetPort = static_cast<std::uint16_t>(*n);
      }
    } else if (key == "nodePort") {
      // kube-apiserver's default --service-node-port-range (K8S).
      if (auto n = r.whole_number(f, aks::kNodePortFirst, aks::kNodePortLast, "the default service-node-port-range")) {
        port.nodePort = static_cast<std::uint16_t>(*n);
      }
    }
  }
  if (fields->find("port") == nullptr) {
    r.error(path + ".port", r.mark_of(node), "a service port needs a port number",
            "port: a number from 1 to 65535", "add 'port: 80' to this entry");
  }
  if (port.targetPort == 0) port.targetPort = port.port;  // Kubernetes: targetPort defaults to port
  s.ports.push_back(port);
}

}  // namespace

void parse_service(FieldReader& r, const YAML::Node& node, const std::string& path) {
  ServiceSpec s;
  auto fields = r.mapping(node, path, r.mark_of(node), kServiceKeys, "a service (a mapping)");
  if (!fields) {
    r.spec().services.push_back(s);
    return;
  }
  for (const Field& f : fields->entries) {
    const std::string& key = f.key.Scalar();
    if (key == "type") {
      auto type = r.text(f, "ClusterIP or NodePort");
      if (type && (*type == "LoadBalancer" || *type == "ExternalName")) {
        r.error(f.path, r.mark_of(f), "service type " + FieldReader::quoted(*type) + " is not modelled yet",
                "ClusterIP or NodePort",
                "the Azure load balancer in front of a Service is not modelled yet; type: NodePort models the nodes' side of "
                "it (docs/services.md)");
      } else if (auto t = r.choice<ServiceType>(f, kServiceTypes)) {
        s.type = *t;
      }
    } else if (key == "externalTrafficPolicy" || key == "internalTrafficPolicy") {
      if (auto t = r.choice<TrafficPolicy>(f, kTrafficPolicies)) {
        (key == "externalTrafficPolicy" ? s.externalTrafficPolicy : s.internalTrafficPolicy) = *t;
      }
    } else if (key == "sessionAffinity") {
      auto a = r.text(f, "None or ClientIP");
      if (a && *a != "None" && *a != "ClientIP") {
        r.error(f.path, r.mark_of(f), "unknown session affinity " + FieldReader::quoted(*a), "None or ClientIP",
                "Kubernetes knows these two");
      } else if (a) {
        s.affinityClientIP = *a == "ClientIP";
      }
    } else if (key == "sessionAffinityConfig") {
      auto config = r.mapping(f, kAffinityConfigKeys, "{clientIP: {timeoutSeconds: N}}");
      if (!config || config->entries.empty()) continue;
      auto client = r.mapping(config->entries.front(), kClientIpKeys, "{timeoutSeconds: N}");
      if (!client) continue;
      if (const Field* t = client->find("timeoutSeconds")) {
        // Kubernetes validation: 0 < timeoutSeconds <= 86400 (one day).
        if (auto n = r.whole_number(*t, 1, 86400)) s.affinityTimeoutSeconds = static_cast<std::uint32_t>(*n);
      }
    } else if (key == "namespace") {
      auto ns = r.text(f, "a namespace name");
      if (ns && check_name(r, f, *ns, dns_label_problem(*ns), "1-63 lowercase letters, digits or '-'",
                           "namespaces look like 'default'")) {
        s.namespace_ = *ns;
      }
    } else if (key == "name") {
      auto name = r.text(f, "the service's name");
      if (name && check_name(r, f, *name, service_name_problem(*name),
                             "1-63 lowercase letters, digits or '-', starting with a letter",
                             "Service names look like 'nginx'")) {
        s.name = *name;
      }
    } else if (key == "selector") {
      parse_labels(r, f, s.selector);
    } else if (key == "clusterIP") {
      if (f.value.IsScalar() && f.value.Scalar() == "None") {
        r.error(f.path, r.mark_of(f),
                "a headless Service (clusterIP: None) has no virtual address, only DNS records of its pods; "
                "headless Services are not modelled yet",
                "clusterIP: an address in serviceCidr, or no clusterIP (one is allocated)",
                "leave clusterIP out, or call the pods directly (chatty servers: {labels})");
        continue;
      }
      s.clusterIP = r.address(f);  // checked against serviceCidr with the other addresses
    } else if (key == "ports") {
      auto items = r.list(f, "ports ({name, protocol, port, targetPort})");
      if (!items) continue;
      for (std::size_t i = 0; i < items->size(); ++i) parse_port(r, (*items)[i], item_path(f.path, i), s);
    }
  }
  if (fields->find("name") == nullptr) {
    r.error(path + ".name", r.mark_of(node), "a service needs a name", "name: a name such as nginx",
            "add 'name: ...' to this service");
  }
  const Field* ports = fields->find("ports");
  if (ports == nullptr ||
      (ports->value.IsNull() || (ports->value.IsSequence() && ports->value.size() == 0))) {
    r.error(path + ".ports", ports ? r.mark_of(*ports) : r.mark_of(node), "a service needs at least one port",
            "ports: a list such as [{port: 80, targetPort: 80}]", "add the port clients connect to");
  } else if (s.ports.size() > 1) {
    for (std::size_t i = 0; i < s.ports.size(); ++i) {
      if (s.ports[i].name.empty()) {
        const std::string port_path = item_path(path + ".ports", i);
        r.error(port_path + ".name", r.spec().locate(port_path),
                "a service with several ports must name each one", "name: a port name such as http",
                "Kubernetes requires port names when there is more than one port");
      }
    }
  }
  // What the API server refuses (K8S pkg/apis/core/validation): settings of a type this Service is not.
  if (s.type != ServiceType::NodePort) {
    for (std::size_t i = 0; i < s.ports.size(); ++i) {
      const std::string port_path = item_path(path + ".ports", i) + ".nodePort";
      if (r.spec().given(port_path)) {
        r.error(port_path, r.spec().mark(port_path), "nodePort is given, but the Service is not of type NodePort",
                "type: NodePort", "add 'type: NodePort', or remove nodePort");
      }
    }
    if (const Field* f = fields->find("externalTrafficPolicy")) {
      r.error(f->path, r.mark_of(*f), "externalTrafficPolicy applies only to Services reached from outside",
              "type: NodePort", "add 'type: NodePort', or remove externalTrafficPolicy");
    }
  }
  if (const Field* f = fields->find("sessionAffinityConfig"); f && !s.affinityClientIP) {
    r.error(f->path, r.mark_of(*f), "sessionAffinityConfig is given, but sessionAffinity is not ClientIP",
            "sessionAffinity: ClientIP", "add 'sessionAffinity: ClientIP', or remove sessionAffinityConfig");
  }
  r.spec().services.push_back(s);
}

}  // namespace cnisim::scenario
