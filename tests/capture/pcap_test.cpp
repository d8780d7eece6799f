// Packet captures read back with the real tools: tcpdump opens every file, and tshark (checksums
// checked) sees at each capture point the addresses, ports and arrival times the trace recorded there,
// with the masquerade visible on the node's side and the Service DNAT on the way out.
#include "models/capture/pcap_capture.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "models/dataplane/endpoint_ref.hpp"
#include "models/dataplane/trace.hpp"
#include "tests/dataplane/dataplane_fixture.hpp"

using namespace cnisim;
using dataplane::testing::Bench;

namespace {

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

bool skip_without_tools() {
  if (have("tcpdump") && have("tshark")) return false;
  std::cout << "SKIPPED: needs tcpdump and tshark (tools/setup.sh installs them)" << std::endl;
  WARN("SKIPPED: needs tcpdump and tshark");
  return true;
}

// What a command printed on stdout, and its exit status.
std::pair<int, std::string> output_of(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  return {pclose(pipe), out};
}

struct Seen {
  std::int64_t ns = 0;
  std::string src, dst, sport, dport;
  bool checksums_good = false;
};

// tshark's view of a file, checksums verified: one entry per frame.
std::vector<Seen> tshark(const std::filesystem::path& file) {
  const auto [status, out] = output_of(
      "tshark -r '" + file.string() +
      "' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields -E separator=, "
      "-e frame.time_epoch -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport "
      "-e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status");
  REQUIRE(status == 0);
  std::vector<Seen> seen;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    f.resize(10);
    Seen s;
    const auto dot = f[0].find('.');
    REQUIRE(dot != std::string::npos);
    REQUIRE(f[0].size() - dot - 1 == 9);  // nanosecond precision
    s.ns = std::stoll(f[0].substr(0, dot)) * 1000000000 + std::stoll(f[0].substr(dot + 1));
    s.src = f[1];
    s.dst = f[2];
    s.sport = f[3].empty() ? f[5] : f[3];
    s.dport = f[4].empty() ? f[6] : f[4];
    // "1" is Good; a transport checksum is checked for TCP and UDP.
    s.checksums_good = f[7] == "1" && (f[8] == "1" || f[9] == "1");
    seen.push_back(s);
  }
  return seen;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("cnisim-pcap-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// The exchange captured into dir: the hops and what was written.
std::pair<dataplane::Exchange, capture::CaptureSummary> captured_exchange(const Bench& b, dataplane::HostRef from,
                                                                          const net::FiveTuple& tuple,
                                                                          const std::filesystem::path& dir) {
  capture::PacketCapture capture(b.cluster, capture::CaptureOptions{dir, 1000, 262144});
  auto x = dataplane::exchange(b.cluster, b.profile, from, tuple, 200, true, 1, &capture);
  return {std::move(x), capture.write()};
}

// Every capture file holds what the trace says reached its device, in order: the header as it
// arrived and the arrival time (ns); checksums good; tcpdump reads it too.
void check_files_against_trace(const dataplane::Exchange& x, const capture::CaptureSummary& s) {
  REQUIRE_FALSE(s.files.empty());
  for (const auto& file : s.files) {
    CAPTURE(file.path.string());
    std::vector<const dataplane::TraceHop*> expected;
    for (const auto* hops : {&x.request_hops, &x.reply_hops}) {
      for (const auto& h : *hops) {
        if (h.device == file.device) expected.push_back(&h);
      }
    }
    const auto seen = tshark(file.path);
    REQUIRE(seen.size() == expected.size());
    CHECK(file.packets == seen.size());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      CHECK(seen[i].ns == expected[i]->arrive_ps / 1000);
      CHECK(seen[i].src == expected[i]->before.src.to_string());
      CHECK(seen[i].dst == expected[i]->before.dst.to_string());
      CHECK(seen[i].sport == std::to_string(expected[i]->before.src_port));
      CHECK(seen[i].dport == std::to_string(expected[i]->before.dst_port));
      CHECK(seen[i].checksums_good);
    }
    const auto [status, text] = output_of("tcpdump -nn --nano -tt -r '" + file.path.string() + "'");
    CHECK(status == 0);
    CHECK(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) == seen.size());
  }
}

