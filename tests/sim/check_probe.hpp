#pragma once
// Two functions that CNISIM_CHECK(value > 0), counting each evaluation of the condition: one built
// with checks on, one with checks off (tests/sim/check_probe_on.cpp, check_probe_off.cpp).
namespace cnisim::sim::test {
int checked_on(int value, int* evaluations);
int checked_off(int value, int* evaluations);
}  // namespace cnisim::sim::test
