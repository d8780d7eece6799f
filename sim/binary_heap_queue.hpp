#pragma once
// Reference event queue: a binary min-heap on (time, seq) over a vector.
#include <algorithm>
#include <vector>

#include "sim/check.hpp"
#include "sim/event_queue.hpp"

namespace cnisim::sim {

template <SequencedEntry Entry = QueueEntry>
class BinaryHeapQueue {
 public:
  static constexpr QueueKind kind = QueueKind::BinaryHeap;

  void push(const Entry& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Time of the earliest entry; the queue must not be empty.
  std::int64_t min_time() {
    CNISIM_CHECK(!heap_.empty());
    return heap_.front().time;
  }
  // The entry that pop() returns next, or nullptr when empty (for the caller to prefetch its record).
  const Entry* next_at_front() const { return heap_.empty() ? nullptr : &heap_.front(); }
  Entry pop() {
    CNISIM_CHECK(!heap_.empty());
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Entry e = heap_.back();
    heap_.pop_back();
    return e;
  }
  void clear() { heap_.clear(); }

 private:
  static bool later(const Entry& a, const Entry& b) { return entry_before(b, a); }
  std::vector<Entry> heap_;
};

}  // namespace cnisim::sim
