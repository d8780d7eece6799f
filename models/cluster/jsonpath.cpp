#include "models/cluster/jsonpath.hpp"

#include <cstdlib>
#include <optional>

namespace cnisim::cluster {

namespace json = boost::json;

namespace {

struct Step {
  enum class Kind { Field, Wildcard, Index, Slice, Recursive, Filter } kind = Kind::Field;
  std::string name;  // Field / Recursive ("" = every value)
  long long index = 0;
  std::optional<long long> from, to;
  // Filter: @.path OP literal (op empty: the path exists)
  std::vector<Step> lhs;
  std::string op;
  std::optional<json::value> literal;
};

struct Expression {
  std::vector<Step> steps;
  std::optional<std::string> literal;  // {"text"}
};

Step wildcard() {
  Step s;
  s.kind = Step::Kind::Wildcard;
  return s;
}

std::string at(const std::string& text, std::size_t pos) {
  return " at column " + std::to_string(pos + 1) + " of '" + text + "'";
}

class Parser {
 public:
  Parser(const std::string& text, std::size_t begin, std::size_t end) : t_(text), i_(begin), end_(end) {}

  Expression expression() {
    Expression e;
    skip_spaces();
    if (i_ < end_ && (t_[i_] == '"' || t_[i_] == '\'')) {
      e.literal = quoted();
      skip_spaces();
      if (i_ != end_) fail("unexpected text after the quoted literal");
      return e;
    }
    if (i_ < end_ && t_[i_] == '$') ++i_;
    e.steps = steps();
    skip_spaces();
    if (i_ != end_) fail("unexpected '" + std::string(1, t_[i_]) + "'");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string m = "jsonpath: ";
    m += what;
    m += at(t_, i_);
    throw JsonPathError(m);
  }
  void skip_spaces() {
    while (i_ < end_ && t_[i_] == ' ') ++i_;
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/';
  }
  std::string name() {
    const auto start = i_;
    while (i_ < end_ && name_char(t_[i_])) ++i_;
    if (start == i_) fail("expected a field name");
    return t_.substr(start, i_ - start);
  }
  std::string quoted() {
    const char q = t_[i_++];
    std::string out;
    while (i_ < end_ && t_[i_] != q) {
      if (t_[i_] == '\\' && i_ + 1 < end_) {
        const char n = t_[++i_];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
      } else {
        out += t_[i_];
      }
      ++i_;
    }
    if (i_ >= end_) fail("unclosed quote");
    ++i_;
    return out;
  }
  long long number() {
    const auto start = i_;
    if (i_ < end_ && t_[i_] == '-') ++i_;
    while (i_ < end_ && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    if (start == i_ || (i_ == start + 1 && t_[start] == '-')) fail("expected a number");
    return std::strtoll(t_.substr(start, i_ - start).c_str(), nullptr, 10);
  }
  std::vector<Step> steps() {
    std::vector<Step> out;
    while (i_ < end_) {
      const char c = t_[i_];
      if (c == '.') {
        ++i_;
        if (i_ < end_ && t_[i_] == '.') {
          ++i_;
          Step s;
          s.kind = Step::Kind::Recursive;
          if (i_ < end_ && t_[i_] == '*') {
            ++i_;
          } else {
            s.name = name();
          }
          out.push_back(s);
        } else if (i_ < end_ && t_[i_] == '*') {
          ++i_;
          out.push_back(wildcard());
        } else if (i_ < end_ && name_char(t_[i_])) {
          Step s;
          s.name = name();
          out.push_back(s);
        }
        // a lone '.' (e.g. "{.}") is the current value
      } else if (c == '[') {
        ++i_;
        skip_spaces();
        if (i_ >= end_) fail("unclosed [");
        if (t_[i_] == '*') {
          ++i_;
          out.push_back(wildcard());
        } else if (t_[i_] == '\'' || t_[i_] == '"') {
          Step s;
          s.name = quoted();
          out.push_back(s);
        } else if (t_[i_] == '?') {
          out.push_back(filter());
        } else {
          Step s;
          std::optional<long long> first;
          if (t_[i_] != ':') first = number();
          skip_spaces();
          if (i_ < end_ && t_[i_] == ':') {
            ++i_;
            s.kind = Step::Kind::Slice;
            s.from = first;
            skip_spaces();
            if (i_ < end_ && t_[i_] != ']') s.to = number();
          } else {
            s.kind = Step::Kind::Index;
            s.index = *first;
          }
          out.push_back(s);
        }
        skip_spaces();
        if (i_ >= end_ || t_[i_] != ']') fail("expected ]");
        ++i_;
      } else if (c == ' ') {
        break;
      } else {
        fail("unexpected '" + std::string(1, c) + "'");
      }
    }
    return out;
  }
  Step filter() {
    ++i_;  // '?'
    if (i_ >= end_ || t_[i_] != '(') fail("expected ( after ?");
    ++i_;
    skip_spaces();
    if (i_ >= end_ || t_[i_] != '@') fail("a filter starts with @");
    ++i_;
    Step s;
    s.kind = Step::Kind::Filter;
    const auto stop = t_.find_first_of("=!<>)", i_);
    if (stop == std::string::npos || stop > end_) fail("unclosed filter");
    {
      auto text_end = stop;
      while (text_end > i_ && t_[text_end - 1] == ' ') --text_end;
      Parser lhs(t_, i_, text_end);
      s.lhs = lhs.steps();
      i_ = stop;
    }
    if (t_[i_] != ')') {
      const auto op_start = i_;
      while (i_ < end_ && (t_[i_] == '=' || t_[i_] == '!' || t_[i_] == '<' || t_[i_] == '>')) ++i_;
      s.op = t_.substr(op_start, i_ - op_start);
      if (s.op != "==" && s.op != "!=" && s.op != "<" && s.op != "<=" && s.op != ">" && s.op != ">=") {
        i_ = op_start;
        fail("unknown operator '" + s.op + "'");
      }
      skip_spaces();
      if (i_ < end_ && (t_[i_] == '"' || t_[i_] == '\'')) {
        s.literal = json::value(quoted());
      } else {
        const auto start = i_;
        while (i_ < end_ && t_[i_] != ')' && t_[i_] != ' ') ++i_;
        const auto word = t_.substr(start, i_ - start);
        json::error_code ec;
        auto v = json::parse(word, ec);
        if (ec) {
          i_ = start;
          fail("expected a quoted string or a number after " + s.op);
        }
        s.literal = v;
      }
      skip_spaces();
    }
    if (i_ >= end_ || t_[i_] != ')') fail("expected ) to close the filter");
    ++i_;
    return s;
  }

  const std::string& t_;
  std::size_t i_;
  std::size_t end_;
};

using Values = std::vector<const json::value*>;

void apply(const Step& s, const json::value& v, Values& out);

void recurse(const std::string& name, const json::value& v, Values& out) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (name.empty() || kv.key() == name) out.push_back(&kv.value());
      recurse(name, kv.value(), out);
    }
  } else if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (name.empty()) out.push_back(&e);
      recurse(name, e, out);
    }
  }
}

