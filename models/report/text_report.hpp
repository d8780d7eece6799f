#pragma once
// The human-readable report of `cnisim run` / `cnisim compare` (`-o table`, the default).
#include <string>

#include "models/report/comparison.hpp"

namespace cnisim::report {

// One section per metric group; a column per variant, then for each variant after the first its
// difference from and ratio to the baseline. Rows that are 0 under every variant are left out.
// Above the table, a line "[<variant>] <note>" for each of a variant's notes (notes.hpp).
std::string format_table(const Comparison& comparison);

}  // namespace cnisim::report
