#include "models/workload/dns.hpp"

#include <algorithm>

namespace cnisim::workload::dns {

namespace {

constexpr std::uint32_t kIpUdpHeaders = 28;  // IPv4 (20) + UDP (8)
constexpr std::uint32_t kDnsHeader = 12;     // RFC 1035 4.1.1
constexpr std::uint32_t kQuestionTail = 4;   // QTYPE and QCLASS
// An A record whose owner is a pointer to the question's name: pointer 2, TYPE 2, CLASS 2, TTL 4,
// RDLENGTH 2, the address 4 (RFC 1035 4.1.3, 4.1.4).
constexpr std::uint32_t kAddressRecord = 16;
// The zone's SOA in the authority section of a NODATA or NXDOMAIN answer, compressed, as CoreDNS's
// kubernetes plugin writes it (ns.dns.<domain> hostmaster.<domain>): owner pointer 2, fixed fields 10,
// MNAME 9, RNAME 13, five 32-bit numbers 20. Taken for upstream answers too (their zones' SOAs are of
// this size within tens of bytes).
constexpr std::uint32_t kSoaRecord = 54;

std::string without_final_dot(const std::string& name) {
  return !name.empty() && name.back() == '.' ? name.substr(0, name.size() - 1) : name;
}

}  // namespace

std::vector<std::string> search_list(const std::string& pod_namespace, const std::string& cluster_domain,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> list{pod_namespace + ".svc." + cluster_domain, "svc." + cluster_domain, cluster_domain};
  for (const auto& domain : extra) {
    const std::string d = without_final_dot(domain);
    if (std::find(list.begin(), list.end(), d) == list.end()) list.push_back(d);  // kubelet drops repeats
  }
  return list;
}

std::vector<std::string> candidates(const std::string& name, std::uint32_t ndots, const std::vector<std::string>& search) {
  if (!name.empty() && name.back() == '.') return {without_final_dot(name)};
  const auto dots = static_cast<std::uint32_t>(std::count(name.begin(), name.end(), '.'));
  std::vector<std::string> out;
  if (dots >= ndots) out.push_back(name);  // enough dots: as given first
  for (const auto& domain : search) out.push_back(name + "." + domain);
  if (dots < ndots) out.push_back(name);  // not tried as given yet: last
  return out;
}

bool in_cluster_domain(const std::string& fqdn, const std::string& cluster_domain) {
  if (fqdn == cluster_domain) return true;
  return fqdn.size() > cluster_domain.size() &&
         fqdn.compare(fqdn.size() - cluster_domain.size(), cluster_domain.size(), cluster_domain) == 0 &&
         fqdn[fqdn.size() - cluster_domain.size() - 1] == '.';
}

std::uint32_t query_bytes(const std::string& fqdn) {
  // The name as labels: a length byte per label and the root's zero byte (its length plus 2).
  const auto qname = static_cast<std::uint32_t>(without_final_dot(fqdn).size()) + 2;
  return kIpUdpHeaders + kDnsHeader + qname + kQuestionTail;
}

std::uint32_t answer_bytes(const std::string& fqdn, Answer answer) {
  return query_bytes(fqdn) + (answer == Answer::Address ? kAddressRecord : kSoaRecord);
}

}  // namespace cnisim::workload::dns
