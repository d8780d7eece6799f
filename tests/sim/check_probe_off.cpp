// CNISIM_CHECK compiled with checks forced off, whatever the build's CNISIM_CHECKS setting.
#undef CNISIM_CHECKS
#define CNISIM_CHECKS 0
#define CNISIM_PROBE checked_off
#include "tests/sim/check_probe_body.inc"
static_assert(CNISIM_CHECKS_ENABLED == 0);
