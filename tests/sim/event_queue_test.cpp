// One contract over every event-queue implementation, plus a randomized check that all of them pop the
// identical sequence.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sim/binary_heap_queue.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/random.hpp"

using namespace cnisim::sim;

TEMPLATE_TEST_CASE("an event queue pops entries in (time, seq) order", "[queue][contract]", BinaryHeapQueue<>,
                   RadixHeapQueue<>) {
  TestType q;
  REQUIRE(q.empty());
  q.push({30, 1, 0});
  q.push({10, 2, 1});
  q.push({20, 3, 2});
  q.push({10, 4, 3});
  REQUIRE(q.size() == 4);
  CHECK(q.min_time() == 10);
  CHECK(q.pop().seq == 2);
  CHECK(q.pop().seq == 4);
  CHECK(q.pop().seq == 3);
  CHECK(q.pop().seq == 1);
  CHECK(q.empty());
}

TEMPLATE_TEST_CASE("an event queue breaks ties at equal times by scheduling order", "[queue][contract]",
                   BinaryHeapQueue<>, RadixHeapQueue<>) {
  TestType q;
  // Equal times arriving in different buckets: some before, some after the clock reaches them.
  for (std::uint64_t s = 1; s <= 50; ++s) q.push({1000, s, 0});
  q.push({5, 51, 0});
  CHECK(q.pop().seq == 51);
  for (std::uint64_t s = 52; s <= 60; ++s) q.push({1000, s, 0});
  for (std::uint64_t s = 1; s <= 60; ++s) {
    if (s == 51) continue;
    REQUIRE(q.pop().seq == s);
  }
  CHECK(q.empty());
}

TEMPLATE_TEST_CASE("an event queue accepts pushes at the time just popped", "[queue][contract]", BinaryHeapQueue<>,
                   RadixHeapQueue<>) {
  TestType q;
  q.push({7, 1, 0});
  q.push({9, 2, 0});
  CHECK(q.pop().seq == 1);
  q.push({7, 3, 0});
  q.push({8, 4, 0});
  CHECK(q.pop().seq == 3);
  CHECK(q.pop().seq == 4);
  CHECK(q.pop().seq == 2);
}

TEMPLATE_TEST_CASE("an event queue accepts a push below a peeked minimum but above the last pop", "[queue][contract]",
                   BinaryHeapQueue<>, RadixHeapQueue<>) {
  // What run_until does: peek at the next time (beyond its limit), stop, then the clock moves to the
  // limit and new events are scheduled before the peeked one.
  TestType q;
  q.push({100, 1, 0});
  q.push({1000, 2, 0});
  q.push({1001, 3, 0});
  CHECK(q.pop().time == 100);
  CHECK(q.min_time() == 1000);
  q.push({500, 4, 0});
  q.push({1000, 5, 0});
  q.push({999, 6, 0});
  CHECK(q.min_time() == 500);
  CHECK(q.pop().seq == 4);
  CHECK(q.pop().seq == 6);
  CHECK(q.pop().seq == 2);
  CHECK(q.pop().seq == 5);
  CHECK(q.pop().seq == 3);
  CHECK(q.empty());
}

TEMPLATE_TEST_CASE("an event queue handles times across the whole int64 range", "[queue][contract]",
                   BinaryHeapQueue<>, RadixHeapQueue<>) {
  TestType q;
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  q.push({big, 1, 0});
  q.push({0, 2, 0});
  q.push({big - 1, 3, 0});
  q.push({1LL << 40, 4, 0});
  CHECK(q.pop().time == 0);
  CHECK(q.pop().time == (1LL << 40));
  CHECK(q.pop().time == big - 1);
  CHECK(q.pop().time == big);
  CHECK(q.empty());
}

