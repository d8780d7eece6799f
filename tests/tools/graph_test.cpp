// cnisim graph: the DOT is drawn to be read (a box per node, the kinds coloured, a legend), and,
// through Graphviz, a 3-node cluster is a picture of ordinary size.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <cstdio>

#include "tests/tools/run_cnisim.hpp"

namespace {

using cnisim::testing::run_cnisim;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

bool have_dot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

// The width and height of a PNG, from its IHDR chunk (bytes 16..23, big-endian).
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  REQUIRE(png.size() > 24);
  REQUIRE(png.compare(1, 3, "PNG") == 0);
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

}  // namespace

TEST_CASE("the topology has a Graphviz box per node and a legend of the device kinds present") {
  const auto run = run_cnisim("graph");
  REQUIRE(run.exitCode == 0);
  CHECK(count(run.out, "subgraph cluster_node") == 3);
  CHECK(count(run.out, "subgraph cluster_legend") == 1);
  // The seed's kubenet cluster has every kind: a legend entry per kind, each with its own colour.
  for (const char* legend : {"pod (its network namespace)", "bridge (cbr0)", "node NIC (eth0)", "Azure VNet (SDN router)"}) {
    CHECK(count(run.out, legend) == 1);
  }
  // Short labels, full names as tooltips: a pod's label drops the ReplicaSet hash.
  CHECK(run.out.find("tooltip=\"kube-system/coredns-cfn2th6xr8-4v8cf\"") != std::string::npos);
  CHECK(run.out.find("label=\"coredns-4v8cf\\n10.244.0.2\"") != std::string::npos);
  // Edges carry their link kind; the azure cluster has no bridge, so no bridge in its legend.
  CHECK(run.out.find("label=port") != std::string::npos);
  const auto azure = run_cnisim("graph --plugin azure");
  REQUIRE(azure.exitCode == 0);
  CHECK(count(azure.out, "bridge (cbr0)") == 0);
  CHECK(azure.out.find("label=routed") != std::string::npos);
}

TEST_CASE("a 3-node cluster drawn by Graphviz is narrower than 2000 pixels and the SVG is a document") {
  if (!have_dot()) {
    std::cout << "SKIPPED: needs Graphviz's dot (tools/setup.sh installs graphviz)" << std::endl;
    WARN("SKIPPED: needs Graphviz's dot");
    return;
  }
  const std::string png_path = "/tmp/cnisim-graph-test-" + std::to_string(::getpid()) + ".png";
  for (const char* plugin : {"kubenet", "azure", "overlay", "cilium"}) {
    INFO(plugin);
    const auto run = run_cnisim(std::string("graph --format png -o ") + png_path + " --plugin " + plugin);
    REQUIRE(run.exitCode == 0);
    bool found = false;
    const auto png = cnisim::testing::read_file(png_path, &found);
    REQUIRE(found);
    const auto [width, height] = png_size(png);
    CHECK(width < 2000);
    CHECK(height < 2000);
    CHECK(width > 300);  // not an empty picture
  }
  std::remove(png_path.c_str());
  const auto svg = run_cnisim("graph --format svg");
  REQUIRE(svg.exitCode == 0);
  CHECK(svg.out.rfind("<?xml", 0) == 0);
  CHECK(svg.out.find("<svg") != std::string::npos);
  // The full name is the tooltip (Graphviz writes '-' as &#45;).
  CHECK(svg.out.find("xlink:title=\"kube&#45;system/coredns&#45;cfn2th6xr8&#45;4v8cf\"") != std::string::npos);
}

TEST_CASE("an unknown graph format is refused with the formats there are") {
  const auto run = run_cnisim("graph --format pdf");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("expected dot, svg or png"));
}
