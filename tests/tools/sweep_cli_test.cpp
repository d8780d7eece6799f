// cnisim sweep as a program: the same bytes for any -j and over two MPI ranks, an HTML page, a point
// over the work budget kept as a row with its reason, and bad --vary refused with exit 2.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "tests/tools/run_cnisim.hpp"

namespace {

using cnisim::testing::run_cnisim;

const std::string kSweep =
    "sweep -f scenarios/chatty-app.yaml --vary plugin=kubenet,azure --vary nodes=3,10,40 --duration 2ms";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("a sweep's CSV and JSON are byte-identical with one thread and with two") {
  for (const char* format : {"csv", "json"}) {
    const auto one = run_cnisim(kSweep + " -o " + format + " -j 1");
    const auto two = run_cnisim(kSweep + " -o " + format + " -j 2");
    INFO(one.err);
    REQUIRE(one.exitCode == 0);
    REQUIRE(two.exitCode == 0);
    CHECK(one.out == two.out);
  }
  const auto csv = run_cnisim(kSweep + " -o csv -j 2").out;
  CHECK(count(csv, "\n") == 7);  // the header and six points
  CHECK_THAT(csv, Catch::Contains("\n5,azure,40,"));
}

TEST_CASE("a sweep over two MPI ranks prints what one thread prints") {
#ifndef CNISIM_HAVE_MPI
  std::cout << "SKIPPED: this cnisim was built without MPI (install openmpi-bin and libboost-mpi1.81-dev)" << std::endl;
  WARN("SKIPPED: built without MPI");
  return;
#endif
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) {
    std::cout << "SKIPPED: needs mpirun (Debian openmpi-bin; tools/setup.sh installs it)" << std::endl;
    WARN("SKIPPED: needs mpirun");
    return;
  }
  const auto one = run_cnisim(kSweep + " -o csv -j 1");
  REQUIRE(one.exitCode == 0);
  // mpirun starts the binary itself: run_cnisim's binary path is the last word of its command line.
  const std::string binary = CNISIM_BINARY;
  const std::string out = (std::filesystem::temp_directory_path() / ("cnisim-mpi-" + std::to_string(::getpid()) + ".csv")).string();
  const std::string command = "cd '" + cnisim::testing::source_dir() + "' && mpirun --oversubscribe --allow-run-as-root -np 2 '" +
                              binary + "' " + kSweep + " -o csv -j 1 > '" + out + "' 2>/dev/null";
  const int rc = std::system(command.c_str());
  const auto two_ranks = cnisim::testing::read_file(out);
  std::filesystem::remove(out);
  REQUIRE(rc == 0);
  CHECK(two_ranks == one.out);
}

TEST_CASE("a sweep writes an HTML page with a chart per headline metric") {
  const auto path = std::filesystem::temp_directory_path() / ("cnisim-sweep-" + std::to_string(::getpid()) + ".html");
  const auto run = run_cnisim(kSweep + " --html " + path.string());
  REQUIRE(run.exitCode == 0);
  const auto html = cnisim::testing::read_file(path.string());
  std::filesystem::remove(path);
  CHECK(count(html, "<svg ") >= 4);
  CHECK_THAT(html, Catch::Contains("data-series=\"plugin=kubenet\""));
  CHECK_THAT(run.out, Catch::Contains("plugin   nodes"));
}

TEST_CASE("a point over the work budget keeps its row with the reason and the sweep goes on") {
  const auto run = run_cnisim("sweep -f scenarios/chatty-app.yaml --vary concurrency=1,100 --duration 2ms --max-events 100000 -o csv");
  INFO(run.err);
  REQUIRE(run.exitCode == 0);
  CHECK_THAT(run.err, Catch::Contains("cnisim sweep: point 1 not run:"));
  CHECK_THAT(run.out, Catch::Contains("\n0,1,") && Catch::Contains("more than the budget"));
}

TEST_CASE("bad sweep options are refused with exit 2 and what is expected") {
  auto run = run_cnisim("sweep -f scenarios/chatty-app.yaml");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("needs at least one --vary"));
  run = run_cnisim("sweep -f scenarios/chatty-app.yaml --vary pods=1");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("unknown key 'pods'"));
  run = run_cnisim("sweep -f scenarios/chatty-app.yaml --vary nodes=3 --vary nodes=4");
  CHECK(run.exitCode == 2);
  CHECK_THAT(run.err, Catch::Contains("given twice"));
  run = run_cnisim("sweep -f scenarios/seed-walkthrough.yaml --vary rate=10");
  CHECK(run.exitCode == 2);
  run = run_cnisim("sweep -f scenarios/chatty-app.yaml --vary nodes=3 -o xml");
  CHECK(run.exitCode == 2);
}
