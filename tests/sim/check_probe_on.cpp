// CNISIM_CHECK compiled with checks forced on, whatever the build's CNISIM_CHECKS setting.
#undef CNISIM_CHECKS
#define CNISIM_CHECKS 1
#include "sim/check.hpp"

#include "tests/sim/check_probe.hpp"

namespace cnisim::sim::test {
static_assert(CNISIM_CHECKS_ENABLED == 1);
int checked_on(int value, int* evaluations) {
  CNISIM_CHECK((++*evaluations, value > 0));
  return value;
}
}  // namespace cnisim::sim::test
