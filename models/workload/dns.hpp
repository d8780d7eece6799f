#pragma once
// A pod's name lookups as glibc's stub resolver makes them with the resolv.conf kubelet writes for
// dnsPolicy ClusterFirst (the Kubernetes docs' "DNS for Services and Pods"):
//   search <namespace>.svc.<domain> svc.<domain> <domain> [the node's own search domains]
//   nameserver <dnsServiceIP>
//   options ndots:5
// getaddrinfo with AF_UNSPEC sends an A and an AAAA query for each name it tries, in parallel from
// one socket, and waits for both (glibc resolv/res_send.c, send_dg); a name is found when either has
// an answer. Which names it tries, and in what order, is res_search's rule (glibc resolv/res_query.c,
// __res_context_search): see candidates().
#include <cstdint>
#include <string>
#include <vector>

namespace cnisim::workload::dns {

// The search list kubelet writes for a pod in `pod_namespace` (ClusterFirst), then `extra` (the
// node's search domains that kubelet appends, or a pod's dnsConfig.searches).
std::vector<std::string> search_list(const std::string& pod_namespace, const std::string& cluster_domain,
                                     const std::vector<std::string>& extra);

// The names res_search tries for `name`, each absolute (without the final dot), in order:
// - a name ending in '.': that name alone;
// - a name with at least `ndots` dots: the name as given, then the name with each search domain;
// - otherwise: the name with each search domain, then the name as given.
std::vector<std::string> candidates(const std::string& name, std::uint32_t ndots, const std::vector<std::string>& search);

// Whether CoreDNS's kubernetes plugin answers `fqdn` (the name is the cluster domain or inside it),
// rather than its forward plugin (upstream: the node's resolver, Azure DNS at 168.63.129.16 on AKS).
bool in_cluster_domain(const std::string& fqdn, const std::string& cluster_domain);

// What the answer to one query carries.
enum class Answer : std::uint8_t {
  Address,   // an A record (the Service's ClusterIP)
  NoData,    // NOERROR without records: AAAA for a Service of an IPv4 cluster (with the zone's SOA)
  NxDomain,  // no such name (with the zone's SOA)
};

// Bytes on the wire (IPv4 and UDP headers included) of a query for `fqdn` and of its answer
// (RFC 1035 section 4: a 12-byte header, the question, and the records).
std::uint32_t query_bytes(const std::string& fqdn);
std::uint32_t answer_bytes(const std::string& fqdn, Answer answer);

}  // namespace cnisim::workload::dns
