#include "sim/simulator.hpp"

#include <cstdlib>
#include <limits>
#include <memory>
#include <new>

#include <sys/mman.h>

namespace cnisim::sim {

std::string_view to_string(QueueKind kind) {
  switch (kind) {
    case QueueKind::BinaryHeap: return "binary-heap";
    case QueueKind::RadixHeap: return "radix-heap";
  }
  return "?";
}

Simulator::Simulator(QueueKind queue) {
  if (queue == QueueKind::BinaryHeap) {
    queue_.emplace<BinaryHeapQueue<QueueEntry>>();
  } else {
    static_assert(sizeof(Record) == 1u << 6);
    std::get<RadixHeapQueue<RadixEntry>>(queue_).set_prefetch(&chunk_bases_, kChunkBits, 6);
  }
}

void Simulator::FreeDeleter::operator()(void* p) const { std::free(p); }

Simulator::~Simulator() {
  // Destroy the callbacks of events that never ran (they may own resources), then the records.
  for (Record* chunk : chunks_)
    for (std::uint32_t i = 0; i < (1u << kChunkBits); ++i) chunk[i].~Record();
}

QueueKind Simulator::queue_kind() const {
  return std::visit([](const auto& q) { return std::decay_t<decltype(q)>::kind; }, queue_);
}

void Simulator::grow() {
  const auto base = static_cast<std::uint64_t>(chunks_.size()) << kChunkBits;
  if (base + (1u << kChunkBits) > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("the simulator holds more than 4 billion pending events");
  }
  constexpr std::size_t kChunkBytes = sizeof(Record) << kChunkBits;
  static_assert(kSlabBytes % kChunkBytes == 0);
  std::byte* memory = nullptr;
  if (chunks_.size() < kSmallChunks) {
    memory = static_cast<std::byte*>(std::aligned_alloc(alignof(Record), kChunkBytes));
    if (!memory) throw std::bad_alloc();
    allocations_.emplace_back(memory);
  } else {
    if (slab_chunks_left_ == 0) {
      void* slab = std::aligned_alloc(kSlabBytes, kSlabBytes);
      if (!slab) throw std::bad_alloc();
      allocations_.emplace_back(slab);
      ::madvise(slab, kSlabBytes, MADV_HUGEPAGE);  // a hint: without huge pages it works as before
      slab_chunks_left_ = kSlabBytes / kChunkBytes;
    }
    memory = static_cast<std::byte*>(allocations_.back().get()) + (kSlabBytes / kChunkBytes - slab_chunks_left_) * kChunkBytes;
    --slab_chunks_left_;
  }
  Record* chunk = reinterpret_cast<Record*>(memory);
  std::uninitialized_default_construct_n(chunk, std::size_t{1} << kChunkBits);
  chunks_.push_back(chunk);
  chunk_bases_.push_back(memory);
  free_.reserve(free_.size() + (1u << kChunkBits));
  // Pushed in reverse so that slots are handed out in increasing order.
  for (std::uint32_t i = (1u << kChunkBits); i-- > 0;) free_.push_back(static_cast<std::uint32_t>(base) + i);
}

bool Simulator::cancel(EventId id) {
  if (id.seq == 0 || (id.slot >> kChunkBits) >= chunks_.size()) return false;
  Record& r = record(id.slot);
  if (r.seq != id.seq) return false;
  // The queue entry stays behind and is skipped when it comes up (its record's seq is 0); the slot is
  // freed then.
  r.seq = 0;
  r.callback.reset();
  --pending_;
  return true;
}

template <class Q>
void Simulator::run_loop(Q& q, std::int64_t limit) {
  stop_requested_ = false;
  while (!q.empty() && !stop_requested_) {
    if (q.min_time() > limit) break;
    const auto e = q.pop();
    Record& r = record(e.slot);
    if (r.seq == 0) {  // cancelled
      free_.push_back(e.slot);
      continue;
    }
    now_ = Time::from_ps(e.time);
    r.seq = 0;
    --pending_;
    ++executed_;
    // Fetch the next event's record while this one runs: at 10^5+ pending events it is a cache miss.
    // (The radix heap also prefetches, further ahead, when it splits a bucket.)
    if (const auto* next = q.next_at_front()) __builtin_prefetch(&record(next->slot));
    // The slot is released only after the callback returns (or throws): it runs from the slot's storage.
    struct Release {
      std::vector<std::uint32_t>& free;
      std::uint32_t slot;
      ~Release() { free.push_back(slot); }
    } release{free_, e.slot};
    r.callback.invoke_and_reset();
  }
}

void Simulator::run() {
  std::visit([&](auto& q) { run_loop(q, std::numeric_limits<std::int64_t>::max()); }, queue_);
}

void Simulator::run_until(Time t) {
  std::visit([&](auto& q) { run_loop(q, t.ps()); }, queue_);
  if (!stop_requested_ && t > now_) now_ = t;
}

void Simulator::throw_past(Time t) const {
  throw SchedulingError("cannot schedule an event at " + t.to_string() + ": the simulation is already at " +
                        now_.to_string() + " and time only moves forward (schedule at now() or later)");
}

void Simulator::throw_negative_delay(Time d) const {
  throw SchedulingError("cannot schedule an event with a negative delay of " + d.to_string() +
                        " (delays must be >= 0)");
}

}  // namespace cnisim::sim
