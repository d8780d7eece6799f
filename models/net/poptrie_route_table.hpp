#pragma once
// A Poptrie-style compressed multibit trie (Asai and Ohara, "Poptrie: A Compressed Trie with
// Population Count for Fast and Scalable Software IP Routing Table Lookup", SIGCOMM 2015).
//
// Fast path (find): a direct-indexed array on the top `direct_bits` of the address, then nodes of
// 64 children (6 address bits each). A node holds two bitmaps: `vector` marks children that are
// nodes, `leafvec` marks where a run of equal leaves starts; a popcount of the bits up to the
// child's position indexes the contiguous children or leaves. Everything lives in three flat
// arrays; a table of a few thousand routes fits in L1/L2.
//
// Slow path (build): routes change rarely and lookups dominate, so the trie is rebuilt from the
// route store in one pass, O(routes x depth), at the first lookup after an insert or remove (or
// when build() is called). Lookups are therefore always correct. Not thread-safe while dirty: call
// build() before sharing a table between threads.
#include <bit>
#include <cstdint>
#include <vector>

#include "models/net/route_table.hpp"

namespace cnisim::net {

class PoptrieRouteTable final : public RouteTable {
 public:
  // direct_bits: size of the direct-indexed array (2^bits entries, 4 bytes each), 0-24;
  // kAutoDirectBits picks it from the table size at each build.
  static constexpr int kAutoDirectBits = -1;
  explicit PoptrieRouteTable(int direct_bits = kAutoDirectBits);

  std::string_view name() const override { return "poptrie"; }

  // The hot path: inline, non-virtual, no counters. work = levels visited (direct array = 1).
  LookupResult find(Ipv4 address) const {
    if (dirty_) [[unlikely]] build();
    const std::uint32_t entry = direct_[static_cast<std::uint64_t>(address.value) >> direct_shift_];
    if (!(entry & kNodeFlag)) return {entry - 1, 1};
    const std::uint64_t key = std::uint64_t{address.value} << 32;
    std::uint32_t index = entry & ~kNodeFlag;
    unsigned shift = 58 - static_cast<unsigned>(direct_bits_);
    for (std::uint32_t work = 2;; ++work, shift -= 6) {
      const Node& node = nodes_[index];
      const unsigned chunk = static_cast<unsigned>(key >> shift) & 63u;
      const std::uint64_t upto = (std::uint64_t{2} << chunk) - 1;  // bits 0..chunk
      if ((node.vector >> chunk) & 1u) {
        index = node.base1 + popcount(node.vector & upto) - 1;
        continue;
      }
      return {leaves_[node.base0 + popcount(node.leafvec & upto) - 1] - 1, work};
    }
  }

  // Rebuilds the trie now if routes changed (find() does this on demand).
  void build() const;

  // Shape of the last build (builds first if needed).
  int direct_bits() const;
  std::size_t node_count() const;
  std::size_t leaf_count() const;
  std::size_t memory_bytes() const;

 private:
  // Leaves and direct entries hold route id + 1 (0 = no route, so "value - 1" maps it to kNoRoute);
  // a direct entry with kNodeFlag set holds a node index instead.
  static constexpr std::uint32_t kNodeFlag = 0x80000000u;

  struct Node {
    std::uint64_t vector;   // bit i: child i is a node
    std::uint64_t leafvec;  // bit i: child i is a leaf that starts a new run of equal leaves
    std::uint32_t base0;    // first leaf of this node in leaves_
    std::uint32_t base1;    // first child node of this node in nodes_
  };
  static_assert(sizeof(Node) == 24, "a Poptrie node is two bitmaps and two bases");

  struct Prefix {
    std::uint32_t network;
    int length;
    std::uint32_t leaf;  // route id + 1
  };

  static unsigned popcount(std::uint64_t x) {
#if defined(__POPCNT__)
    return static_cast<unsigned>(std::popcount(x));
#else
    // No popcnt instruction in the target ISA: a branch-free SWAR count beats libgcc's call.
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
#endif
  }

  LookupResult do_lookup(Ipv4 address) const override { return find(address); }
  void on_insert(std::uint32_t) override { dirty_ = true; }
  void on_remove(std::uint32_t) override { dirty_ = true; }

  // The direct_bits kAutoDirectBits chooses for these (distinct, winning) prefixes.
  static int auto_direct_bits(const std::vector<Prefix>& prefixes);
  std::vector<Prefix> winning_prefixes() const;
  void fill_node(std::uint32_t node, const Prefix* begin, const Prefix* end, int pos, std::uint32_t inherited) const;

  int requested_direct_bits_;
  mutable bool dirty_ = true;
  mutable int direct_bits_ = 0;
  mutable unsigned direct_shift_ = 32;
  mutable std::vector<std::uint32_t> direct_;
  mutable std::vector<Node> nodes_;
  mutable std::vector<std::uint32_t> leaves_;
};

}  // namespace cnisim::net
