#include "models/scenario/yaml_input_guard.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace cnisim::scenario {

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

// A hint for yaml-cpp's terse syntax messages, looking at the offending line itself.
std::string syntax_hint(std::string_view text, int line, const std::string& message) {
  std::size_t start = 0;
  for (int l = 0; l < line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  const std::string_view row = start == std::string_view::npos
                                   ? std::string_view{}
                                   : text.substr(start, text.find('\n', start) - start);
  if (row.find('\t') != std::string_view::npos || text.substr(0, start).ends_with("\t")) {
    return "this line contains a tab: YAML indentation must use spaces";
  }
  if (row.size() > 1024 && message.find("map value") != std::string::npos) {
    return "a key longer than 1024 characters is not allowed in YAML; keys here are short names such as "
           "podCidr";
  }
  if (message.find("end of map") != std::string::npos ||
      message.find("end of sequence") != std::string::npos) {
    return "a '{' or '[' is not closed, or an item is indented less than its siblings";
  }
  if (message.find("map value") != std::string::npos) {
    return "a value containing ': ' must be quoted, and a nested key goes on its own, more indented line";
  }
  if (message.find("anchor") != std::string::npos || message.find("alias") != std::string::npos) {
    return "an alias (*name) must refer to an anchor (&name) defined earlier in the file";
  }
  return "check the indentation and quoting on this line and the line before";
}

Diagnostic syntax_error(const std::string& file, std::string_view text, const YAML::Exception& e, const InputKind& kind) {
  Diagnostic d;
  d.file = file;
  d.line = e.mark.is_null() ? 1 : e.mark.line + 1;
  d.column = e.mark.is_null() ? 1 : e.mark.column + 1;
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    d.message = "YAML nested too deeply for the parser";
    d.expected = "a scenario nested a few levels deep";
    d.hint = "a " + std::string(kind.noun) + " needs at most about 6 levels; remove the nesting";
    return d;
  }
  d.message = "YAML syntax error: " + e.msg;
  d.expected = kind.noun == kScenarioInput.noun
                   ? "valid YAML (a mapping of sections: cluster, nodePools, workloads, services, ...)"
                   : "valid YAML (a mapping of sections: name, devices, links, routeLookup, netfilter, ttl)";
  d.hint = syntax_hint(text, d.line - 1, e.msg);
  return d;
}

// The line of a document marker that starts a second document, or 0. A marker is '---' or '...' at
// the start of a line, alone or followed by a space; content is any line that is not blank, a comment
// or a directive ('%YAML'). '---' before any content opens the first document.
int second_document_line(std::string_view text) {
  bool content = false;
  int ended_at = 0;  // the line of a '...' that ended the first document
  int line = 0;
  for (std::size_t start = 0; start < text.size();) {
    ++line;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(start, end - start);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    start = end + 1;
    const bool marker = (row.starts_with("---") || row.starts_with("...")) &&
                        (row.size() == 3 || row[3] == ' ' || row[3] == '\t');
    if (marker) {
      if (row.starts_with("---") && (content || ended_at > 0)) return line;
      if (row.starts_with("...")) ended_at = line;
      content = content || (row.starts_with("---") && row.find_first_not_of(" \t", 3) != std::string_view::npos &&
                            row[row.find_first_not_of(" \t", 3)] != '#');
      continue;
    }
    const auto first = row.find_first_not_of(" \t");
    const bool blank_or_comment = first == std::string_view::npos || row[first] == '#';
    if (blank_or_comment || (first == 0 && row[0] == '%')) continue;
    if (ended_at > 0) return ended_at;  // content after '...': another document
    content = true;
  }
  return 0;
}

