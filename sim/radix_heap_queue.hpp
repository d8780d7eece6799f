#pragma once
// Fast event queue: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) over integer picoseconds,
// with 8-bit digits instead of bits. Simulation time never goes backwards, so keys are compared with
// `last_`, the last popped key, a lower bound of every pending key (a push below it is refused). An
// entry lives in bucket (d, v) when the most significant 8-bit digit in which its key differs from
// last_ is digit d and its own value there is v; bucket 0 holds keys equal to last_. Buckets in (d, v)
// order hold increasing key ranges, so the minimum is in the first non-empty bucket (a two-level
// bitmap finds it). When bucket 0 runs dry the first non-empty bucket is split around its minimum into
// lower buckets: an entry moves at most once per digit, about 3 times for microsecond-scale delays,
// always by sequential appends. 4-bit digits moved entries twice as often (measured: ~25% slower at
// 10^6 pending events in bench/engine_hold).
// Ties need no sequence number: every bucket holds its entries in insertion order. A push appends;
// a split appends a bucket's entries, in order, to lower buckets that are all empty (it was the first
// non-empty one); and min_time() only looks (it never moves last_ ahead of the last pop, so no push
// ever lands below last_ and no bucket is ever rebuilt). Equal times therefore pop in push order.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/check.hpp"
#include "sim/event_queue.hpp"

namespace cnisim::sim {

template <TimedEntry Entry = QueueEntry>
class RadixHeapQueue {
 public:
  static constexpr QueueKind kind = QueueKind::RadixHeap;

  RadixHeapQueue() : buckets_(kBuckets) {}

  // e.time must be >= the time of the last entry popped (the clock does not go back).
  void push(const Entry& e) {
    const auto key = static_cast<std::uint64_t>(e.time);
    CNISIM_CHECK(e.time >= 0 && key >= last_);
    const std::size_t b = put(e, key);
    if (peek_valid_ && b != 0 && key < peek_) {  // the new minimum outside bucket 0 (an equal key pops later)
      peek_ = key;
      peek_bucket_ = b;
      peek_pos_ = buckets_[b].size() - 1;
    }
    ++size_;
  }