TEMPLATE_TEST_CASE("a cleared event queue is empty and usable", "[queue][contract]", BinaryHeapQueue<>,
                   RadixHeapQueue<>) {
  TestType q;
  for (std::uint64_t s = 1; s < 100; ++s) q.push({static_cast<std::int64_t>(s * 7 % 13), s, 0});
  q.clear();
  CHECK(q.empty());
  CHECK(q.size() == 0);
  q.push({20, 1000, 5});
  CHECK(q.pop().slot == 5);
}

namespace {
// Runs a random mix of pushes (at now + a random delay, sometimes 0, sometimes far), and pops, and
// returns the popped sequence. Lazy cancellation is the Simulator's business: entries of cancelled
// events still pop here, so cancel is exercised in the Simulator test against this same reference.
template <class Q>
std::vector<QueueEntry> random_run(std::uint64_t seed, int ops) {
  Q q;
  RandomStream rng(seed);
  std::vector<QueueEntry> out;
  out.reserve(static_cast<std::size_t>(ops));
  std::int64_t now = 0;
  std::uint64_t seq = 1;
  for (int i = 0; i < ops; ++i) {
    const auto r = rng.uniform_below(100);
    if (r < 3 && !q.empty()) {
      // Peek, as run_until does, then keep scheduling from the current clock.
      (void)q.min_time();
    } else if (r < 55 || q.empty()) {
      std::int64_t delay = 0;
      const auto kind = rng.uniform_below(10);
      if (kind == 0) delay = 0;
      else if (kind < 3) delay = static_cast<std::int64_t>(rng.uniform_below(4));  // many ties
      else if (kind < 9) delay = static_cast<std::int64_t>(rng.uniform_below(1'000'000));
      else delay = static_cast<std::int64_t>(rng.uniform_below(1ull << 50));
      q.push({now + delay, seq++, static_cast<std::uint32_t>(i)});
    } else {
      const QueueEntry e = q.pop();
      now = e.time;
      out.push_back(e);
    }
  }
  while (!q.empty()) out.push_back(q.pop());
  return out;
}
}  // namespace

TEST_CASE("every event queue pops the identical sequence over a million random operations", "[queue][random]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto ref = random_run<BinaryHeapQueue<>>(seed, 1'000'000 / 3 + 1);
    const auto fast = random_run<RadixHeapQueue<>>(seed, 1'000'000 / 3 + 1);
    REQUIRE(ref.size() == fast.size());
    bool same = true;
    for (std::size_t i = 0; i < ref.size() && same; ++i) {
      same = ref[i].time == fast[i].time && ref[i].seq == fast[i].seq && ref[i].slot == fast[i].slot;
    }
    CHECK(same);
    // And the reference itself is sorted by (time, seq) among entries present together.
    CHECK(std::is_sorted(ref.begin(), ref.end(),
                         [](const QueueEntry& a, const QueueEntry& b) { return a.time < b.time; }));
  }
}

TEMPLATE_TEST_CASE("an event queue names the entry that pop returns next", "[queue][contract]", BinaryHeapQueue<>,
                   RadixHeapQueue<>) {
  TestType q;
  CHECK(q.next_at_front() == nullptr);
  RandomStream rng(11);
  std::uint64_t seq = 1;
  std::int64_t now = 0;
  for (int i = 0; i < 20'000; ++i) {
    if (rng.uniform_below(2) == 0 || q.empty()) {
      // Many ties (delays 0 to 3), some far (to reach the upper digits).
      const auto far = rng.uniform_below(10) == 0;
      const auto delay = static_cast<std::int64_t>(far ? rng.uniform_below(1u << 30) : rng.uniform_below(4));
      q.push({now + delay, seq, static_cast<std::uint32_t>(seq)});
      ++seq;
    } else {
      const auto* next = q.next_at_front();
      REQUIRE(next != nullptr);
      const std::uint32_t expected = next->slot;
      const auto e = q.pop();
      REQUIRE(e.slot == expected);
      now = e.time;
    }
  }
  while (!q.empty()) {
    const std::uint32_t expected = q.next_at_front()->slot;
    REQUIRE(q.pop().slot == expected);
  }
  CHECK(q.next_at_front() == nullptr);
}
