// CNISIM_CHECK: on, a false condition prints file:line and the condition and aborts (checked in a
// child process); off, the condition is not even evaluated; the sanitizer build has it on.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "sim/check.hpp"
#include "tests/sim/check_probe.hpp"

using namespace cnisim::sim::test;

namespace {
struct ChildResult {
  int status = 0;
  std::string err;
};

// Runs fn in a forked child with stderr captured; returns its wait status and what it printed.
template <class Fn>
ChildResult in_child(Fn fn) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL);  // Catch's handler would report the abort as a failed test
    fn();
    _exit(0);
  }
  close(fds[1]);
  ChildResult r;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.err.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  REQUIRE(waitpid(pid, &r.status, 0) == pid);
  return r;
}
}  // namespace

TEST_CASE("a failed CNISIM_CHECK prints file and line and the condition and aborts", "[check]") {
  const auto r = in_child([] {
    int evaluations = 0;
    checked_on(-1, &evaluations);
  });
  REQUIRE(WIFSIGNALED(r.status));
  CHECK(WTERMSIG(r.status) == SIGABRT);
  CHECK_THAT(r.err, Catch::Contains("tests/sim/check_probe_body.inc:9: CNISIM_CHECK failed: (++*evaluations, value > 0)"));
  CHECK_THAT(r.err, Catch::Contains("(in checked_on)"));
}

TEST_CASE("a CNISIM_CHECK that holds evaluates its condition once and goes on", "[check]") {
  int evaluations = 0;
  CHECK(checked_on(5, &evaluations) == 5);
  CHECK(evaluations == 1);
}

TEST_CASE("with checks off CNISIM_CHECK does not evaluate its condition and never aborts", "[check]") {
  int evaluations = 0;
  CHECK(checked_off(-1, &evaluations) == -1);
  CHECK(evaluations == 0);
}

#ifdef CNISIM_SANITIZE
TEST_CASE("the sanitizer build keeps CNISIM_CHECK on", "[check]") { CHECK(CNISIM_CHECKS_ENABLED == 1); }
#endif
