#pragma once
// The pending-event set. The Simulator keeps callbacks in its own pool; a queue only orders entries
// by (time, scheduling order), so events at equal times run in the order scheduled. Every
// implementation has the same interface (push, empty, size, min_time, pop, clear) and is checked by one
// contract test (tests/sim/event_queue_test.cpp). Queues are templates over the entry type: the
// binary heap orders by (time, seq); the radix heap needs no seq (its buckets keep insertion order), so
// the Simulator gives it a 16-byte entry, which it moves a few times per event.
#include <concepts>
#include <type_traits>
#include <cstdint>
#include <string_view>

namespace cnisim::sim {

struct QueueEntry {
  std::int64_t time;   // picoseconds, >= 0
  std::uint64_t seq;   // unique, increasing in scheduling order
  std::uint32_t slot;  // the Simulator's event record
};

// What the radix heap needs: a time, and a slot to prefetch.
template <class E>
concept TimedEntry = std::is_trivially_copyable_v<E> && requires(const E& e) {
  { e.time } -> std::convertible_to<std::int64_t>;
  { e.slot } -> std::convertible_to<std::uint32_t>;
};
// What the binary heap needs besides: a seq to break ties.
template <class E>
concept SequencedEntry = TimedEntry<E> && requires(const E& e) {
  { e.seq } -> std::convertible_to<std::uint64_t>;
};

template <SequencedEntry E>
constexpr bool entry_before(const E& a, const E& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

enum class QueueKind {
  BinaryHeap,  // the reference: a textbook binary heap on (time, seq)
  RadixHeap,   // the fast one: monotone integer keys, only ever pops a time >= the last popped
};

std::string_view to_string(QueueKind kind);

}  // namespace cnisim::sim
