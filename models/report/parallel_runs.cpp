#include "models/report/parallel_runs.hpp"

#include <thread>

namespace cnisim::report {

std::size_t default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace cnisim::report
