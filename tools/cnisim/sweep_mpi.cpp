#include "tools/cnisim/sweep_mpi.hpp"

#include <cstdlib>
#include <stdexcept>

#include "models/report/parallel_runs.hpp"

#ifdef CNISIM_HAVE_MPI
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, cnisim::report::SweepPoint& p, const unsigned int) {
  ar & p.values;
  ar & p.metrics;  // binary archives keep every bit of a double: rank 0 writes what -j 1 would
  ar & p.notes;
  ar & p.error;
}
}  // namespace boost::serialization
#endif

namespace cnisim::cli {

bool started_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(name); v && std::atoi(v) > 1) return true;
  }
  return false;
}

bool mpi_built() {
#ifdef CNISIM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

std::optional<std::vector<report::SweepPoint>> run_points_on_ranks(
    std::size_t count, std::size_t threads, const std::function<report::SweepPoint(std::size_t)>& point,
    std::size_t* ranks) {
#ifdef CNISIM_HAVE_MPI
  boost::mpi::environment environment(boost::mpi::threading::funneled);
  boost::mpi::communicator world;
  const auto rank = static_cast<std::size_t>(world.rank());
  const auto size = static_cast<std::size_t>(world.size());
  if (ranks) *ranks = size;
  std::vector<std::size_t> mine;
  for (std::size_t i = rank; i < count; i += size) mine.push_back(i);
  const std::function<report::SweepPoint(std::size_t)> job = [&](std::size_t k) { return point(mine[k]); };
  std::vector<std::pair<std::size_t, report::SweepPoint>> local;
  {
    auto rows = report::run_in_parallel(mine.size(), threads, job);
    for (std::size_t k = 0; k < mine.size(); ++k) local.emplace_back(mine[k], std::move(rows[k]));
  }
  std::vector<std::vector<std::pair<std::size_t, report::SweepPoint>>> all;
  boost::mpi::gather(world, local, all, 0);
  if (rank != 0) return std::nullopt;
  std::vector<std::optional<report::SweepPoint>> slots(count);
  for (auto& part : all) {
    for (auto& [i, p] : part) slots.at(i) = std::move(p);
  }
  std::vector<report::SweepPoint> out;
  for (auto& s : slots) {
    if (!s) throw std::logic_error("a sweep point was not gathered from its rank");
    out.push_back(std::move(*s));
  }
  return out;
#else
  (void)count, (void)threads, (void)point, (void)ranks;
  throw std::logic_error("run_points_on_ranks in a build without MPI");
#endif
}

}  // namespace cnisim::cli
