#pragma once
// The discrete-event engine: an ordinary object (several may live in one process, each on its own
// thread). It knows nothing of packets: an event is a time and a callback.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/binary_heap_queue.hpp"
#include "sim/event_queue.hpp"
#include "sim/inline_callback.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/time.hpp"

namespace cnisim::sim {

// Names one scheduled event, for cancel(). Stays valid (and harmless) after the event ran.
struct EventId {
  std::uint64_t seq = 0;
  std::uint32_t slot = 0;
};

// Thrown when an event is scheduled before now().
class SchedulingError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Simulator {
 public:
  explicit Simulator(QueueKind queue = QueueKind::RadixHeap);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  ~Simulator();

  Time now() const { return now_; }
  QueueKind queue_kind() const;

  // Schedules `f` (any callable taking no arguments) to run at absolute time `t` >= now().
  // Callables of up to InlineCallback::kCapacity bytes are stored without a heap allocation.
  template <class F>
  EventId schedule_at(Time t, F&& f) {
    if (t < now_) throw_past(t);
    const std::uint32_t slot = acquire_slot();
    Record& r = record(slot);
    try {
      r.callback.emplace(std::forward<F>(f));
    } catch (...) {
      free_.push_back(slot);
      throw;
    }
    r.seq = next_seq_++;
    std::visit([&](auto& q) { push(q, t.ps(), r.seq, slot); }, queue_);
    ++pending_;
    return EventId{r.seq, slot};
  }

  // Schedules `f` to run `delay` (>= 0) after now().
  template <class F>
  EventId schedule_in(Time delay, F&& f) {
    if (delay < Time::zero()) throw_negative_delay(delay);
    return schedule_at(now_ + delay, std::forward<F>(f));
  }

  // Cancels a pending event and destroys its callback. Returns false if it already ran, is running,
  // or was cancelled.
  bool cancel(EventId id);

  // Runs until no event is pending or stop() is called.
  void run();
  // Runs every event at a time <= t, then advances now() to t (unless stop() was called first).
  void run_until(Time t);
  // Ends the current run() or run_until() after the event that is executing.
  void stop() { stop_requested_ = true; }

  std::uint64_t events_executed() const { return executed_; }
  std::size_t pending() const { return pending_; }

 private:
  // A record stays with its event until the event's queue entry comes out (also when cancelled), so
  // a slot is never reused while an entry names it.
  struct alignas(64) Record {
    InlineCallback callback;
    std::uint64_t seq = 0;  // 0: free, running or cancelled; else the seq of the pending event here
  };
  // The radix heap keeps push order among equal times by itself: its entry is 16 bytes, no seq.
  struct RadixEntry {
    std::int64_t time;
    std::uint32_t slot;
  };
  static void push(RadixHeapQueue<RadixEntry>& q, std::int64_t t, std::uint64_t, std::uint32_t slot) {
    q.push(RadixEntry{t, slot});
  }
  static void push(BinaryHeapQueue<QueueEntry>& q, std::int64_t t, std::uint64_t seq, std::uint32_t slot) {
    q.push(QueueEntry{t, seq, slot});
  }
  static_assert(sizeof(Record) == 64, "an event record is one cache line");
  static constexpr std::uint32_t kChunkBits = 10;  // records are allocated 1024 at a time, never moved

  Record& record(std::uint32_t slot) { return chunks_[slot >> kChunkBits][slot & ((1u << kChunkBits) - 1)]; }
  std::uint32_t acquire_slot() {
    if (free_.empty()) grow();
    const std::uint32_t s = free_.back();
    free_.pop_back();
    return s;
  }
  void grow();
  template <class Q>
  void run_loop(Q& q, std::int64_t limit);
  [[noreturn]] void throw_past(Time t) const;
  [[noreturn]] void throw_negative_delay(Time d) const;

  std::variant<RadixHeapQueue<RadixEntry>, BinaryHeapQueue<QueueEntry>> queue_;
  // Record chunks, never moved. The first kSmallChunks each have their own allocation; later ones are
  // carved from 2 MiB slabs the kernel is asked to back with huge pages (madvise): at 10^6 pending
  // events the records take 64 MiB, and with 4 KiB pages nearly every record access also missed the TLB.
  struct FreeDeleter {
    void operator()(void* p) const;
  };
  static constexpr std::size_t kSmallChunks = 16;
  static constexpr std::size_t kSlabBytes = std::size_t{2} << 20;
  std::vector<Record*> chunks_;
  std::vector<std::unique_ptr<void, FreeDeleter>> allocations_;
  std::size_t slab_chunks_left_ = 0;
  std::vector<const std::byte*> chunk_bases_;  // chunks_[c], for the radix heap's prefetch
  std::vector<std::uint32_t> free_;
  Time now_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t executed_ = 0;
  std::size_t pending_ = 0;
  bool stop_requested_ = false;
};

}  // namespace cnisim::sim
