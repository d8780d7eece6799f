#include "tests/tools/run_cnisim.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cnisim::testing {

std::string read_file(const std::string& path, bool* found) {
  std::ifstream in(path, std::ios::binary);
  if (found) *found = static_cast<bool>(in);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

std::string source_dir() {
  const char* dir = std::getenv("CNISIM_SOURCE_DIR");
  return dir && *dir ? dir : ".";
}

CnisimRun run_cnisim(const std::string& args, const std::string& env) {
  char err_template[] = "/tmp/cnisim-test-stderr-XXXXXX";
  const int fd = mkstemp(err_template);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for stderr");
  const std::string err_path = err_template;
  const std::string command = "cd '" + source_dir() + "' && env " + env + " " + CNISIM_BINARY + " " + args + " 2>" + err_path;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  CnisimRun run;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  const int status = pclose(pipe);
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_file(err_path);
  std::remove(err_path.c_str());
  return run;
}

}  // namespace cnisim::testing
