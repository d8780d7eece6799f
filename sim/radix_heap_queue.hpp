#pragma once
// Fast event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) over integer picoseconds.
// Simulation time never goes backwards, so every key pushed is >= the last key popped (a peek may
// look further ahead; see rebase()). Bucket b holds
// the entries whose key first differs from `last_` at bit b-1; bucket 0 holds keys equal to `last_`.
// Pops come from bucket 0; when it runs dry the smallest non-empty bucket is split around its minimum
// into lower buckets. Each entry moves at most 64 times, and in practice a few times, always by
// sequential appends: no pointer chasing, which is what makes it fast at 10^6 pending events.
// Ties: bucket 0 is sorted by seq when it is refilled; later pushes at the same time have larger seqs
// and are appended, so equal times pop in scheduling order.
#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/event_queue.hpp"

namespace cnisim::sim {

class RadixHeapQueue {
 public:
  static constexpr QueueKind kind = QueueKind::RadixHeap;

  void push(const QueueEntry& e) {
    assert(e.time >= 0);
    if (static_cast<std::uint64_t>(e.time) < last_) rebase(static_cast<std::uint64_t>(e.time));
    const int b = bucket_of(static_cast<std::uint64_t>(e.time));
    buckets_[static_cast<std::size_t>(b)].push_back(e);
    nonempty_ |= (b == 0) ? 0 : (std::uint64_t{1} << (b - 1));
    ++size_;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  std::int64_t min_time() {
    refill_front();
    return static_cast<std::int64_t>(last_);
  }

  // The slot of the entry that pop() would return next (refilling bucket 0 if needed), so the caller
  // can prefetch its record while it runs the current event. The queue must not be empty.
  std::uint32_t next_slot() {
    refill_front();
    return buckets_[0][head0_].slot;
  }

  QueueEntry pop() {
    refill_front();
    --size_;
    return buckets_[0][head0_++];
  }

  void clear() {
    for (auto& b : buckets_) b.clear();
    head0_ = 0;
    nonempty_ = 0;
    size_ = 0;
    // last_ stays: the Simulator's clock does not go back either.
  }

 private:
  int bucket_of(std::uint64_t key) const { return std::bit_width(key ^ last_); }

  // min_time() may refill bucket 0 ahead of the clock (run_until peeks past its limit); a later push
  // below that point lowers `last_`. Entries in buckets 0..b (b = where the new key falls relative to
  // the old last_) are re-bucketed against the new last_; buckets above b are unaffected because the
  // old and new last_ agree on every bit from b up.
  void rebase(std::uint64_t key) {
    const int top = bucket_of(key);
    auto& moved = scratch_;
    moved.assign(buckets_[0].begin() + static_cast<std::ptrdiff_t>(head0_), buckets_[0].end());
    buckets_[0].clear();
    head0_ = 0;
    for (int b = 1; b <= top; ++b) {
      auto& v = buckets_[static_cast<std::size_t>(b)];
      moved.insert(moved.end(), v.begin(), v.end());
      v.clear();
      nonempty_ &= ~(std::uint64_t{1} << (b - 1));
    }
    last_ = key;
    for (const auto& m : moved) {
      const int b = bucket_of(static_cast<std::uint64_t>(m.time));
      buckets_[static_cast<std::size_t>(b)].push_back(m);
      nonempty_ |= (b == 0) ? 0 : (std::uint64_t{1} << (b - 1));
    }
  }

  void refill_front() {
    assert(size_ > 0);
    auto& front = buckets_[0];
    if (head0_ < front.size()) return;
    front.clear();
    head0_ = 0;
    const int i = std::countr_zero(nonempty_) + 1;
    auto& src = buckets_[static_cast<std::size_t>(i)];
    std::int64_t lo = src.front().time;
    for (const auto& e : src) lo = std::min(lo, e.time);
    last_ = static_cast<std::uint64_t>(lo);
    for (const auto& e : src) {
      const int b = bucket_of(static_cast<std::uint64_t>(e.time));
      buckets_[static_cast<std::size_t>(b)].push_back(e);
      nonempty_ |= (b == 0) ? 0 : (std::uint64_t{1} << (b - 1));
    }
    src.clear();
    nonempty_ &= ~(std::uint64_t{1} << (i - 1));
    if (front.size() > 1) {
      std::sort(front.begin(), front.end(),
                [](const QueueEntry& a, const QueueEntry& b) { return a.seq < b.seq; });
    }
  }

  std::array<std::vector<QueueEntry>, 65> buckets_;
  std::vector<QueueEntry> scratch_;  // reused by rebase() so that it does not allocate
  std::size_t head0_ = 0;        // entries of bucket 0 already popped
  std::uint64_t nonempty_ = 0;   // bit b-1 set when bucket b (1..64) is non-empty
  std::uint64_t last_ = 0;       // the key of the last refill: every pending key is >= it
  std::size_t size_ = 0;
};

}  // namespace cnisim::sim
