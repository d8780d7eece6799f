#pragma once
// Problems found in a scenario file, collected so that one run reports all of them, and the exception
// that carries them to the command line (which prints what() and exits 2).
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace cnisim::scenario {

// An error makes the input unusable (exit 2); a warning names a setting that is accepted but not
// modelled, and `--strict` makes it an error.
enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;
  int line = 1;          // 1-based
  int column = 1;        // 1-based
  std::string path;      // field path, e.g. "nodePools[1].maxPods"; empty for whole-file problems
  std::string message;   // what is wrong
  std::string expected;  // what would be accepted
  std::string hint;      // how to fix it
};

// "FILE:LINE:COL: error: FIELD: MESSAGE (or warning:)\n  expected: ...\n  hint: ...\n" (empty parts left out).
std::string format_diagnostic(const Diagnostic& d);

class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Collects diagnostics in the order found, and remembers which field paths already have one so that
// later rules skip what depends on them (no cascade of follow-on errors from one bad value).
class DiagnosticSink {
 public:
  // Past this many, the rest of a file is noise: one more diagnostic says so and later ones are dropped.
  static constexpr std::size_t kMaxDiagnostics = 50;

  void add(Diagnostic d);
  bool empty() const { return diagnostics_.empty(); }
  // Past the cap: nothing more will be shown, so callers may stop looking.
  bool full() const { return dropped_ > 0; }
  std::size_t size() const { return diagnostics_.size(); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  // The field at path (or something inside it) is unusable. add() marks its path itself.
  void mark_invalid(const std::string& path);
  // False if path, one of its ancestors or anything inside it was reported or marked invalid.
  bool usable(const std::string& path) const;

  void throw_if_any() const;

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t dropped_ = 0;
  std::set<std::string> invalid_;
};

}  // namespace cnisim::scenario
