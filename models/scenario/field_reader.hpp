#pragma once
// Typed reading of scenario YAML nodes: each accessor checks the node's type and value, records the
// field's source mark in the spec, and on a problem adds a diagnostic (file:line:col, field path,
// what was expected, a hint) and returns nullopt so the caller simply leaves the default in place.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario_spec.hpp"
#include "models/scenario/spec_enum_names.hpp"
#include "models/net/cidr.hpp"
#include "models/net/ipv4.hpp"

namespace cnisim::scenario {

// One `key: value` of a mapping, with the field path it stands for.
struct Field {
  std::string path;
  YAML::Node key;
  YAML::Node value;
};

// The entries of one mapping, in file order, after unknown and duplicate keys were reported.
class Fields {
 public:
  const Field* find(std::string_view name) const;
  std::vector<Field> entries;
  YAML::Node node;  // the mapping itself
  std::string path;
};

class FieldReader {
 public:
  FieldReader(ScenarioSpec& spec, DiagnosticSink& sink) : spec_(spec), sink_(sink) {}

  // 1-based mark of a node; for an empty value (`key:`) yaml-cpp points past it, so use the key's.
  SourceMark mark_of(const YAML::Node& node) const;
  SourceMark mark_of(const Field& field) const;
  void record(const std::string& path, const SourceMark& mark) { spec_.marks[path] = mark; }

  void error(const std::string& path, const SourceMark& where, std::string message, std::string expected,
             std::string hint);

  // A mapping's fields. Unknown keys get "did you mean"; a duplicate key is an error and the first
  // one wins. what = "the networkProfile" etc. for the type error when node is not a mapping.
  std::optional<Fields> mapping(const YAML::Node& node, const std::string& path, const SourceMark& where,
                                std::span<const std::string_view> known, std::string_view expected);
  std::optional<Fields> mapping(const Field& field, std::span<const std::string_view> known,
                                std::string_view expected) {
    return mapping(field.value, field.path, mark_of(field), known, expected);
  }
  // A list's items, or nullopt (after a diagnostic) if the value is not a list. An empty value is an
  // empty list.
  std::optional<std::vector<YAML::Node>> list(const Field& field, std::string_view expected);

  std::optional<std::string> text(const Field& field, std::string_view expected);
  std::optional<std::uint64_t> whole_number(const Field& field, std::uint64_t min, std::uint64_t max,
                                            std::string_view why_max = {});
  std::optional<bool> flag(const Field& field);
  // A number strictly between lo and hi (a fraction such as 0.7), written in decimal.
  std::optional<double> number_between(const Field& field, double lo, double hi);
  std::optional<net::Cidr> cidr(const Field& field, const YAML::Node& node, const std::string& path);
  std::optional<net::Cidr> cidr(const Field& field) { return cidr(field, field.value, field.path); }
  std::optional<net::Ipv4> address(const Field& field);
  // A mapping of strings to strings (labels, selector, nodeSelector).
  std::optional<std::map<std::string, std::string>> string_map(const Field& field, std::string_view expected);

  template <class E>
  std::optional<E> choice(const Field& field, std::span<const NamedValue<E>> table) {
    std::vector<std::string_view> names;
    for (const auto& entry : table) names.push_back(entry.name);
    auto index = choice_index(field, names);
    if (!index) return std::nullopt;
    return table[*index].value;
  }

  // Quotes a user's value for a message, shortened if it is long (a 10 MB string stays out of it).
  static std::string quoted(std::string_view value);

  ScenarioSpec& spec() { return spec_; }
  DiagnosticSink& sink() { return sink_; }

 private:
  std::optional<std::size_t> choice_index(const Field& field, std::span<const std::string_view> names);
  std::optional<std::string> scalar(const Field& field, std::string_view expected);

  ScenarioSpec& spec_;
  DiagnosticSink& sink_;
};

// "a mapping", "a list", "a value" for type errors.
std::string_view describe_node_type(const YAML::Node& node);

}  // namespace cnisim::scenario
