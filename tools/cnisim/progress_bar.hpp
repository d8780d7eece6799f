#pragma once
// A progress bar on stderr for runs that take more than about a second: simulated time done out of
// the total, and events per second. Shown only when stderr is a terminal and logging is not quiet;
// otherwise nothing is ever written. Runs on several threads report into atomics; a painter thread
// redraws the line a few times a second.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/time.hpp"

namespace cnisim::cli {

class ProgressBar {
 public:
  // One slot per concurrent run; total_ps = that run's expected simulated time (0: unknown).
  ProgressBar(std::vector<std::int64_t> total_ps, bool enabled);
  ~ProgressBar();  // stops painting and clears the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Thread-safe: run `slot` has reached simulated time `now` after `events` events.
  void update(std::size_t slot, sim::Time now, std::uint64_t events);
  // stderr is a terminal and the log level is below error (-q not given).
  static bool wanted();

 private:
  void paint_loop();
  std::string line(double wall_seconds) const;

  std::vector<std::int64_t> total_ps_;
  std::vector<std::atomic<std::int64_t>> done_ps_;
  std::vector<std::atomic<std::uint64_t>> events_;
  bool enabled_;
  bool painted_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread painter_;
};

}  // namespace cnisim::cli
