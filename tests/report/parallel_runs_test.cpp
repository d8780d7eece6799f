#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "models/report/parallel_runs.hpp"

using cnisim::report::run_in_parallel;

TEST_CASE("parallel jobs return their results in index order whatever order they finish in") {
  // Earlier jobs sleep longer, so with several threads they finish last.
  const std::function<std::string(std::size_t)> job = [](std::size_t i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (6 - static_cast<int>(i))));
    return "job " + std::to_string(i);
  };
  const auto one = run_in_parallel<std::string>(6, 1, job);
  const auto four = run_in_parallel<std::string>(6, 4, job);
  REQUIRE(one.size() == 6);
  CHECK(one == four);
  CHECK(one[0] == "job 0");
  CHECK(one[5] == "job 5");
}

TEST_CASE("jobs run concurrently on more than one thread when asked") {
  std::atomic<int> running{0}, peak{0};
  const std::function<int(std::size_t)> job = [&](std::size_t) {
    const int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --running;
    return 0;
  };
  run_in_parallel<int>(4, 4, job);
  CHECK(peak.load() >= 2);
}

TEST_CASE("the failure of the lowest-numbered failing job is rethrown after every job ended") {
  std::atomic<int> finished{0};
  const std::function<int(std::size_t)> job = [&](std::size_t i) {
    ++finished;
    if (i == 3) throw std::runtime_error("job 3 failed");
    if (i == 1) throw std::runtime_error("job 1 failed");
    return static_cast<int>(i);
  };
  CHECK_THROWS_WITH(run_in_parallel<int>(5, 3, job), "job 1 failed");
  CHECK(finished.load() == 5);
}
