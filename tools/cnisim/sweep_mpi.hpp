#pragma once
// The sweep's points over Open MPI ranks (Boost.MPI), when cnisim was built with MPI and started by
// mpirun: rank r runs the points i with i % size == r (on its own thread pool), and rank 0 gathers every
// point's row and writes the outputs, so they are byte-identical to a run with -j 1.
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "models/report/sweep.hpp"

namespace cnisim::cli {

// True when this process was started by mpirun as one of several ranks (Open MPI's, PMI's or PMIx's
// environment says so).
bool started_by_mpirun();
// Whether this build has MPI support.
bool mpi_built();

// Runs point(i) for this rank's share of 0..count-1 on `threads` threads and gathers every point on rank
// 0: there the points in index order; on the other ranks nothing (they write no output).
std::optional<std::vector<report::SweepPoint>> run_points_on_ranks(
    std::size_t count, std::size_t threads, const std::function<report::SweepPoint(std::size_t)>& point,
    std::size_t* ranks);

}  // namespace cnisim::cli
