#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "sim/random.hpp"
#include "sim/simulator.hpp"

using namespace cnisim::sim;

// Counts heap allocations made by this thread, to check that scheduling does not allocate. Not under
// the sanitizers: ASan owns operator new there (the Release run in CI checks allocations).
#ifndef CNISIM_SANITIZE
namespace {
thread_local std::uint64_t g_allocations = 0;
}
// Every non-aligned form is replaced, so that new and delete always pair up (ASan checks that).
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

#define FOR_EACH_QUEUE auto kind = GENERATE(QueueKind::BinaryHeap, QueueKind::RadixHeap)

TEST_CASE("events run in time order and advance the clock", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  std::vector<std::int64_t> seen;
  sim.schedule_at(us(3), [&] { seen.push_back(sim.now().ps()); });
  sim.schedule_at(us(1), [&] { seen.push_back(sim.now().ps()); });
  sim.schedule_in(us(2), [&] { seen.push_back(sim.now().ps()); });
  sim.run();
  CHECK(seen == std::vector<std::int64_t>{us(1).ps(), us(2).ps(), us(3).ps()});
  CHECK(sim.events_executed() == 3);
  CHECK(sim.pending() == 0);
  CHECK(sim.now() == us(3));
}

TEST_CASE("events at equal times run in the order they were scheduled", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  std::string order;
  sim.schedule_at(ns(10), [&] {
    order += 'a';
    sim.schedule_in(Time::zero(), [&] { order += 'd'; });  // same time, scheduled last: runs last
  });
  sim.schedule_at(ns(10), [&] { order += 'b'; });
  sim.schedule_at(ns(10), [&] { order += 'c'; });
  sim.run();
  CHECK(order == "abcd");
}

TEST_CASE("scheduling in the past is an error that says what was asked and what now is", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  sim.schedule_at(us(5), [] {});
  sim.run();
  REQUIRE_THROWS_WITH(sim.schedule_at(us(2), [] {}),
                      "cannot schedule an event at 2.000 us: the simulation is already at 5.000 us and time "
                      "only moves forward (schedule at now() or later)");
  REQUIRE_THROWS_AS(sim.schedule_in(Time::zero() - ns(1), [] {}), SchedulingError);
}

TEST_CASE("a cancelled event does not run and cancel reports whether it was pending", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  int ran = 0;
  auto a = sim.schedule_at(us(1), [&] { ran += 1; });
  auto b = sim.schedule_at(us(2), [&] { ran += 10; });
  CHECK(sim.pending() == 2);
  CHECK(sim.cancel(b));
  CHECK_FALSE(sim.cancel(b));
  CHECK(sim.pending() == 1);
  // The freed slot is reused by a new event; the stale queue entry must not run it twice.
  sim.schedule_at(us(2), [&] { ran += 100; });
  sim.run();
  CHECK(ran == 101);
  CHECK_FALSE(sim.cancel(a));  // already ran
  CHECK_FALSE(sim.cancel(EventId{}));
}

TEST_CASE("an event can cancel another one scheduled at the same time", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  int ran = 0;
  EventId second;
  sim.schedule_at(ns(1), [&] { CHECK(sim.cancel(second)); });
  second = sim.schedule_at(ns(1), [&] { ++ran; });
  sim.run();
  CHECK(ran == 0);
  CHECK(sim.events_executed() == 1);
}

TEST_CASE("run_until runs events up to and including the limit and then sets the clock to it", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  int ran = 0;
  sim.schedule_at(us(1), [&] { ++ran; });
  sim.schedule_at(us(2), [&] { ++ran; });
  sim.schedule_at(us(3), [&] { ++ran; });
  sim.run_until(us(2));
  CHECK(ran == 2);
  CHECK(sim.now() == us(2));
  CHECK(sim.pending() == 1);
  sim.run_until(us(10));
  CHECK(ran == 3);
  CHECK(sim.now() == us(10));
}

TEST_CASE("stop ends the run after the current event", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  int ran = 0;
  sim.schedule_at(us(1), [&] { ++ran; sim.stop(); });
  sim.schedule_at(us(2), [&] { ++ran; });
  sim.run();
  CHECK(ran == 1);
  CHECK(sim.now() == us(1));
  sim.run();  // a new run continues
  CHECK(ran == 2);
}

TEST_CASE("an exception from an event propagates and leaves the simulator usable", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  sim.schedule_at(us(1), [] { throw std::runtime_error("boom"); });
  sim.schedule_at(us(2), [] {});
  REQUIRE_THROWS_WITH(sim.run(), "boom");
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(sim.events_executed() == 2);
}

