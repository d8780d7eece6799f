#pragma once
// A move-only `void()` callable stored in a fixed inline buffer: scheduling an event does not touch the
// heap unless the callable is larger than the buffer (then, and only then, it is boxed).
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace cnisim::sim {

class InlineCallback {
 public:
  static constexpr std::size_t kCapacity = 40;  // with the op pointer: 48 bytes; a Record is one cache line

  InlineCallback() = default;
  InlineCallback(const InlineCallback&) = delete;
  InlineCallback& operator=(const InlineCallback&) = delete;
  ~InlineCallback() { reset(); }

  // Builds the callable in place. The callback must be empty.
  template <class F>
  void emplace(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(std::is_invocable_r_v<void, Fn&>, "an event callback takes no arguments");
    if constexpr (sizeof(Fn) <= kCapacity && alignof(Fn) <= 8) {
      ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
      op_ = &inline_op<Fn>;
    } else {
      using Box = std::unique_ptr<Fn>;
      ::new (static_cast<void*>(storage_)) Box(std::make_unique<Fn>(std::forward<F>(f)));
      op_ = &boxed_op<Fn>;
    }
  }

  bool empty() const { return op_ == nullptr; }

  // Runs the callable, then destroys it (also when it throws). Leaves the callback empty.
  void invoke_and_reset() {
    auto* op = op_;
    op_ = nullptr;
    op(storage_, Action::InvokeAndDestroy);
  }

  void reset() {
    if (op_ != nullptr) {
      auto* op = op_;
      op_ = nullptr;
      op(storage_, Action::Destroy);
    }
  }

 private:
  enum class Action { InvokeAndDestroy, Destroy };
  using Op = void (*)(void*, Action);

  template <class Fn>
  static void inline_op(void* p, Action a) {
    Fn* fn = std::launder(static_cast<Fn*>(p));
    if (a == Action::Destroy) {
      fn->~Fn();
      return;
    }
    struct Guard {
      Fn* fn;
      ~Guard() { fn->~Fn(); }
    } guard{fn};
    (*fn)();
  }

  template <class Fn>
  static void boxed_op(void* p, Action a) {
    using Box = std::unique_ptr<Fn>;
    Box* box = std::launder(static_cast<Box*>(p));
    struct Guard {
      Box* box;
      ~Guard() { box->~Box(); }
    } guard{box};
    if (a == Action::InvokeAndDestroy) (**box)();
  }

  alignas(8) std::byte storage_[kCapacity];
  Op op_ = nullptr;
};

}  // namespace cnisim::sim
