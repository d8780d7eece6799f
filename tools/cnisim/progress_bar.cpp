#include "tools/cnisim/progress_bar.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace cnisim::cli {

namespace {
constexpr auto kQuietPeriod = std::chrono::seconds(1);       // short runs never show a bar
constexpr auto kRepaint = std::chrono::milliseconds(200);
constexpr int kBarWidth = 30;
}  // namespace

bool ProgressBar::wanted() { return isatty(STDERR_FILENO) == 1 && spdlog::get_level() < spdlog::level::err; }

ProgressBar::ProgressBar(std::vector<std::int64_t> total_ps, bool enabled)
    : total_ps_(std::move(total_ps)), done_ps_(total_ps_.size()), events_(total_ps_.size()), enabled_(enabled) {
  if (enabled_) painter_ = std::thread([this] { paint_loop(); });
}

ProgressBar::~ProgressBar() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  painter_.join();
  if (painted_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::update(std::size_t slot, sim::Time now, std::uint64_t events) {
  done_ps_[slot].store(now.ps(), std::memory_order_relaxed);
  events_[slot].store(events, std::memory_order_relaxed);
}

std::string ProgressBar::line(double wall_seconds) const {
  std::int64_t done = 0, total = 0;
  std::uint64_t events = 0;
  bool known = true;
  for (std::size_t i = 0; i < total_ps_.size(); ++i) {
    known = known && total_ps_[i] > 0;
    total += total_ps_[i];
    done += std::min(done_ps_[i].load(std::memory_order_relaxed), total_ps_[i] > 0 ? total_ps_[i] : INT64_MAX);
    events += events_[i].load(std::memory_order_relaxed);
  }
  const double rate = wall_seconds > 0 ? static_cast<double>(events) / wall_seconds : 0;
  char buf[200];
  if (known && total > 0) {
    const double fraction = static_cast<double>(done) / static_cast<double>(total);
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::snprintf(buf, sizeof buf, "[%s%s] %3.0f%%  simulated %.3f of %.3f ms  %.2f M events/s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  std::string(static_cast<std::size_t>(kBarWidth - filled), '.').c_str(), 100 * fraction,
                  static_cast<double>(done) / 1e9, static_cast<double>(total) / 1e9, rate / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "simulated %.3f ms  %.2f M events/s", static_cast<double>(done) / 1e9, rate / 1e6);
  }
  return buf;
}

void ProgressBar::paint_loop() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  if (wake_.wait_for(lock, kQuietPeriod, [this] { return stopping_; })) return;
  while (!stopping_) {
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    std::fprintf(stderr, "\r\033[K%s", line(wall.count()).c_str());
    std::fflush(stderr);
    painted_ = true;
    wake_.wait_for(lock, kRepaint, [this] { return stopping_; });
  }
}

}  // namespace cnisim::cli
