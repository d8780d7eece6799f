#include "models/net/poptrie_route_table.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace cnisim::net {

namespace {
constexpr int kStride = 6;  // a node covers 6 address bits: 64 children, one 64-bit bitmap
constexpr int kMaxDirectBits = 24;
}  // namespace

PoptrieRouteTable::PoptrieRouteTable(int direct_bits)
    : RouteTable(RouteTableKind::Poptrie), requested_direct_bits_(direct_bits) {
  if (direct_bits != kAutoDirectBits && (direct_bits < 0 || direct_bits > kMaxDirectBits)) {
    throw std::invalid_argument("poptrie direct_bits " + std::to_string(direct_bits) + " is out of range 0-" +
                                std::to_string(kMaxDirectBits) + " (or kAutoDirectBits)");
  }
}

int PoptrieRouteTable::auto_direct_bits(const std::vector<Prefix>& prefixes) {
  // The direct array costs 4 bytes * 2^bits per table, and a simulated cluster holds one table
  // per node: small tables get a small array (up to 1 KiB, then 16 KiB); from 128 prefixes on,
  // Poptrie18's 1 MiB (L2-resident), which resolves a /24 after one node (bench/lpm).
  const int max_bits = prefixes.size() <= 32 ? 8 : prefixes.size() <= 128 ? 12 : 18;
  // Align the strides so that the most common prefix length ends on a node boundary: a /24 then
  // costs direct + 1 node at 18 bits (not 2 at 16), the typical /32 host route 14 + 3 nodes.
  std::array<std::size_t, 33> per_length{};
  for (const Prefix& p : prefixes) ++per_length[static_cast<std::size_t>(p.length)];
  const auto common = static_cast<int>(std::max_element(per_length.begin(), per_length.end()) - per_length.begin());
  if (common <= max_bits) return max_bits;
  return max_bits - (max_bits - common + 6 * 6) % kStride;
}

std::vector<PoptrieRouteTable::Prefix> PoptrieRouteTable::winning_prefixes() const {
  std::vector<std::uint32_t> ids;
  for (std::uint32_t id = 0; id < id_limit(); ++id) {
    if (alive(id)) ids.push_back(id);
  }
  // Sorted by prefix (network, then length), the preferred route of each prefix first.
  std::sort(ids.begin(), ids.end(), [this](std::uint32_t a, std::uint32_t b) {
    const Route& ra = route_unchecked(a);
    const Route& rb = route_unchecked(b);
    if (ra.prefix != rb.prefix) return ra.prefix < rb.prefix;
    return preferred_over(ra, a, rb, b);
  });
  std::vector<Prefix> out;
  out.reserve(ids.size());
  for (std::uint32_t id : ids) {
    const Cidr& p = route_unchecked(id).prefix;
    if (!out.empty() && out.back().network == p.network().value && out.back().length == p.length()) continue;
    out.push_back(Prefix{p.network().value, p.length(), id + 1});
  }
  return out;
}

void PoptrieRouteTable::build() const {
  if (!dirty_) return;
  const std::vector<Prefix> prefixes = winning_prefixes();
  direct_bits_ = requested_direct_bits_ == kAutoDirectBits ? auto_direct_bits(prefixes) : requested_direct_bits_;
  direct_shift_ = static_cast<unsigned>(32 - direct_bits_);
  direct_.assign(std::size_t{1} << direct_bits_, 0);
  nodes_.clear();
  leaves_.clear();

  // Prefixes no longer than the direct index are expanded into it, shortest first so that longer
  // prefixes overwrite the ranges they refine.
  std::vector<Prefix> deep;
  std::vector<Prefix> shallow;
  for (const Prefix& p : prefixes) (p.length > direct_bits_ ? deep : shallow).push_back(p);
  std::stable_sort(shallow.begin(), shallow.end(), [](const Prefix& a, const Prefix& b) { return a.length < b.length; });
  for (const Prefix& p : shallow) {
    const std::uint64_t start = std::uint64_t{p.network} >> direct_shift_;
    const std::uint64_t count = std::uint64_t{1} << (direct_bits_ - p.length);
    std::fill_n(direct_.begin() + static_cast<std::ptrdiff_t>(start), count, p.leaf);
  }
  // Longer prefixes sharing a direct index become one subtrie under it.
  for (std::size_t i = 0; i < deep.size();) {
    const std::uint64_t index = std::uint64_t{deep[i].network} >> direct_shift_;
    std::size_t j = i;
    while (j < deep.size() && (std::uint64_t{deep[j].network} >> direct_shift_) == index) ++j;
    const auto node = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
    fill_node(node, deep.data() + i, deep.data() + j, direct_bits_, direct_[index]);
    direct_[index] = kNodeFlag | node;
    i = j;
  }
  if (nodes_.size() >= kNodeFlag) throw std::length_error("poptrie: more than 2^31 nodes");
  dirty_ = false;
}

