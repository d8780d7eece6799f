#include "models/cluster/yaml_input_guard.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace cnisim::cluster {

namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 if it is malformed.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min_value = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min_value = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  std::uint32_t value = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = value << 6 | (byte(i + k) & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

Diagnostic at(const std::string& file, int line, int column) {
  Diagnostic d;
  d.file = file;
  d.line = line;
  d.column = column;
  return d;
}

}  // namespace

Diagnostic too_big_diagnostic(const std::string& file, std::uintmax_t bytes, const InputLimits& limits) {
  Diagnostic d = at(file, 1, 1);
  d.message = "the file is " + std::to_string(bytes) + " bytes, more than the " +
              std::to_string(limits.max_bytes) + "-byte limit for a scenario";
  d.expected = "a scenario file of at most " + std::to_string(limits.max_bytes) + " bytes";
  d.hint = "describe nodes by pool (count: 400) rather than one by one; a real scenario is a few KiB";
  return d;
}

bool check_scenario_text(std::string_view text, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink) {
  if (text.size() > limits.max_bytes) {
    sink.add(too_big_diagnostic(file, text.size(), limits));
    return false;
  }
  int line = 1, column = 1;
  int flow_depth = 0;
  char quote = 0;  // the open quote character, if inside a quoted scalar
  bool in_comment = false;
  bool escaped = false;
  char previous = '\n';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t length = c == '\0' ? 0 : utf8_sequence_length(text, i);
    if (length == 0) {
      Diagnostic d = at(file, line, column);
      d.message = c == '\0' ? "the file contains a NUL byte: this is binary data, not YAML text"
                            : "the file is not valid UTF-8 text (byte " + std::to_string(i) + ")";
      d.expected = "a YAML text file in UTF-8";
      d.hint = "check that -f names the scenario .yaml file and not a binary or a file in another encoding";
      sink.add(std::move(d));
      return false;
    }
    if (escaped) {
      escaped = false;  // the character after a backslash in a double-quoted scalar
    } else if (c == '\n') {
      in_comment = false;  // quoted scalars may span lines: stay inside the quote
    } else if (in_comment) {
      // nothing inside a comment counts
    } else if (quote != 0) {
      if (c == '\\' && quote == '"') {
        escaped = true;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n')) {
      in_comment = true;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++flow_depth > limits.max_depth) {
        Diagnostic d = at(file, line, column);
        d.message = "brackets are nested more than " + std::to_string(limits.max_depth) + " levels deep";
        d.expected = "at most " + std::to_string(limits.max_depth) + " levels of nesting";
        d.hint = "a scenario needs only a few levels: cluster > networkProfile > kubeProxyConfig > mode";
        sink.add(std::move(d));
        return false;
      }
    } else if ((c == ']' || c == '}') && flow_depth > 0) {
      --flow_depth;
    }
    previous = c;
    i += length;
    if (c == '\n') {
      ++line, column = 1;
    } else {
      ++column;
    }
  }
  return true;
}

namespace {

// Measures the document as a reader following every alias would see it, without following them: an
// alias shares its anchor's node, so each collection is measured once (memoized by its position in
// the text) and its size reused wherever it is aliased. Linear in the text, even for alias bombs.
class TreeMeasure {
 public:
  TreeMeasure(const std::string& file, const InputLimits& limits, DiagnosticSink& sink)
      : file_(file), limits_(limits), sink_(sink) {}

  struct Size {
    std::uint64_t nodes = 1;
    int depth = 0;  // levels below this node
  };

  // Returns nullopt once a problem was reported.
  std::optional<Size> measure(const YAML::Node& node, int depth) {
    if (!node.IsSequence() && !node.IsMap()) return Size{};
    const YAML::Mark m = node.Mark();
    const Key key = std::int64_t{m.pos} * 2 + (node.IsMap() ? 1 : 0);
    const bool memoizable = !m.is_null();
    if (memoizable) {
      if (auto it = done_.find(key); it != done_.end()) return it->second;
      if (std::find(open_.begin(), open_.end(), key) != open_.end()) {
        report(node, "an alias refers to a collection that contains it, so the value nests forever",
               "aliases (*name) that refer to values outside themselves",
               "an alias inside its own anchor (&a [*a]) is a cycle: write the value out instead");
        return std::nullopt;
      }
      open_.push_back(key);
    }
    if (depth > limits_.max_depth) {
      report(node, "values are nested more than " + std::to_string(limits_.max_depth) + " levels deep",
             "at most " + std::to_string(limits_.max_depth) + " levels of nesting",
             "a scenario needs only a few levels: cluster > networkProfile > kubeProxyConfig > mode");
      return std::nullopt;
    }
    Size size;
    auto add = [&](const YAML::Node& child) {
      auto s = measure(child, depth + 1);
      if (!s) return false;
      size.nodes = std::min(size.nodes + s->nodes, kSaturated);
      size.depth = std::max(size.depth, s->depth + 1);
      return true;
    };
    if (node.IsSequence()) {
      for (const auto& child : node) {
        if (!add(child)) return std::nullopt;
      }
    } else {
      for (const auto& entry : node) {
        if (!add(entry.first) || !add(entry.second)) return std::nullopt;
      }
    }
    if (size.nodes > limits_.max_nodes) {
      report(node,
             "this value expands to " + std::to_string(size.nodes) + (size.nodes == kSaturated ? "+" : "") +
                 " YAML nodes once anchors and aliases are followed",
             "at most " + std::to_string(limits_.max_nodes) + " nodes in a scenario",
             "an alias (*name) repeats its anchor's whole value; aliases of aliases multiply (an \"alias "
             "bomb\"): write the values out instead");
      return std::nullopt;
    }
    if (depth + size.depth > limits_.max_depth) {
      report(node,
             "once aliases are followed, values are nested more than " + std::to_string(limits_.max_depth) +
                 " levels deep",
             "at most " + std::to_string(limits_.max_depth) + " levels of nesting",
             "an alias repeats its anchor's nesting where it is used: flatten the structure");
      return std::nullopt;
    }
    if (memoizable) {
      open_.pop_back();
      // Small values are cheap to measure again wherever they are aliased; remembering only the large
      // ones keeps the memo small while still cutting every alias bomb down to linear work.
      if (size.nodes > kMemoMinNodes) done_.emplace(key, size);
    }
    return size;
  }

 private:
  static constexpr std::uint64_t kSaturated = std::uint64_t{1} << 62;
  static constexpr std::uint64_t kMemoMinNodes = 32;
  // Text position, and whether it is a mapping (a block mapping and its first key may start at the
  // same position). Stored as one integer.
  using Key = std::int64_t;

  void report(const YAML::Node& node, std::string message, std::string expected, std::string hint) {
    Diagnostic d = at(file_, 1, 1);
    const YAML::Mark m = node.Mark();
    if (!m.is_null()) d.line = m.line + 1, d.column = m.column + 1;
    d.message = std::move(message);
    d.expected = std::move(expected);
    d.hint = std::move(hint);
    sink_.add(std::move(d));
  }

  const std::string& file_;
  const InputLimits& limits_;
  DiagnosticSink& sink_;
  std::unordered_map<Key, Size> done_;  // lookups only, never iterated
  std::vector<Key> open_;               // the collections being measured, outermost first
};

}  // namespace

bool check_scenario_tree(const YAML::Node& root, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink) {
  return TreeMeasure(file, limits, sink).measure(root, 0).has_value();
}

}  // namespace cnisim::cluster
