#pragma once
// Fast event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) over integer picoseconds,
// with 4-bit digits instead of bits. Simulation time never goes backwards, so keys are compared with
// `last_`, a lower bound of every pending key. An entry lives in bucket (d, v) when the most
// significant 4-bit digit in which its key differs from last_ is digit d and its own value there is v;
// bucket 0 holds keys equal to last_. Buckets in (d, v) order hold increasing key ranges, so the
// minimum is in the first non-empty bucket (a bitmap finds it). When bucket 0 runs dry the first
// non-empty bucket is split around its minimum into lower buckets: an entry moves at most once per
// digit, about 6 times for microsecond-scale delays, and always by sequential appends (no pointer
// chasing), which keeps it fast at 10^6 pending events. Binary digits moved entries ~4x more often.
// Ties: bucket 0 is sorted by seq when refilled; later pushes at the same time have larger seqs and
// are appended, so equal times pop in scheduling order.
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
    const auto key = static_cast<std::uint64_t>(e.time);
    if (key < last_) rebase(key);
    put(e, key);
    ++size_;
  }

  // When many events are pending, fn(ctx, slot) is called for entries that land within the two
  // lowest digits of last_ during a refill: they run within the next few events, so the owner can
  // start fetching their records now (the Simulator prefetches its event record).
  void set_prefetch(void (*fn)(const void*, std::uint32_t), const void* ctx) {
    prefetch_ = fn;
    prefetch_ctx_ = ctx;
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
    nonempty_.fill(0);
    size_ = 0;
    // last_ stays: the Simulator's clock does not go back either.
  }

 private:
  // Prefetching records pays only once they no longer fit in the cache (seen: +40% at 10^6 pending
  // events, -40% at 10^3 where the indirect call costs more than the miss it hides).
  static constexpr std::size_t kPrefetchAbove = 16384;
  static constexpr std::uint64_t kPrefetchWithin = 256;  // keys within the two lowest digits of last_
  static constexpr int kDigitBits = 4;
  static constexpr int kDigitValues = 1 << kDigitBits;                 // 16
  static constexpr int kDigits = 64 / kDigitBits;                      // 16
  static constexpr std::size_t kBuckets = 1 + kDigits * kDigitValues;  // 257 (some never used)
  static constexpr std::size_t kWords = (kBuckets + 63) / 64;

  // Bucket of a key relative to last_: 0 if equal, else 1 + d * 16 + (digit d of key).
  std::size_t bucket_of(std::uint64_t key) const {
    const std::uint64_t x = key ^ last_;
    if (x == 0) return 0;
    const int d = (std::bit_width(x) - 1) / kDigitBits;
    const auto v = static_cast<std::size_t>((key >> (d * kDigitBits)) & (kDigitValues - 1));
    return 1 + static_cast<std::size_t>(d) * kDigitValues + v;
  }

  void put(const QueueEntry& e, std::uint64_t key) {
    const std::size_t b = bucket_of(key);
    buckets_[b].push_back(e);
    nonempty_[b / 64] |= std::uint64_t{1} << (b % 64);  // bucket 0's bit is set too, never read
  }

  void mark_empty(std::size_t b) { nonempty_[b / 64] &= ~(std::uint64_t{1} << (b % 64)); }

  // First non-empty bucket above 0; the queue holds entries outside bucket 0.
  std::size_t first_nonempty() const {
    for (std::size_t w = 0; w < kWords; ++w) {
      std::uint64_t bits = nonempty_[w];
      if (w == 0) bits &= ~std::uint64_t{1};
      if (bits != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    }
    assert(false && "refill of an empty queue");
    return 0;
  }

  // min_time() may refill bucket 0 ahead of the clock (run_until peeks past its limit); a later push
  // below that point lowers last_. Entries whose bucket depends on the digits in which the old and the
  // new last_ differ (bucket 0 and every bucket at digit <= the highest differing digit) are re-bucketed;
  // buckets at higher digits are unaffected because both values agree on those digits.
  void rebase(std::uint64_t key) {
    const int top_digit = (std::bit_width(key ^ last_) - 1) / kDigitBits;
    const std::size_t last_bucket = static_cast<std::size_t>(top_digit + 1) * kDigitValues;
    auto& moved = scratch_;
    moved.assign(buckets_[0].begin() + static_cast<std::ptrdiff_t>(head0_), buckets_[0].end());
    buckets_[0].clear();
    head0_ = 0;
    for (std::size_t b = 1; b <= last_bucket; ++b) {
      auto& v = buckets_[b];
      if (v.empty()) continue;
      moved.insert(moved.end(), v.begin(), v.end());
      v.clear();
      mark_empty(b);
    }
    last_ = key;
    for (const auto& m : moved) put(m, static_cast<std::uint64_t>(m.time));
  }

  void refill_front() {
    assert(size_ > 0);
    auto& front = buckets_[0];
    if (head0_ < front.size()) return;
    front.clear();
    head0_ = 0;
    const std::size_t i = first_nonempty();
    auto& src = buckets_[i];
    mark_empty(i);
    std::int64_t lo = src.front().time;
    for (const auto& e : src) lo = std::min(lo, e.time);
    last_ = static_cast<std::uint64_t>(lo);
    // Every entry of bucket i now differs from last_ only in digits below i's, so it lands in a lower
    // bucket: appending never touches src while we walk it.
    if (prefetch_ != nullptr && size_ > kPrefetchAbove) {
      for (const auto& e : src) {
        const auto key = static_cast<std::uint64_t>(e.time);
        put(e, key);
        if ((key ^ last_) < kPrefetchWithin) prefetch_(prefetch_ctx_, e.slot);
      }
    } else {
      for (const auto& e : src) put(e, static_cast<std::uint64_t>(e.time));
    }
    src.clear();
    if (front.size() > 1) {
      std::sort(front.begin(), front.end(), [](const QueueEntry& a, const QueueEntry& b) { return a.seq < b.seq; });
    }
  }


  std::array<std::vector<QueueEntry>, kBuckets> buckets_;
  std::vector<QueueEntry> scratch_;  // reused by rebase() so that it does not allocate
  std::array<std::uint64_t, kWords> nonempty_{};  // bit b set when bucket b may be non-empty
  std::size_t head0_ = 0;                         // entries of bucket 0 already popped
  std::uint64_t last_ = 0;                        // every pending key is >= it
  std::size_t size_ = 0;
  void (*prefetch_)(const void*, std::uint32_t) = nullptr;
  const void* prefetch_ctx_ = nullptr;
};

}  // namespace cnisim::sim
