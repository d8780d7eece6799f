#include "sim/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace cnisim::sim::detail {

void check_failed(const char* condition, const char* file, int line, const char* function) noexcept {
  std::fprintf(stderr, "%s:%d: CNISIM_CHECK failed: %s (in %s)\n", file, line, condition, function);
  std::fflush(stderr);
  std::abort();
}

}  // namespace cnisim::sim::detail
