#pragma once
// kubectl's JSONPath templates (`kubectl get -o jsonpath=...`, `-o custom-columns`, `--sort-by`), over
// Boost.JSON values, as kubectl documents them (kubernetes.io/docs/reference/kubectl/jsonpath/): text
// outside braces is printed as it is; `{.a.b}`, `{$.a}`, `[n]`, `[-1]`, `[a:b]`, `[*]`, `..name`,
// `['key.with.dots']`, `[?(@.field=="x")]` (==, !=, <, <=, >, >=, or a bare @.field for presence),
// `{range EXPR}...{end}`, and quoted literals such as `{"\n"}`. Several results are printed separated by
// a space; strings as they are, other values as JSON. kubectl's dialect has no library in Debian, so it
// is parsed here.
#include <boost/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cnisim::cluster {

// A template that does not parse: the message says where and what was expected.
class JsonPathError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class JsonPath {
 public:
  // Parses a template. A bare expression without braces (".spec.podCIDR", as custom-columns and
  // --sort-by take it) is read as one {expression}. Throws JsonPathError.
  explicit JsonPath(const std::string& text, bool bare_expression = false);
  ~JsonPath();
  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;

  // The template executed on a value. Throws JsonPathError when a field is missing and
  // allow_missing is false (kubectl's "is not found"); otherwise missing fields print nothing.
  std::string execute(const boost::json::value& root, bool allow_missing = true) const;
  // The values the (single) expression selects, for custom-columns and sorting.
  std::vector<const boost::json::value*> select(const boost::json::value& root) const;

  struct Node;

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

// How kubectl prints one selected value: a string as it is, anything else as compact JSON.
std::string jsonpath_text(const boost::json::value& value);

}  // namespace cnisim::cluster
