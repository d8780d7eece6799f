#pragma once
// Golden-file comparison shared by the view and scenario tests: compares `actual` byte for byte with
// the file at `path`, or rewrites the file when CNISIM_UPDATE_GOLDEN=1 (review the diff afterwards).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/tools/run_cnisim.hpp"

namespace cnisim::testing {

inline bool golden_update_requested() {
  const char* v = std::getenv("CNISIM_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

inline void check_golden(const std::string& path, const std::string& actual) {
  if (golden_update_requested()) {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("rewrote " << path);
    return;
  }
  bool found = false;
  const std::string expected = read_file(path, &found);
  INFO("golden file " << path << (found ? "" : " is missing; create it with CNISIM_UPDATE_GOLDEN=1"));
  REQUIRE(found);
  CHECK(actual == expected);
}

}  // namespace cnisim::testing
