#include "models/net/five_tuple.hpp"

namespace cnisim::net {

std::string_view to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::Icmp: return "ICMP";
    case Protocol::Tcp: return "TCP";
    case Protocol::Udp: return "UDP";
    case Protocol::Ipip: return "IPIP";
    case Protocol::Sctp: return "SCTP";
  }
  return "?";
}

std::string Endpoint::to_string() const {
  std::string out = ip.to_string();
  out.append(":").append(std::to_string(port));
  return out;
}

std::string FiveTuple::to_string() const {
  std::string out(net::to_string(protocol));
  if (protocol == Protocol::Ipip) {  // no ports: an outer IP header
    out.append(" ").append(src.to_string()).append(" -> ").append(dst.to_string());
    return out;
  }
  out.append(" ").append(Endpoint{src, src_port}.to_string()).append(" -> ").append(Endpoint{dst, dst_port}.to_string());
  return out;
}

}  // namespace cnisim::net
