#include "tools/cnisim/interrupt.hpp"

#include <csignal>
#include <cstring>

namespace cnisim::cli {

namespace {

// Lock-free atomics are the only shared state a signal handler may touch.
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

constexpr int kSignals[] = {SIGINT, SIGTERM};
struct sigaction g_previous[2];

void on_signal(int signal) {
  g_signal.store(signal, std::memory_order_relaxed);
  g_stop.store(true, std::memory_order_relaxed);
}

}  // namespace

InterruptHandling::InterruptHandling() {
  g_stop.store(false);
  g_signal.store(0);
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the second signal gets the default action (ends the process); SA_RESTART: writes
  // and reads in progress are not cut short by the first.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  for (std::size_t i = 0; i < 2; ++i) sigaction(kSignals[i], &action, &g_previous[i]);
}

InterruptHandling::~InterruptHandling() {
  for (std::size_t i = 0; i < 2; ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
}

const std::atomic<bool>* InterruptHandling::flag() const { return &g_stop; }

int InterruptHandling::signal() const { return g_signal.load(std::memory_order_relaxed); }

}  // namespace cnisim::cli