// What a file's type is, for the message refusing it.
std::string_view file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes a file descriptor on every path out.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Diagnostic too_big_diagnostic(const std::string& file, std::uintmax_t bytes, const InputLimits& limits,
                              const InputKind& kind) {
  Diagnostic d = at(file, 1, 1);
  d.message = "the file is " + std::to_string(bytes) + " bytes, more than the " +
              std::to_string(limits.max_bytes) + "-byte limit for a " + std::string(kind.noun);
  d.expected = "a " + std::string(kind.noun) + " file of at most " + std::to_string(limits.max_bytes) + " bytes";
  d.hint = std::string(kind.too_big_hint);
  return d;
}

bool check_scenario_text(std::string_view text, const std::string& file, const InputLimits& limits,
                         DiagnosticSink& sink, const InputKind& kind) {
  if (text.size() > limits.max_bytes) {
    sink.add(too_big_diagnostic(file, text.size(), limits, kind));
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
      d.hint = "check that the path names the " + std::string(kind.noun) +
               " .yaml file and not a binary or a file in another encoding";
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

std::optional<std::string> read_input_file(const std::string& path, const InputLimits& limits, const InputKind& kind,
                                           DiagnosticSink& sink, const Diagnostic* named_at) {
  const std::string noun(kind.noun);
  auto fail = [&](std::string message, std::string hint) {
    Diagnostic d = named_at ? *named_at : at(path, 1, 1);
    d.message = named_at ? "cannot read the " + noun + " '" + path + "': " + message : std::move(message);
    d.expected = "a readable " + noun + " .yaml file (a regular file)";
    d.hint = named_at && !named_at->hint.empty() ? named_at->hint : std::move(hint);
    sink.add(std::move(d));
    return std::nullopt;
  };
  // Non-blocking, so that opening a FIFO with no writer returns at once; the type check follows.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return fail(err == ENOENT ? "no such file" : std::string("cannot open the file: ") + std::strerror(err),
                err == ENOENT ? "check the path (relative paths are taken from the current directory)"
                              : "check the file's permissions");
  }
  const FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail("cannot inspect the file", "check the path");
  if (!S_ISREG(st.st_mode)) {
    return fail(std::string("is ") + std::string(file_type_name(st.st_mode)) + ", not a regular file",
                S_ISDIR(st.st_mode) ? "name the " + noun + " file inside the directory"
                                    : "give the path of a " + noun + " .yaml file; pipes and devices are not read");
  }
  if (static_cast<std::uintmax_t>(st.st_size) > limits.max_bytes) {
    Diagnostic d = too_big_diagnostic(path, static_cast<std::uintmax_t>(st.st_size), limits, kind);
    sink.add(std::move(d));
    return std::nullopt;
  }
  // At most one byte past the limit: a file that grows while read is still caught, never read whole.
  std::string text(limits.max_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("cannot read the file: ") + std::strerror(errno), "check the file");
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

std::optional<YAML::Node> parse_guarded_yaml(std::string_view text, const std::string& file,
                                             const InputLimits& limits, const InputKind& kind,
                                             DiagnosticSink& sink) {
  if (!check_scenario_text(text, file, limits, sink, kind)) return std::nullopt;
  // One document only. YAML::LoadAll is not used: on some malformed input yaml-cpp 0.7's LoadAll
  // never returns (it keeps creating nodes; found by the fuzzer), where Load throws. A second document
  // is found in the text instead: a document marker ('---' or '...') at the start of a line after
  // content (YAML forbids such a line inside any scalar, so it is always a marker).
  if (const int line = second_document_line(text); line > 0) {
    Diagnostic d = at(file, line, 1);
    d.message = "a second YAML document ('---') follows the first; a " + std::string(kind.noun) +
                " is one document";
    d.expected = "one YAML document per file";
    d.hint = "remove the '---' line and what follows, or put the other document in a file of its own";
    sink.add(std::move(d));
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    sink.add(syntax_error(file, text, e, kind));
    return std::nullopt;
  }
  if (!check_scenario_tree(root, file, limits, sink)) return std::nullopt;
  return root;
}

}  // namespace cnisim::scenario
