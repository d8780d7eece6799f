#pragma once
// A flat open-addressing hash map for the per-packet path: one array of slots, linear probing from the
// key's hash, a power-of-two capacity kept at most half full, and backward-shift deletion (no
// tombstones, so a table that sees steady inserts and erases never degrades). A lookup touches one or
// two cache lines whatever the number of entries, unlike std::unordered_map's node per entry.
//
// Pointers returned by find() and insert() stay valid until the next insert or erase.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace cnisim::net {

template <class Key, class Value, class Hash = std::hash<Key>>
class FlatHashMap {
 public:
  explicit FlatHashMap(std::size_t expected = 0) { reserve(expected); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return slots_.size(); }

  // Room for `count` entries without growing.
  void reserve(std::size_t count) {
    std::size_t want = kMinCapacity;
    while (want < count * 2) want *= 2;
    if (want > slots_.size()) rehash(want);
  }

  Value* find(const Key& key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  const Value* find(const Key& key) const { return const_cast<FlatHashMap*>(this)->find(key); }
  bool contains(const Key& key) const { return find(key) != nullptr; }

  // Inserts key -> value if key is absent; returns the entry and whether it was inserted.
  std::pair<Value*, bool> insert(const Key& key, const Value& value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2);
    for (std::size_t i = home(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) {
        s.key = key;
        s.value = value;
        s.used = true;
        ++size_;
        return {&s.value, true};
      }
      if (s.key == key) return {&s.value, false};
    }
  }
  // The entry for key, value-initialized if it was absent.
  Value& operator[](const Key& key) { return *insert(key, Value{}).first; }

  bool erase(const Key& key) {
    if (size_ == 0) return false;
    std::size_t hole = home(key);
    for (;; hole = next(hole)) {
      if (!slots_[hole].used) return false;
      if (slots_[hole].key == key) break;
    }
    // Backward shift: move later entries of the probe run into the hole when their home allows it.
    for (std::size_t i = next(hole);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) break;
      const std::size_t h = home(s.key);
      // s may move to the hole if the hole lies cyclically in [h, i).
      if (((i - h) & mask()) >= ((i - hole) & mask())) {
        slots_[hole] = std::move(s);
        hole = i;
      }
    }
    slots_[hole].used = false;
    --size_;
    return true;
  }

  void clear() {
    for (auto& s : slots_) s.used = false;
    size_ = 0;
  }

  // Calls fn(key, value) for every entry, in slot order (deterministic for a given history).
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& s : slots_) {
      if (s.used) fn(s.key, s.value);
    }
  }

 private:
  static constexpr std::size_t kMinCapacity = 16;
  struct Slot {
    Key key{};
    Value value{};
    bool used = false;
  };

  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(const Key& key) const {
    // Fibonacci scrambling on top of the key's hash: a weak hash (identity) still spreads.
    const auto h = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h >> 32) & mask();
  }
  std::size_t next(std::size_t i) const { return (i + 1) & mask(); }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    size_ = 0;
    for (auto& s : old) {
      if (s.used) insert(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace cnisim::net
