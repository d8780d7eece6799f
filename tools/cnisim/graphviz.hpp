#pragma once
// Graphviz's dot, run on DOT text: `cnisim graph --format svg|png` and the report's drawn topologies.
#include <string>

namespace cnisim::cli {

struct Drawing {
  std::string out;       // what dot wrote (the picture)
  bool missing = false;  // dot is not installed (or could not be started)
  int exit_code = 0;     // dot's, when it ran
  std::string err;       // its stderr
  bool ok() const { return !missing && exit_code == 0; }
};

// dot -T<format> on dot_text, stopped after timeout_ms.
Drawing run_dot(const std::string& dot_text, const std::string& format, int timeout_ms);

}  // namespace cnisim::cli
