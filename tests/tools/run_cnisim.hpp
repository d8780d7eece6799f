#pragma once
// Runs the cnisim binary (path fixed at build time) from the repo top and captures what it printed.
#include <string>

namespace cnisim::testing {

struct CnisimRun {
  int exitCode = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// args are appended to the binary's path as they are (the caller quotes where needed); env is a
// list of NAME=value assignments for the child's environment ("" for none).
CnisimRun run_cnisim(const std::string& args, const std::string& env = "");

// A whole file; *found (if given) says whether it could be opened.
std::string read_file(const std::string& path, bool* found = nullptr);

// The repo top: env CNISIM_SOURCE_DIR (set by ctest), else the current directory.
std::string source_dir();

}  // namespace cnisim::testing
