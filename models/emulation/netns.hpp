#pragma once
// Network namespaces of one emulation run. Every name carries the run's prefix,
// cnisim-<pid>-<random4>-, so that runs never collide and `cnisim emulate --cleanup` can tell a
// killed run's namespaces (owner pid gone) from a live run's. Namespaces are removed when the
// NamespaceSet is destroyed: on normal exit, on error (RAII) and after SIGINT/SIGTERM (the command's
// handler only sets a flag; the main path unwinds and this destructor runs).
#include <string>
#include <vector>

namespace cnisim::emulation {

inline constexpr std::string_view kNamespacePrefix = "cnisim-";
// At most this many namespaces per run (more is refused before anything is created).
inline constexpr std::size_t kMaxNamespaces = 300;

// "cnisim-<pid>-<4 hex digits>-".
std::string make_run_prefix();
// The pid a namespace name carries (cnisim-<pid>-...), 0 if the name is not one of ours.
int owner_pid(const std::string& name);
// Where `ip netns` keeps a namespace: /run/netns/NAME.
std::string netns_path(const std::string& name);
// Names of every namespace `ip netns` knows (files in /run/netns).
std::vector<std::string> list_namespaces();

// Empty if this process may create namespaces; otherwise why not ("needs root: ...").
std::string privilege_problem();
// Empty if a namespace can be created and removed here (tried for real); otherwise the error.
std::string try_namespace();

class NamespaceSet {
 public:
  explicit NamespaceSet(std::string prefix = make_run_prefix());
  ~NamespaceSet();  // removes every namespace it created, never throws
  NamespaceSet(const NamespaceSet&) = delete;
  NamespaceSet& operator=(const NamespaceSet&) = delete;

  const std::string& prefix() const { return prefix_; }
  // Creates prefix + suffix; throws std::runtime_error (with ip's stderr) on failure. Returns the full name.
  std::string create(const std::string& suffix);
  const std::vector<std::string>& names() const { return names_; }
  // Removes everything now; returns the errors (empty when all went).
  std::vector<std::string> remove_all();

 private:
  std::string prefix_;
  std::vector<std::string> names_;
};

struct CleanupReport {
  std::vector<std::string> removed;
  std::vector<std::string> kept;    // owner still running
  std::vector<std::string> failed;  // "NAME: error"
};
// Removes every cnisim-<pid>-... namespace whose owner pid is gone.
CleanupReport cleanup_stale_namespaces();

}  // namespace cnisim::emulation