TEST_CASE("callbacks that never ran are destroyed with the simulator", "[simulator]") {
  auto token = std::make_shared<int>(1);
  {
    Simulator sim;
    sim.schedule_at(us(1), [token] {});
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);
}

TEST_CASE("large callbacks still work (they are boxed on the heap)", "[simulator]") {
  Simulator sim;
  std::array<std::uint64_t, 32> big{};
  big[31] = 42;
  std::uint64_t got = 0;
  sim.schedule_at(ns(1), [big, &got] { got = big[31]; });
  sim.run();
  CHECK(got == 42);
}

#ifndef CNISIM_SANITIZE
TEST_CASE("scheduling a small callback does not allocate once the pool is warm", "[simulator]") {
  FOR_EACH_QUEUE;
  Simulator sim(kind);
  RandomStream rng(7);
  std::uint64_t fired = 0;
  struct Hold {
    Simulator* sim;
    RandomStream* rng;
    std::uint64_t* fired;
    void operator()() const {
      ++*fired;
      sim->schedule_in(rng->exponential(us(1)), *this);
    }
  };
  for (int i = 0; i < 1000; ++i) sim.schedule_in(rng.exponential(us(1)), Hold{&sim, &rng, &fired});
  // Warm up: the pool and the queue's buckets reach their steady size. The radix heap's 2,049 buckets
  // (8-bit digits) take ~5 ms of this schedule to reach their high-water marks (seen: ~700
  // allocations per ms up to 4 ms, then under 40 per ms).
  sim.run_until(ms(5));
  const auto before = g_allocations;
  const auto fired_before = fired;
  sim.run_until(ms(9));
  const auto events = fired - fired_before;
  CHECK(events > 1'000'000);
  // Scheduling itself never allocates (callbacks live in pooled records); the radix heap's bucket
  // vectors still grow now and then when one of them reaches a new high-water mark, a number that
  // is bounded over the whole run. Allow one allocation per 10^4 events (seen: ~1 per 40,000).
  INFO("allocations: " << g_allocations - before << " over " << events << " events");
  CHECK(g_allocations - before <= events / 10'000);
}
#endif

TEST_CASE("both queues run the same random schedule and cancel mix identically", "[simulator][random]") {
  auto trace = [](QueueKind kind) {
    Simulator sim(kind);
    RandomStream rng(2024);
    std::vector<std::uint64_t> order;
    std::vector<EventId> ids;
    std::uint64_t label = 0;
    // 10^6 operations: schedule (from inside events too), cancel, and run steps.
    std::function<void(std::uint64_t)> fire = [&](std::uint64_t id) {
      order.push_back(id);
      if (rng.uniform_below(3) == 0) {
        const auto d = Time::from_ps(static_cast<std::int64_t>(rng.uniform_below(3)));
        const auto l = ++label;
        ids.push_back(sim.schedule_in(d, [&fire, l] { fire(l); }));
      }
    };
    for (int op = 0; op < 1'000'000; ++op) {
      const auto r = rng.uniform_below(10);
      if (r < 5) {
        const auto d = Time::from_ps(static_cast<std::int64_t>(rng.uniform_below(r == 0 ? 1 : 1'000'000)));
        const auto l = ++label;
        ids.push_back(sim.schedule_in(d, [&fire, l] { fire(l); }));
      } else if (r < 7 && !ids.empty()) {
        sim.cancel(ids[rng.uniform_below(ids.size())]);
      } else {
        sim.run_until(sim.now() + Time::from_ps(static_cast<std::int64_t>(rng.uniform_below(200'000))));
      }
    }
    sim.run();
    return order;
  };
  const auto ref = trace(QueueKind::BinaryHeap);
  const auto fast = trace(QueueKind::RadixHeap);
  CHECK(ref.size() > 100'000);
  REQUIRE(ref.size() == fast.size());
  const auto diverge = std::mismatch(ref.begin(), ref.end(), fast.begin());
  CHECK(diverge.first - ref.begin() == static_cast<std::ptrdiff_t>(ref.size()));
}

TEST_CASE("two simulators run side by side on different threads", "[simulator]") {
  auto work = [](std::uint64_t seed, std::uint64_t* out) {
    Simulator sim;
    RandomStream rng(seed);
    std::uint64_t sum = 0;
    for (int i = 0; i < 10'000; ++i) {
      sim.schedule_at(rng.exponential(us(100)), [&sum, &sim] { sum += static_cast<std::uint64_t>(sim.now().ps()); });
    }
    sim.run();
    *out = sum;
  };
  std::uint64_t a = 0, b = 0, c = 0;
  std::thread t1(work, 1, &a), t2(work, 1, &b);
  t1.join();
  t2.join();
  work(1, &c);
  CHECK(a == b);
  CHECK(a == c);
}
