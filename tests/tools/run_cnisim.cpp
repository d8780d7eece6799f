#include "tests/tools/run_cnisim.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

namespace {

std::string temp_file(const char* prefix) {
  std::string name = std::string("/tmp/") + prefix + "-XXXXXX";
  const int fd = mkstemp(name.data());
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  close(fd);
  return name;
}

}  // namespace

BackgroundCnisim::BackgroundCnisim(const std::string& args)
    : out_path_(temp_file("cnisim-test-stdout")), err_path_(temp_file("cnisim-test-stderr")) {
  // exec: the shell becomes cnisim, so pid_ is cnisim's and signals reach it directly.
  const std::string command = "cd '" + source_dir() + "' && exec " + CNISIM_BINARY + " " + args + " >" + out_path_ + " 2>" + err_path_;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("cannot fork to run " + command);
  if (pid_ == 0) {
    // The child starts with SIGINT and SIGTERM as they would be in a shell: default handling.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
}

BackgroundCnisim::~BackgroundCnisim() {
  if (pid_ > 0 && !ended_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::remove(out_path_.c_str());
  std::remove(err_path_.c_str());
}

bool BackgroundCnisim::reaped() {
  if (ended_) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  ended_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 256 + WTERMSIG(status) : -1;
  return true;
}

bool BackgroundCnisim::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_file(err_path_).find(text) != std::string::npos) return true;
    if (reaped()) return read_file(err_path_).find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void BackgroundCnisim::send(int signal) {
  if (!ended_) kill(pid_, signal);
}

CnisimRun BackgroundCnisim::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      ended_ = true;
      exit_code_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CnisimRun run;
  run.exitCode = exit_code_;
  run.out = read_file(out_path_);
  run.err = read_file(err_path_);
  return run;
}

}  // namespace cnisim::testing
