#pragma once
// Runs the cnisim binary (path fixed at build time) from the repo top and captures what it printed.
#include <chrono>
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

// cnisim running in the background (for sending it signals), stdout and stderr going to files.
class BackgroundCnisim {
 public:
  // Starts `cnisim args` from the repo top, as run_cnisim does.
  explicit BackgroundCnisim(const std::string& args);
  ~BackgroundCnisim();  // kills it (SIGKILL) if it still runs, and removes the files
  BackgroundCnisim(const BackgroundCnisim&) = delete;
  BackgroundCnisim& operator=(const BackgroundCnisim&) = delete;

  // Waits until its stderr holds `text`; false if it did not within `timeout` or cnisim ended.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout);
  void send(int signal);
  // Waits for it to end: exit code, out and err (exitCode 256 + N when signal N killed it, unlike an
  // exit with status 128 + N after handling the signal). On timeout it is killed and exitCode is -1.
  CnisimRun wait(std::chrono::milliseconds timeout);

 private:
  bool reaped();  // true once it has ended (exit_code_ then set)
  int pid_ = -1;
  bool ended_ = false;
  int exit_code_ = -1;
  std::string out_path_, err_path_;
};

// A whole file; *found (if given) says whether it could be opened.
std::string read_file(const std::string& path, bool* found = nullptr);

// The repo top: env CNISIM_SOURCE_DIR (set by ctest), else the current directory.
std::string source_dir();

}  // namespace cnisim::testing
