#include "tools/cnisim/graphviz.hpp"

#include "models/emulation/process.hpp"

namespace cnisim::cli {

Drawing run_dot(const std::string& dot_text, const std::string& format, int timeout_ms) {
  const auto r = emulation::run_command({"dot", "-T" + format}, dot_text, {}, timeout_ms);
  Drawing d;
  d.missing = r.exit_code == 127 || r.exit_code == -1;
  d.exit_code = r.exit_code;
  d.err = r.err;
  d.out = r.out;
  return d;
}

}  // namespace cnisim::cli
