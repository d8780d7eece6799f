#pragma once
// Reference event queue: a binary min-heap on (time, seq) over a vector.
#include <algorithm>
#include <cassert>
#include <vector>

#include "sim/event_queue.hpp"

namespace cnisim::sim {

class BinaryHeapQueue {
 public:
  static constexpr QueueKind kind = QueueKind::BinaryHeap;

  void push(const QueueEntry& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Time of the earliest entry; the queue must not be empty.
  std::int64_t min_time() {
    assert(!heap_.empty());
    return heap_.front().time;
  }
  std::uint32_t next_slot() const {
    assert(!heap_.empty());
    return heap_.front().slot;
  }
  QueueEntry pop() {
    assert(!heap_.empty());
    std::pop_heap(heap_.begin(), heap_.end(), later);
    QueueEntry e = heap_.back();
    heap_.pop_back();
    return e;
  }
  void clear() { heap_.clear(); }

 private:
  static bool later(const QueueEntry& a, const QueueEntry& b) { return entry_before(b, a); }
  std::vector<QueueEntry> heap_;
};

}  // namespace cnisim::sim