// Fills node `node`, which covers the addresses whose first `pos` bits are fixed. [begin, end) are
// the prefixes inside it sorted by (network, length); those of length <= pos were applied above
// and arrive folded into `inherited`, the leaf for addresses no longer prefix covers.
void PoptrieRouteTable::fill_node(std::uint32_t node, const Prefix* begin, const Prefix* end, int pos,
                                  std::uint32_t inherited) const {
  const int child_pos = pos + kStride;
  auto chunk_of = [pos](std::uint32_t network) {
    return static_cast<unsigned>((std::uint64_t{network} << 32 >> (64 - kStride - pos)) & 63u);
  };
  std::array<std::uint32_t, 64> child_leaf;
  child_leaf.fill(inherited);
  std::vector<const Prefix*> ending;
  std::array<const Prefix*, 64> group_begin{};
  std::array<const Prefix*, 64> group_end{};
  for (const Prefix* p = begin; p != end; ++p) {
    if (p->length <= pos) continue;
    if (p->length <= child_pos) {
      ending.push_back(p);
    } else {
      const unsigned c = chunk_of(p->network);
      if (!group_begin[c]) group_begin[c] = p;
      group_end[c] = p + 1;
    }
  }
  std::stable_sort(ending.begin(), ending.end(), [](const Prefix* a, const Prefix* b) { return a->length < b->length; });
  for (const Prefix* p : ending) {
    const unsigned start = chunk_of(p->network);
    std::fill_n(child_leaf.begin() + start, 1u << (child_pos - p->length), p->leaf);
  }

  Node n{};
  n.base0 = static_cast<std::uint32_t>(leaves_.size());
  bool have_leaf = false;
  for (unsigned c = 0; c < 64; ++c) {
    if (group_begin[c]) {
      n.vector |= std::uint64_t{1} << c;
    } else if (!have_leaf || child_leaf[c] != leaves_.back()) {
      n.leafvec |= std::uint64_t{1} << c;
      leaves_.push_back(child_leaf[c]);
      have_leaf = true;
    }
  }
  n.base1 = static_cast<std::uint32_t>(nodes_.size());
  nodes_.resize(nodes_.size() + static_cast<std::size_t>(std::popcount(n.vector)));
  nodes_[node] = n;
  std::uint32_t child = n.base1;
  for (unsigned c = 0; c < 64; ++c) {
    if (group_begin[c]) fill_node(child++, group_begin[c], group_end[c], child_pos, child_leaf[c]);
  }
}

int PoptrieRouteTable::direct_bits() const {
  build();
  return direct_bits_;
}

std::size_t PoptrieRouteTable::node_count() const {
  build();
  return nodes_.size();
}

std::size_t PoptrieRouteTable::leaf_count() const {
  build();
  return leaves_.size();
}

std::size_t PoptrieRouteTable::memory_bytes() const {
  build();
  return direct_.size() * sizeof(std::uint32_t) + nodes_.size() * sizeof(Node) + leaves_.size() * sizeof(std::uint32_t);
}

}  // namespace cnisim::net
