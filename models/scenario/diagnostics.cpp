#include "models/scenario/diagnostics.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace cnisim::scenario {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) +
                    (d.severity == Severity::Warning ? ": warning: " : ": error: ");
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message + "\n";
  if (!d.expected.empty()) out += "  expected: " + d.expected + "\n";
  if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  return out;
}

namespace {
std::string format_all(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += format_diagnostic(d);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(format_all(diagnostics)), diagnostics_(std::move(diagnostics)) {}

void DiagnosticSink::add(Diagnostic d) {
  if (!d.path.empty()) mark_invalid(d.path);
  if (diagnostics_.size() < kMaxDiagnostics) {
    diagnostics_.push_back(std::move(d));
    return;
  }
  if (dropped_++ == 0) {
    Diagnostic stop = std::move(d);
    stop.path.clear();
    stop.message = "too many errors; stopped reporting after " + std::to_string(kMaxDiagnostics);
    stop.expected.clear();
    stop.hint = "fix the errors above and run again";
    diagnostics_.push_back(std::move(stop));
  }
}

void DiagnosticSink::mark_invalid(const std::string& path) { invalid_.insert(path); }

bool DiagnosticSink::usable(const std::string& path) const {
  // Anything inside path: keys that start with path followed by '.' or '['.
  for (auto it = invalid_.lower_bound(path); it != invalid_.end() && it->starts_with(path); ++it) {
    if (it->size() == path.size() || (*it)[path.size()] == '.' || (*it)[path.size()] == '[') return false;
  }
  // An ancestor of path.
  std::string p = path;
  for (std::size_t cut = p.find_last_of(".["); cut != std::string::npos; cut = p.find_last_of(".[")) {
    p.resize(cut);
    if (invalid_.count(p) != 0) return false;
  }
  return true;
}

void DiagnosticSink::throw_if_any() const {
  if (diagnostics_.empty()) return;
  // Top to bottom through the file, as a compiler reports; the "too many errors" note stays last.
  std::vector<Diagnostic> sorted = diagnostics_;
  const auto end = dropped_ > 0 ? sorted.end() - 1 : sorted.end();
  std::stable_sort(sorted.begin(), end, [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  throw ScenarioError(std::move(sorted));
}

}  // namespace cnisim::scenario
