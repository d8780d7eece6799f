#pragma once
// Running ip / iptables-restore without a shell: fork + exec of an argv array, optionally inside a
// named network namespace (setns(2) in the child before exec), with text on stdin and both outputs
// captured. And running a function on a thread that has entered a namespace (sockets, sysctls).
#include <functional>
#include <string>
#include <vector>

namespace cnisim::emulation {

struct CommandResult {
  int exit_code = -1;  // the program's exit status; 128 + signal if it was killed; -1 if it did not start
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
};

// Runs argv[0] (searched in PATH) with argv, stdin_text on its stdin. netns_path: a file such as
// /run/netns/NAME to enter first ("" = stay). Bounded: the child is killed after timeout_ms.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                          const std::string& netns_path = {}, int timeout_ms = 30000);
// "ip -batch -" and so on, for messages.
std::string command_text(const std::vector<std::string>& argv);
// Like run_command, but throws std::runtime_error with the command, its exit code and stderr on failure.
std::string run_checked(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                        const std::string& netns_path = {}, int timeout_ms = 30000);

// Runs fn on a new thread that has entered the network namespace at netns_path, and waits for it.
// Sockets created by fn stay in that namespace whichever thread later uses them. Exceptions of fn
// (and a failed setns) are rethrown here.
void run_in_netns(const std::string& netns_path, const std::function<void()>& fn);
// A socket(2) created inside a namespace; the caller owns the descriptor.
int socket_in_netns(const std::string& netns_path, int domain, int type, int protocol = 0);
// count socket(2)s created inside a namespace on one thread (cheaper than count calls of the above).
std::vector<int> sockets_in_netns(const std::string& netns_path, std::size_t count, int domain, int type,
                                  int protocol = 0);
// Writes value to a file under /proc/sys/net (e.g. "ipv4/ip_forward") as seen from inside the namespace.
void write_sysctl(const std::string& netns_path, const std::string& key, const std::string& value);
// Reads a file as seen from inside the namespace (e.g. /proc/thread-self/net/nf_conntrack); "" if absent.
std::string read_file_in_netns(const std::string& netns_path, const std::string& path);

}  // namespace cnisim::emulation
