#pragma once
// CNISIM_CHECK(cond): an internal invariant (a state machine's rule, a queue's precondition), not a
// user error (those throw with a message). Like assert, but controlled by the CMake option
// CNISIM_CHECKS rather than NDEBUG: ON in the sanitizer build (CNISIM_SANITIZE=ON turns it on), OFF by
// default in Release, where the condition is not evaluated at all. When on and the condition is
// false, it prints "file:line: CNISIM_CHECK failed: <condition> (in <function>)" to stderr and aborts.
//
// CNISIM_CHECKS_ENABLED is 1 or 0 so that code and tests can ask at compile time which it is.

#if defined(CNISIM_CHECKS) && CNISIM_CHECKS
#define CNISIM_CHECKS_ENABLED 1
#else
#define CNISIM_CHECKS_ENABLED 0
#endif

namespace cnisim::sim::detail {
// Prints the failed check and aborts (never returns). Out of line: the fast path stays small.
[[noreturn]] void check_failed(const char* condition, const char* file, int line, const char* function) noexcept;
}  // namespace cnisim::sim::detail

#if CNISIM_CHECKS_ENABLED
#define CNISIM_CHECK(cond)                                                                        \
  (static_cast<bool>(cond) ? static_cast<void>(0)                                                 \
                           : ::cnisim::sim::detail::check_failed(#cond, __FILE__, __LINE__, __func__))
#else
// Not evaluated, but still compiled (names must exist and the condition must convert to bool), so
// the checked build cannot be broken by code that only the unchecked build sees.
#define CNISIM_CHECK(cond) static_cast<void>(sizeof(static_cast<bool>(cond)))
#endif