const capture::CaptureFile& file_of(const capture::CaptureSummary& s, cluster::DeviceId device) {
  for (const auto& f : s.files) {
    if (f.device == device) return f;
  }
  FAIL("no capture file for device " << device);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a capture of a UDP exchange with the internet shows the pod's address inside and the node's outside") {
  if (skip_without_tools()) return;
  Bench b(scenario::PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto& pod = b.cluster.pods()[b.pod("client")];
  const auto& node = b.cluster.nodes()[pod.node];
  const auto internet = dataplane::resolve_endpoint(b.cluster, "vm/internet-host");
  const net::FiveTuple tuple{net::Protocol::Udp, pod.ip, 40000, internet.ip, 53};
  TempDir dir;
  const auto [x, summary] = captured_exchange(b, client, tuple, dir.path);
  REQUIRE(x.answered);
  check_files_against_trace(x, summary);
  // The pod's eth0 and cbr0 see the pod's address both ways; the node's eth0 and the VNet the node's.
  for (auto device : {pod.vethPod, node.podAttach}) {
    const auto seen = tshark(file_of(summary, device).path);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].src == pod.ip.to_string());
    CHECK(seen[1].dst == pod.ip.to_string());
  }
  for (auto device : {node.nic, b.cluster.vnet_router()}) {
    const auto seen = tshark(file_of(summary, device).path);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].src == node.ip.to_string());
    CHECK(seen[1].dst == node.ip.to_string());
  }
  CHECK(std::filesystem::path(file_of(summary, pod.vethPod).path).filename().string().ends_with("_eth0.pcap"));
}

TEST_CASE("a capture of a Service call shows the ClusterIP in the pod and the endpoint on the wire under every plugin") {
  if (skip_without_tools()) return;
  for (auto plugin : {scenario::PluginKind::Kubenet, scenario::PluginKind::AzureNodeSubnet, scenario::PluginKind::AzureOverlay,
                      scenario::PluginKind::Cilium}) {
    CAPTURE(cluster::to_string(plugin));
    Bench b(plugin);
    const auto client = b.host("client");
    const auto& pod = b.cluster.pods()[b.pod("client")];
    const auto svc = dataplane::resolve_endpoint(b.cluster, "svc/server");
    const net::FiveTuple tuple{net::Protocol::Tcp, pod.ip, 40000, svc.ip, svc.port};
    TempDir dir;
    const auto [x, summary] = captured_exchange(b, client, tuple, dir.path);
    REQUIRE(x.answered);
    check_files_against_trace(x, summary);
    const auto inside = tshark(file_of(summary, pod.vethPod).path);
    REQUIRE(inside.size() == 2);
    CHECK(inside[0].dst == svc.ip.to_string());
    CHECK(inside[1].src == svc.ip.to_string());  // the reply, translated back
    const auto outside = tshark(file_of(summary, b.cluster.nodes()[pod.node].nic).path);
    REQUIRE(outside.size() == 2);
    CHECK(outside[0].dst == b.cluster.pods()[b.pod("server")].ip.to_string());
  }
}

TEST_CASE("a capture keeps at most its limit of packets and counts the rest") {
  Bench b(scenario::PluginKind::Kubenet);
  const auto client = b.host("client");
  const auto& pod = b.cluster.pods()[b.pod("client")];
  const net::FiveTuple tuple{net::Protocol::Icmp, pod.ip, 1, b.cluster.pods()[b.pod("server")].ip, 0};
  TempDir dir;
  capture::PacketCapture capture(b.cluster, capture::CaptureOptions{dir.path, 3, 262144});
  const auto x = dataplane::exchange(b.cluster, b.profile, client, tuple, 64, true, 1, &capture);
  REQUIRE(x.answered);
  const auto summary = capture.write();
  CHECK(summary.packets == 3);
  CHECK(summary.not_kept > 0);
  std::uint64_t in_files = 0;
  for (const auto& f : summary.files) in_files += f.packets;
  CHECK(in_files == 3);
  CHECK_THAT(summary.text(), Catch::Contains("3 packets") && Catch::Contains("raise --pcap-limit"));
}
