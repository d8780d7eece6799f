#include "models/emulation/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cnisim::emulation {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

}  // namespace

std::string command_text(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& a : argv) text += (text.empty() ? "" : " ") + a;
  return text;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text,
                          const std::string& netns_path, int timeout_ms) {
  CommandResult result;
  if (argv.empty()) throw std::invalid_argument("run_command: empty argv");
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
  if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
  // Prepared before fork: the child only calls async-signal-safe functions.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int ns_fd = -1;
  if (!netns_path.empty()) {
    ns_fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
      for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
      throw std::runtime_error(errno_text("open " + netns_path));
    }
  }
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(errno_text("fork"));
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) {
      const char msg[] = "cnisim: setns failed\n";
      (void)!::write(2, msg, sizeof msg - 1);
      ::_exit(126);
    }
    ::execvp(args[0], args.data());
    const char msg[] = "cnisim: exec failed (is the program installed?)\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  if (ns_fd >= 0) ::close(ns_fd);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  Fd w{in[1]}, r_out{out[0]}, r_err{err[0]};
  std::size_t written = 0;
  if (stdin_text.empty()) w.reset();
  ::fcntl(w.fd, F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  while (r_out.fd >= 0 || r_err.fd >= 0) {
    pollfd fds[3];
    int n = 0;
    if (w.fd >= 0) fds[n++] = {w.fd, POLLOUT, 0};
    if (r_out.fd >= 0) fds[n++] = {r_out.fd, POLLIN, 0};
    if (r_err.fd >= 0) fds[n++] = {r_err.fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == w.fd) {
        const ssize_t k = ::write(w.fd, stdin_text.data() + written, stdin_text.size() - written);
        if (k > 0) written += static_cast<std::size_t>(k);
        if (k < 0 && errno != EAGAIN) w.reset();
        if (written == stdin_text.size()) w.reset();
      } else {
        char buf[4096];
        const ssize_t k = ::read(fds[i].fd, buf, sizeof buf);
        std::string& sink = fds[i].fd == r_out.fd ? result.out : result.err;
        if (k > 0) {
          if (sink.size() < (1u << 20)) sink.append(buf, static_cast<std::size_t>(k));
        } else if (k == 0 || errno != EINTR) {
          (fds[i].fd == r_out.fd ? r_out : r_err).reset();
        }
      }
    }
  }
  if (timed_out) ::kill(pid, SIGKILL);
  w.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.exit_code = 128 + SIGKILL;
    result.err += "cnisim: killed after " + std::to_string(timeout_ms) + " ms\n";
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

std::string run_checked(const std::vector<std::string>& argv, const std::string& stdin_text,
                        const std::string& netns_path, int timeout_ms) {
  const CommandResult r = run_command(argv, stdin_text, netns_path, timeout_ms);
  if (!r.ok()) {
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    throw std::runtime_error("`" + command_text(argv) + "`" +
                             (netns_path.empty() ? "" : " in " + netns_path) + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + (err.empty() ? "no message" : err));
  }
  return r.out;
}

void run_in_netns(const std::string& netns_path, const std::function<void()>& fn) {
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      Fd ns{::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC)};
      if (ns.fd < 0) throw std::runtime_error(errno_text("open " + netns_path));
      // setns on this thread only: CLONE_NEWNET may be entered by one thread of a process.
      if (::setns(ns.fd, CLONE_NEWNET) != 0) throw std::runtime_error(errno_text("setns " + netns_path));
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
}

int socket_in_netns(const std::string& netns_path, int domain, int type, int protocol) {
  int fd = -1;
  run_in_netns(netns_path, [&] {
    fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) throw std::runtime_error(errno_text("socket in " + netns_path));
  });
  return fd;
}

std::vector<int> sockets_in_netns(const std::string& netns_path, std::size_t count, int domain, int type,
                                  int protocol) {
  std::vector<int> fds;
  fds.reserve(count);
  try {
    run_in_netns(netns_path, [&] {
      for (std::size_t i = 0; i < count; ++i) {
        const int fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0) throw std::runtime_error(errno_text("socket in " + netns_path));
        fds.push_back(fd);
      }
    });
  } catch (...) {
    for (int fd : fds) ::close(fd);
    throw;
  }
  return fds;
}

void write_sysctl(const std::string& netns_path, const std::string& key, const std::string& value) {
  run_in_netns(netns_path, [&] {
    const std::string path = "/proc/sys/net/" + key;
    std::ofstream f(path);
    f << value << '\n';
    f.close();
    if (!f) throw std::runtime_error("cannot write " + value + " to " + path + " in " + netns_path);
  });
}

std::string read_file_in_netns(const std::string& netns_path, const std::string& path) {
  std::string text;
  run_in_netns(netns_path, [&] {
    std::ifstream f(path);
    if (!f) return;
    std::ostringstream s;
    s << f.rdbuf();
    text = s.str();
  });
  return text;
}

}  // namespace cnisim::emulation
