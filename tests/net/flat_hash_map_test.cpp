#include "models/net/flat_hash_map.hpp"

#include <catch2/catch.hpp>
#include <unordered_map>

#include "models/net/five_tuple.hpp"
#include "models/net/splitmix.hpp"

using namespace cnisim::net;

namespace {

// Keys from a small space so that inserts, finds and erases of present keys are frequent.
FiveTuple key(SplitMix64& random, std::uint32_t space) {
  const std::uint32_t k = random.below(space);
  return FiveTuple{Protocol::Tcp, Ipv4(0x0AF40000u + (k >> 4)), static_cast<std::uint16_t>(32768 + (k & 15)),
                   Ipv4(0x0A000000u + (k % 7)), 80};
}

// Every operation compared with std::unordered_map, the reference; capacity stays at most twice what
// the live size ever needed (erase leaves no tombstones that would force growth).
template <class Map>
void agree_with_reference(Map& map, std::uint64_t seed, std::uint32_t space, int operations) {
  SplitMix64 random(seed);
  std::unordered_map<FiveTuple, std::uint32_t> reference;
  std::size_t peak = 0;
  for (int op = 0; op < operations; ++op) {
    const FiveTuple k = key(random, space);
    switch (random.below(4)) {
      case 0:
      case 1: {
        const auto value = random.u32();
        const auto [at, inserted] = map.insert(k, value);
        const auto [ref, ref_inserted] = reference.emplace(k, value);
        REQUIRE(inserted == ref_inserted);
        REQUIRE(*at == ref->second);
        break;
      }
      case 2:
        REQUIRE(map.erase(k) == (reference.erase(k) == 1));
        break;
      default: {
        const auto* found = map.find(k);
        const auto it = reference.find(k);
        REQUIRE((found != nullptr) == (it != reference.end()));
        if (found) REQUIRE(*found == it->second);
      }
    }
    REQUIRE(map.size() == reference.size());
    peak = std::max(peak, reference.size());
  }
  std::size_t seen = 0;
  map.for_each([&](const FiveTuple& k, std::uint32_t v) {
    ++seen;
    const auto it = reference.find(k);
    REQUIRE(it != reference.end());
    CHECK(it->second == v);
  });
  CHECK(seen == reference.size());
  CHECK(map.capacity() <= std::max<std::size_t>(16, 4 * peak));
}

}  // namespace

TEST_CASE("the flat hash map agrees with std::unordered_map over random inserts finds and erases") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    FlatHashMap<FiveTuple, std::uint32_t> map;
    agree_with_reference(map, seed, seed % 2 ? 64 : 5000, 40000);
  }
}

TEST_CASE("the flat hash map survives a weak hash that sends every key to few homes") {
  struct Weak {
    std::size_t operator()(const FiveTuple& t) const noexcept { return t.src_port & 3; }
  };
  FlatHashMap<FiveTuple, std::uint32_t, Weak> map;
  agree_with_reference(map, 42, 300, 20000);
}

TEST_CASE("the flat hash map keeps its capacity under steady churn") {
  FlatHashMap<std::uint64_t, std::uint64_t> map;
  for (std::uint64_t i = 0; i < 1000; ++i) map.insert(i, i);
  const std::size_t capacity = map.capacity();
  for (std::uint64_t i = 1000; i < 200000; ++i) {
    REQUIRE(map.erase(i - 1000));
    map.insert(i, i);
  }
  CHECK(map.size() == 1000u);
  CHECK(map.capacity() == capacity);
  for (std::uint64_t i = 199000; i < 200000; ++i) REQUIRE(map.find(i));
  CHECK_FALSE(map.find(198999));
}