Values run(const std::vector<Step>& steps, const json::value& root) {
  Values current{&root};
  for (const auto& s : steps) {
    Values next;
    for (const auto* v : current) apply(s, *v, next);
    current = std::move(next);
  }
  return current;
}

int compare(const json::value& a, const json::value& b, bool& comparable) {
  comparable = true;
  if (a.is_number() && b.is_number()) {
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    const auto& x = a.get_string();
    const auto& y = b.get_string();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_bool() && b.is_bool()) return a.get_bool() == b.get_bool() ? 0 : 1;
  comparable = false;
  return 1;
}

bool keep(const Step& s, const json::value& item) {
  const auto found = run(s.lhs, item);
  if (s.op.empty()) return !found.empty();
  for (const auto* v : found) {
    bool comparable = false;
    const int c = compare(*v, *s.literal, comparable);
    if (!comparable) {
      if (s.op == "!=") return true;
      continue;
    }
    if ((s.op == "==" && c == 0) || (s.op == "!=" && c != 0) || (s.op == "<" && c < 0) || (s.op == "<=" && c <= 0) ||
        (s.op == ">" && c > 0) || (s.op == ">=" && c >= 0)) {
      return true;
    }
  }
  return false;
}

void apply(const Step& s, const json::value& v, Values& out) {
  switch (s.kind) {
    case Step::Kind::Field:
      if (v.is_object()) {
        if (const auto* f = v.get_object().if_contains(s.name)) out.push_back(f);
      }
      break;
    case Step::Kind::Wildcard:
      if (v.is_array()) {
        for (const auto& e : v.get_array()) out.push_back(&e);
      } else if (v.is_object()) {
        for (const auto& kv : v.get_object()) out.push_back(&kv.value());
      }
      break;
    case Step::Kind::Index:
      if (v.is_array()) {
        const auto n = static_cast<long long>(v.get_array().size());
        const auto i = s.index < 0 ? n + s.index : s.index;
        if (i >= 0 && i < n) out.push_back(&v.get_array()[static_cast<std::size_t>(i)]);
      }
      break;
    case Step::Kind::Slice:
      if (v.is_array()) {
        const auto n = static_cast<long long>(v.get_array().size());
        auto from = s.from.value_or(0), to = s.to.value_or(n);
        if (from < 0) from += n;
        if (to < 0) to += n;
        from = std::max(0LL, from);
        to = std::min(n, to);
        for (auto i = from; i < to; ++i) out.push_back(&v.get_array()[static_cast<std::size_t>(i)]);
      }
      break;
    case Step::Kind::Recursive:
      recurse(s.name, v, out);
      break;
    case Step::Kind::Filter:
      if (v.is_array()) {
        for (const auto& e : v.get_array()) {
          if (keep(s, e)) out.push_back(&e);
        }
      }
      break;
  }
}

}  // namespace