  // When many events are pending, the entries that a split brings within the lowest digit of last_
  // (they run within the next ~256 ps) have their records prefetched: record r of chunk c is at
  // (*bases)[c] + (r << record_shift), for slot = (c << chunk_bits) | r. The Simulator gives its
  // record chunks here.
  void set_prefetch(const std::vector<const std::byte*>* bases, int chunk_bits, int record_shift) {
    bases_ = bases;
    chunk_bits_ = chunk_bits;
    record_shift_ = record_shift;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // Time of the earliest entry, without taking it (the queue must not be empty).
  std::int64_t min_time() {
    CNISIM_CHECK(size_ > 0);
    if (head0_ < buckets_[0].size()) return static_cast<std::int64_t>(last_);
    return static_cast<std::int64_t>(min_outside_front());
  }

  // The entry that pop() returns next (nullptr when empty), found without splitting a bucket (that
  // would move last_ past the current event's time, below which that event may still schedule): the
  // caller prefetches its record while it runs the current event. Valid until the next push or pop.
  const Entry* next_at_front() {
    if (head0_ < buckets_[0].size()) return &buckets_[0][head0_];
    if (size_ == 0) return nullptr;
    min_outside_front();
    return &buckets_[peek_bucket_][peek_pos_];
  }

  Entry pop() {
    refill_front();
    --size_;
    return buckets_[0][head0_++];
  }

  void clear() {
    for (auto& b : buckets_) b.clear();
    head0_ = 0;
    nonempty_.fill(0);
    summary_ = 0;
    size_ = 0;
    peek_valid_ = false;
    // last_ stays: the Simulator's clock does not go back either.
  }

 private:
  // Prefetching records pays only once they no longer fit in the cache (seen: +40% at 10^6 pending
  // events, -40% at 10^3, measured with 4-bit digits and an indirect call per prefetch).
  // Fetching fewer (only the records due in the next 16 ps, then one bucket ahead per refill) was 15%
  // slower at 10^6 (farm-bench, 7 pairs): the burst leaves the records in L2 and L3 in time.
  static constexpr std::size_t kPrefetchAbove = 16384;
  static constexpr int kDigitBits = 8;
  static constexpr int kDigitValues = 1 << kDigitBits;                 // 256
  static constexpr int kDigits = 64 / kDigitBits;                      // 8
  static constexpr std::size_t kBuckets = 1 + kDigits * kDigitValues;  // 2049 (some never used)
  static constexpr std::size_t kWords = (kBuckets + 63) / 64;          // 33
  static_assert(kWords <= 64, "one summary word covers the bitmap");

  // Bucket of a key relative to last_: 0 if equal, else 1 + d * 256 + (digit d of key).
  std::size_t bucket_of(std::uint64_t key) const {
    const std::uint64_t x = key ^ last_;
    if (x == 0) return 0;
    const int d = (std::bit_width(x) - 1) / kDigitBits;
    const auto v = static_cast<std::size_t>((key >> (d * kDigitBits)) & (kDigitValues - 1));
    return 1 + static_cast<std::size_t>(d) * kDigitValues + v;
  }

  // Appends e to its bucket and returns the bucket.
  std::size_t put(const Entry& e, std::uint64_t key) {
    const std::size_t b = bucket_of(key);
    buckets_[b].push_back(e);
    nonempty_[b / 64] |= std::uint64_t{1} << (b % 64);  // bucket 0's bit is set too, never read
    summary_ |= std::uint64_t{1} << (b / 64);
    return b;
  }

  void mark_empty(std::size_t b) {
    const std::size_t w = b / 64;
    nonempty_[w] &= ~(std::uint64_t{1} << (b % 64));
    if (nonempty_[w] == 0) summary_ &= ~(std::uint64_t{1} << w);
  }

  // First non-empty bucket above 0; the queue holds entries outside bucket 0.
  std::size_t first_nonempty() const {
    std::uint64_t words = summary_;
    if ((nonempty_[0] & ~std::uint64_t{1}) == 0) words &= ~std::uint64_t{1};  // bucket 0 does not count
    CNISIM_CHECK(words != 0);
    const auto w = static_cast<std::size_t>(std::countr_zero(words));
    std::uint64_t bits = nonempty_[w];
    if (w == 0) bits &= ~std::uint64_t{1};
    return w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
  }

  // The minimum key outside bucket 0 (there is one) and where its first entry is, computed once and
  // kept up to date by push().
  std::uint64_t min_outside_front() {
    if (!peek_valid_) {
      peek_bucket_ = first_nonempty();
      const auto& bucket = buckets_[peek_bucket_];
      peek_ = std::numeric_limits<std::uint64_t>::max();
      for (std::size_t k = 0; k < bucket.size(); ++k) {
        const auto key = static_cast<std::uint64_t>(bucket[k].time);
        if (key < peek_) {  // strictly: among equal keys the first inserted pops first
          peek_ = key;
          peek_pos_ = k;
        }
      }
      peek_valid_ = true;
    }
    return peek_;
  }

  void prefetch(std::uint32_t slot) const {
    const auto r = static_cast<std::size_t>(slot & ((1u << chunk_bits_) - 1));
    __builtin_prefetch((*bases_)[slot >> chunk_bits_] + (r << record_shift_));
  }

  void refill_front() {
    CNISIM_CHECK(size_ > 0);
    auto& front = buckets_[0];
    if (head0_ < front.size()) return;
    front.clear();
    head0_ = 0;
    last_ = min_outside_front();  // the minimum of the first non-empty bucket, hence of all
    peek_valid_ = false;
    const std::size_t i = peek_bucket_;
    auto& src = buckets_[i];
    mark_empty(i);
    if (i <= static_cast<std::size_t>(kDigitValues)) {
      // A digit-0 bucket holds one key, last_'s: it becomes bucket 0 as it is (in order, no copy).
      front.swap(src);
      return;
    }
    // Every entry of bucket i now differs from last_ only in digits below i's, so it lands in a lower
    // bucket: appending never touches src while we walk it.
    if (bases_ != nullptr && size_ > kPrefetchAbove) {
      for (const auto& e : src) {
        const auto key = static_cast<std::uint64_t>(e.time);
        put(e, key);
        if ((key ^ last_) < kDigitValues) prefetch(e.slot);
      }
    } else {
      for (const auto& e : src) put(e, static_cast<std::uint64_t>(e.time));
    }
    src.clear();
  }

  std::vector<std::vector<Entry>> buckets_;
  // Bit b set when bucket b may be non-empty. Words kWords..63 stay 0: sized for any index the summary
  // word can name, so that no index is out of bounds even in theory.
  std::array<std::uint64_t, 64> nonempty_{};
  std::uint64_t summary_ = 0;                     // bit w set when nonempty_[w] != 0
  std::size_t head0_ = 0;                         // entries of bucket 0 already popped
  std::uint64_t last_ = 0;                        // the last popped key; every pending key is >= it
  std::uint64_t peek_ = 0;                        // when peek_valid_: the minimum key outside bucket 0
  std::size_t peek_bucket_ = 0;                   // when peek_valid_: the entry with that key that pops
  std::size_t peek_pos_ = 0;                      //   first, buckets_[peek_bucket_][peek_pos_]
  bool peek_valid_ = false;
  std::size_t size_ = 0;
  const std::vector<const std::byte*>* bases_ = nullptr;
  int chunk_bits_ = 0;
  int record_shift_ = 0;
};

}  // namespace cnisim::sim
