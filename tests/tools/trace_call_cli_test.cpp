// `cnisim trace --call`: the options that go with it and the ones that do not.
#include <catch2/catch.hpp>

#include "tests/tools/run_cnisim.hpp"

using cnisim::testing::run_cnisim;

namespace {
const std::string kSeed = "trace -f scenarios/seed-walkthrough.yaml ";
const std::string kEnds = " pod/nginx-c7vhv85b8x-6dszv svc/nginx";
}  // namespace

TEST_CASE("trace with call prints every segment of a TCP call to a Service") {
  const auto r = run_cnisim(kSeed + "--call --request 300 --response 5000" + kEnds);
  REQUIRE(r.exitCode == 0);
  CHECK_THAT(r.out, Catch::Contains("TCP call from pod default/nginx-c7vhv85b8x-6dszv to Service default/nginx"));
  CHECK_THAT(r.out, Catch::Contains("request 300 bytes, response 5000 bytes, MSS 1448, TCP_NODELAY"));
  CHECK_THAT(r.out, Catch::Contains("client -> server  [SYN]"));
  CHECK_THAT(r.out, Catch::Contains("len 1448"));
  CHECK_THAT(r.out, Catch::Contains("The response was complete at"));
  const auto again = run_cnisim(kSeed + "--call --request 300 --response 5000" + kEnds);
  CHECK(again.out == r.out);
  CHECK_THAT(run_cnisim(kSeed + "--call --nagle" + kEnds).out, Catch::Contains("Nagle on"));
}

TEST_CASE("trace refuses call options without call and a packet size with it") {
  for (const char* bad : {"--request 10", "--response 10", "--nagle", "--call --size 100", "--call --request 0",
                          "--call --response lots"}) {
    INFO(bad);
    const auto r = run_cnisim(kSeed + bad + kEnds);
    CHECK(r.exitCode == 2);
    CHECK_FALSE(r.err.empty());
  }
}
