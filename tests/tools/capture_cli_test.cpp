// cnisim trace --pcap and cnisim run --pcap: a capture file per interface, a line saying what was
// written (and when the limit cut it short), and bad capture options refused with exit 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "tests/tools/run_cnisim.hpp"

namespace {

using cnisim::testing::run_cnisim;

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("cnisim-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::size_t pcap_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".pcap";
  return n;
}

}  // namespace

TEST_CASE("trace --pcap writes a capture file per interface the packets crossed and says so") {
  TempDir dir("trace-pcap");
  const auto run = run_cnisim("trace pod/nginx-c7vhv85b8x-bw7zs vm/internet-host --pcap " + dir.path.string());
  INFO(run.err);
  REQUIRE(run.exitCode == 0);
  CHECK_THAT(run.out, Catch::Contains("Round trip"));
  // The pod's eth0, cbr0, the node's eth0 and the VNet: request and reply at each.
  CHECK_THAT(run.err, Catch::Contains("capture: 8 packets in 4 files"));
  CHECK(pcap_files(dir.path) == 4);
  CHECK(std::filesystem::exists(dir.path / "default_nginx-c7vhv85b8x-bw7zs_eth0.pcap"));
  CHECK(std::filesystem::exists(dir.path / "aks-nodepool1-12883929-vmss000000_cbr0.pcap"));
  CHECK(std::filesystem::exists(dir.path / "azure-vnet_aks-vnet.pcap"));
}

TEST_CASE("run --pcap captures a run up to its limit and says how many were not kept") {
  TempDir dir("run-pcap");
  const auto run = run_cnisim("run -f scenarios/chatty-app.yaml --duration 1ms --pcap " + dir.path.string() +
                              " --pcap-limit 500 --pcap-snaplen 128");
  INFO(run.err);
  REQUIRE(run.exitCode == 0);
  CHECK_THAT(run.err, Catch::Contains("capture: 500 packets in") && Catch::Contains("more were not kept (raise --pcap-limit"));
  CHECK(pcap_files(dir.path) > 4);
}

TEST_CASE("a capture run is byte-identical from one run to the next") {
  TempDir a("pcap-a"), b("pcap-b");
  for (const auto* dir : {&a, &b}) {
    REQUIRE(run_cnisim("run -f scenarios/chatty-app.yaml --duration 200us --pcap " + dir->path.string()).exitCode == 0);
  }
  std::size_t compared = 0;
  for (const auto& e : std::filesystem::directory_iterator(a.path)) {
    CHECK(cnisim::testing::read_file(e.path().string()) == cnisim::testing::read_file((b.path / e.path().filename()).string()));
    ++compared;
  }
  CHECK(compared == pcap_files(b.path));
  CHECK(compared > 0);
}

TEST_CASE("capture options without --pcap or out of range are refused with exit 2") {
  auto run = run_cnisim("trace pod/nginx-c7vhv85b8x-bw7zs svc/nginx --pcap-limit 10");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("--pcap-limit is for a capture: give --pcap DIR too"));
  run = run_cnisim("trace pod/nginx-c7vhv85b8x-bw7zs svc/nginx --pcap /tmp/x --pcap-limit 0");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("--pcap-limit"));
  run = run_cnisim("run --pcap /tmp/x --pcap-snaplen 10");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("--pcap-snaplen"));
  TempDir file("pcap-file");
  std::ofstream(file.path) << "not a directory";
  run = run_cnisim("trace pod/nginx-c7vhv85b8x-bw7zs svc/nginx --pcap " + file.path.string());
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("exists and is not a directory"));
  CHECK(run_cnisim("compare --plugins kubenet,azure --pcap /tmp/x").exitCode == 2);  // one run only
}