struct JsonPath::Node {
  enum class Kind { Text, Expr, Range, End } kind = Kind::Text;
  std::string text;
  Expression expr;
  std::vector<std::unique_ptr<Node>> body;  // Range
};

std::string jsonpath_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

JsonPath::JsonPath(const std::string& text, bool bare_expression) {
  // Parse into a flat list, then nest range ... end.
  std::vector<std::unique_ptr<Node>> flat;
  if (bare_expression && text.find('{') == std::string::npos) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::Expr;
    n->expr = Parser(text, 0, text.size()).expression();
    flat.push_back(std::move(n));
  } else {
    std::size_t i = 0;
    while (i < text.size()) {
      const auto open = text.find('{', i);
      if (open != i) {
        auto n = std::make_unique<Node>();
        n->text = text.substr(i, open == std::string::npos ? std::string::npos : open - i);
        flat.push_back(std::move(n));
        if (open == std::string::npos) break;
      }
      // The closing brace, skipping quoted literals.
      std::size_t close = open + 1;
      char quote = 0;
      for (; close < text.size(); ++close) {
        const char c = text[close];
        if (quote) {
          if (c == '\\') ++close;
          else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '}') {
          break;
        }
      }
      if (close >= text.size()) throw JsonPathError("jsonpath: unclosed {" + at(text, open));
      auto inner = text.substr(open + 1, close - open - 1);
      auto n = std::make_unique<Node>();
      std::size_t b = 0;
      while (b < inner.size() && inner[b] == ' ') ++b;
      if (inner.compare(b, 6, "range ") == 0) {
        n->kind = Node::Kind::Range;
        n->expr = Parser(text, open + 1 + b + 6, close).expression();
      } else if (inner.substr(b) == "end" || inner.substr(b, 4) == "end ") {
        n->kind = Node::Kind::End;
      } else {
        n->kind = Node::Kind::Expr;
        n->expr = Parser(text, open + 1, close).expression();
      }
      flat.push_back(std::move(n));
      i = close + 1;
    }
  }
  std::vector<std::vector<std::unique_ptr<Node>>*> stack{&nodes_};
  std::vector<Node*> ranges;
  for (auto& n : flat) {
    if (n->kind == Node::Kind::End) {
      if (ranges.empty()) throw JsonPathError("jsonpath: {end} without a {range ...} in '" + text + "'");
      ranges.pop_back();
      stack.pop_back();
      continue;
    }
    Node* raw = n.get();
    stack.back()->push_back(std::move(n));
    if (raw->kind == Node::Kind::Range) {
      ranges.push_back(raw);
      stack.push_back(&raw->body);
    }
  }
  if (!ranges.empty()) throw JsonPathError("jsonpath: {range ...} without its {end} in '" + text + "'");
}

JsonPath::~JsonPath() = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;

namespace {

void execute_nodes(const std::vector<std::unique_ptr<JsonPath::Node>>& nodes, const json::value& root,
                   const json::value& current, bool allow_missing, std::string& out);

}  // namespace

// (defined here to see Node)
namespace {

Values evaluate(const Expression& e, const json::value& current) { return run(e.steps, current); }

std::string describe(const Expression& e) {
  std::string s;
  for (const auto& step : e.steps) {
    if (step.kind == Step::Kind::Field) {
      s += '.';
      s += step.name;
    } else {
      s += "[...]";
    }
  }
  return s.empty() ? "." : s;
}

void execute_nodes(const std::vector<std::unique_ptr<JsonPath::Node>>& nodes, const json::value& root,
                   const json::value& current, bool allow_missing, std::string& out) {
  (void)root;
  for (const auto& n : nodes) {
    switch (n->kind) {
      case JsonPath::Node::Kind::Text: out += n->text; break;
      case JsonPath::Node::Kind::Expr: {
        if (n->expr.literal) {
          out += *n->expr.literal;
          break;
        }
        const auto values = evaluate(n->expr, current);
        if (values.empty() && !allow_missing) {
          throw JsonPathError("jsonpath: " + describe(n->expr) + " is not found");
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (i) out += ' ';
          out += jsonpath_text(*values[i]);
        }
        break;
      }
      case JsonPath::Node::Kind::Range: {
        for (const auto* v : evaluate(n->expr, current)) execute_nodes(n->body, root, *v, allow_missing, out);
        break;
      }
      case JsonPath::Node::Kind::End: break;
    }
  }
}

}  // namespace

std::string JsonPath::execute(const json::value& root, bool allow_missing) const {
  std::string out;
  execute_nodes(nodes_, root, root, allow_missing, out);
  return out;
}

std::vector<const json::value*> JsonPath::select(const json::value& root) const {
  for (const auto& n : nodes_) {
    if (n->kind == Node::Kind::Expr && !n->expr.literal) return evaluate(n->expr, root);
  }
  return {};
}

}  // namespace cnisim::cluster
