// The packet pool: references that stay valid, slots that are reused cleared, and the count in use;
// against a simple reference (a map of live packets) under random allocations and releases.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "models/dataplane/packet.hpp"

using cnisim::dataplane::Packet;
using cnisim::dataplane::PacketId;
using cnisim::dataplane::PacketPool;

TEST_CASE("a reference to a pooled packet stays valid while many more are allocated") {
  PacketPool pool;
  const PacketId first = pool.allocate();
  Packet& p = pool[first];
  p.tag = 12345;
  const Packet* where = &p;
  for (int i = 0; i < 3 * static_cast<int>(PacketPool::kBlockSize) + 7; ++i) pool[pool.allocate()].tag = 1;
  CHECK(&pool[first] == where);
  CHECK(p.tag == 12345);
  CHECK(pool.in_use() == 3 * PacketPool::kBlockSize + 8);
}

TEST_CASE("a released packet's slot is handed out again with every field reset") {
  PacketPool pool;
  const PacketId a = pool.allocate();
  pool[a].tag = 7;
  pool[a].ttl = 3;
  pool[a].traced = true;
  pool.release(a);
  CHECK(pool.in_use() == 0);
  const PacketId b = pool.allocate();
  CHECK(b == a);
  CHECK(pool[b].tag == 0);
  CHECK(pool[b].ttl == 0);
  CHECK_FALSE(pool[b].traced);
  CHECK(pool[b].next == cnisim::dataplane::kNoPacket);
}

TEST_CASE("random allocations and releases keep every live packet's contents and the count in use") {
  std::mt19937_64 random(2026);
  PacketPool pool;
  std::map<PacketId, std::uint32_t> live;  // the reference: id -> the tag written
  std::map<PacketId, const Packet*> address;
  for (int step = 0; step < 200000; ++step) {
    if (live.empty() || random() % 3 != 0) {
      const PacketId id = pool.allocate();
      REQUIRE(live.count(id) == 0);  // never a live packet's id
      const auto tag = static_cast<std::uint32_t>(random());
      pool[id].tag = tag;
      live[id] = tag;
      address[id] = &pool[id];
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(random() % live.size()));
      pool.release(it->first);
      address.erase(it->first);
      live.erase(it);
    }
    REQUIRE(pool.in_use() == live.size());
  }
  for (const auto& [id, tag] : live) {
    CHECK(pool[id].tag == tag);
    CHECK(&pool[id] == address[id]);
  }
}
