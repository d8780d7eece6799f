#pragma once
// Ctrl-C (SIGINT) and SIGTERM during `cnisim run` / `compare`: while an InterruptHandling object
// lives, the first such signal only sets a flag (the handler does nothing else, so it is
// async-signal-safe); the runs see it at their next progress slice and stop, and the command prints
// the results so far, marked partial, and exits 128 + the signal (130 for Ctrl-C). A second signal
// ends the process at once, as if no handler were installed.
#include <atomic>

namespace cnisim::cli {

class InterruptHandling {
 public:
  InterruptHandling();   // installs the handlers (and clears the flag)
  ~InterruptHandling();  // restores the previous handlers
  InterruptHandling(const InterruptHandling&) = delete;
  InterruptHandling& operator=(const InterruptHandling&) = delete;

  // Becomes true when a signal arrives; for workload::RunOptions::stop.
  const std::atomic<bool>* flag() const;
  // The signal that arrived (SIGINT, SIGTERM), 0 if none.
  int signal() const;
};

}  // namespace cnisim::cli
