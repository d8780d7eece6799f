#pragma once
// Independent jobs (one simulation each) on a Boost.Asio thread pool. Results are stored by job
// index, never in completion order, so the output is the same for any thread count. Each job must
// own everything it mutates (its own Simulator, Cluster, Network): nothing is shared between jobs.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <vector>

namespace cnisim::report {

// The number of hardware threads (at least 1): the default of `-j`.
std::size_t default_jobs();

// Runs job(0) .. job(count - 1) on min(threads, count) threads and returns their results in index
// order. If jobs throw, the exception of the lowest-numbered failing job is rethrown after all ended.
template <class R>
std::vector<R> run_in_parallel(std::size_t count, std::size_t threads, const std::function<R(std::size_t)>& job) {
  std::vector<std::optional<R>> slots(count);
  std::vector<std::exception_ptr> errors(count);
  {
    boost::asio::thread_pool pool(std::max<std::size_t>(1, std::min(threads, count)));
    for (std::size_t i = 0; i < count; ++i) {
      boost::asio::post(pool, [&, i] {
        try {
          slots[i].emplace(job(i));
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    pool.join();
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<R> out;
  out.reserve(count);
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace cnisim::report
