#pragma once
// The pending-event set. The Simulator keeps callbacks in its own pool; a queue only orders entries
// by (time, seq): seq is the scheduling order, so events at equal times run in the order scheduled.
// Every implementation has the same interface (push, empty, size, min_time, pop, clear) and is checked
// by one contract test (tests/sim/event_queue_test.cpp).
#include <cstdint>
#include <string_view>

namespace cnisim::sim {

struct QueueEntry {
  std::int64_t time;   // picoseconds, >= 0
  std::uint64_t seq;   // unique, increasing in scheduling order
  std::uint32_t slot;  // the Simulator's event record
};

constexpr bool entry_before(const QueueEntry& a, const QueueEntry& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

enum class QueueKind {
  BinaryHeap,  // the reference: a textbook binary heap on (time, seq)
  RadixHeap,   // the fast one: monotone integer keys, only ever pops a time >= the last popped
};

std::string_view to_string(QueueKind kind);

}  // namespace cnisim::sim
