#include "models/scenario/field_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <set>

#include "models/scenario/spelling.hpp"

namespace cnisim::scenario {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// yaml-cpp tags a quoted scalar "!" and a plain one "?".
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

}  // namespace

std::string_view describe_node_type(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "a single value";
}

const Field* Fields::find(std::string_view name) const {
  for (const auto& field : entries) {
    if (field.key.Scalar() == name) return &field;
  }
  return nullptr;
}

SourceMark FieldReader::mark_of(const YAML::Node& node) const {
  SourceMark m{spec_.sourceFile, 1, 1};
  if (!node.IsDefined()) return m;
  const YAML::Mark ym = node.Mark();
  if (!ym.is_null()) m.line = ym.line + 1, m.column = ym.column + 1;
  return m;
}

SourceMark FieldReader::mark_of(const Field& field) const {
  // An empty value has no text of its own: yaml-cpp marks the next token, possibly on a later line.
  if (!field.value.IsDefined() || field.value.IsNull()) return mark_of(field.key);
  return mark_of(field.value);
}

void FieldReader::error(const std::string& path, const SourceMark& where, std::string message,
                        std::string expected, std::string hint) {
  sink_.add(diagnostic_at(where, spec_.sourceFile, path, std::move(message), std::move(expected), std::move(hint)));
}

std::string FieldReader::quoted(std::string_view value) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  for (char c : value.substr(0, kShown)) {
    out += std::isprint(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80 ? c : '?';
  }
  out += value.size() > kShown ? "...' (" + std::to_string(value.size()) + " characters)" : "'";
  return out;
}

std::optional<Fields> FieldReader::mapping(const YAML::Node& node, const std::string& path,
                                           const SourceMark& where, std::span<const std::string_view> known,
                                           std::string_view expected) {
  Fields fields;
  fields.node = node;
  fields.path = path;
  if (!path.empty()) record(path, where);
  if (!node.IsDefined() || node.IsNull()) return fields;  // `section:` with nothing under it
  if (!node.IsMap()) {
    error(path, where,
          std::string("expected ") + std::string(expected) + ", got " + std::string(describe_node_type(node)),
          std::string(expected) + " with keys " + one_of(known),
          node.IsSequence() ? "remove the leading '- ': this section is a mapping, not a list"
                            : "indent the keys under this one, one 'key: value' per line");
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      error(path, mark_of(key), "a key must be a plain name, got " + std::string(describe_node_type(key)),
            "one of the keys " + one_of(known), "write 'name: value'");
      continue;
    }
    const std::string& name = key.Scalar();
    const std::string child = path.empty() ? name : path + "." + name;
    auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end()) {
      auto suggestion = closest_match(name, known);
      std::string hint = "remove it, or check the spelling (keys are case-sensitive)";
      if (suggestion) {
        hint = "did you mean '" + *suggestion + "'?";
        // The intended field is as good as given: don't also complain about its default.
        sink_.mark_invalid(path.empty() ? *suggestion : path + "." + *suggestion);
      }
      error(child, mark_of(key), "unknown key " + quoted(name),
            (path.empty() ? std::string("a top-level key: ") : "a key of " + path + ": ") + one_of(known),
            hint);
      continue;
    }
    if (!seen.insert(name).second) {
      const Field* first = fields.find(name);
      error(child, mark_of(key), "duplicate key " + quoted(name), "each key once per mapping",
            "it was first given at line " + std::to_string(first ? mark_of(first->key).line : 0) +
                "; delete one of the two (YAML parsers disagree on which wins)");
      continue;
    }
    fields.entries.push_back(Field{child, key, entry.second});
  }
  return fields;
}

std::optional<std::vector<YAML::Node>> FieldReader::list(const Field& field, std::string_view expected) {
  record(field.path, mark_of(field));
  std::vector<YAML::Node> items;
  if (field.value.IsNull()) return items;
  if (!field.value.IsSequence()) {
    error(field.path, mark_of(field), "expected a list, got " + std::string(describe_node_type(field.value)),
          "a list of " + std::string(expected) + ", one item per line starting with '- '",
          "write each item on its own line under the key, starting with '- '");
    return std::nullopt;
  }
  for (const auto& item : field.value) items.push_back(item);
  return items;
}

std::optional<std::string> FieldReader::scalar(const Field& field, std::string_view expected) {
  if (field.value.IsNull()) {
    error(field.path, mark_of(field), "has no value", std::string(expected),
          "write the value after the colon, or delete the key to use the default");
    return std::nullopt;
  }
  if (!field.value.IsScalar()) {
    error(field.path, mark_of(field),
          "expected a single value, got " + std::string(describe_node_type(field.value)),
          std::string(expected),
          "write the value on the same line as the key: '" + field.key.Scalar() + ": ...'");
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<std::string> FieldReader::text(const Field& field, std::string_view expected) {
  auto value = scalar(field, expected);
  if (value) record(field.path, mark_of(field));
  return value;
}

std::optional<double> FieldReader::number_between(const Field& field, double lo, double hi) {
  std::ostringstream range;
  range << "a number more than " << lo << " and less than " << hi;
  const std::string expected = range.str();
  auto value = scalar(field, expected);
  if (!value) return std::nullopt;
  const std::string& s = *value;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (is_quoted(field.value) || ec != std::errc() || end != s.data() + s.size() || !(v > lo && v < hi)) {
    error(field.path, mark_of(field), "expected " + expected + ", got " + quoted(s), expected,
          "write a decimal such as 0.7");
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> FieldReader::whole_number(const Field& field, std::uint64_t min,
                                                       std::uint64_t max, std::string_view why_max) {
  std::string expected = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (!why_max.empty()) expected += " (" + std::string(why_max) + ")";
  auto value = scalar(field, expected);
  if (!value) return std::nullopt;
  const std::string& s = *value;
  const SourceMark where = mark_of(field);
  if (is_quoted(field.value)) {
    error(field.path, where, "expected a number, got the string " + quoted(s), expected, "remove the quotes");
    return std::nullopt;
  }
  const bool negative = !s.empty() && s.front() == '-';
  const std::size_t digits_from = !s.empty() && (s.front() == '+' || negative) ? 1 : 0;
  const bool all_digits =
      s.size() > digits_from && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(digits_from), s.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits) {
    double approx = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), approx);
    const bool numeric = ec == std::errc() && end == s.data() + s.size();
    std::string message = numeric ? quoted(s) + " is not a whole number written in digits"
                                  : "expected a number, got " + quoted(s);
    if (numeric && approx > static_cast<double>(max))
      message += ", and it is above the maximum " + std::to_string(max);
    error(field.path, where, message, expected,
          numeric ? "write the number out in plain digits, without exponent, fraction or separators"
                  : "write a plain number such as " + std::to_string(min == 0 ? 1 : min));
    return std::nullopt;
  }
  if (negative) {
    error(field.path, where, quoted(s) + " is negative", expected, "counts and sizes cannot be negative");
    return std::nullopt;
  }
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data() + digits_from, s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n > max) {
    error(field.path, where, quoted(s) + " is too large", expected,
          "use a value of at most " + std::to_string(max));
    return std::nullopt;
  }
  if (n < min) {
    error(field.path, where, quoted(s) + " is too small", expected,
          "use a value of at least " + std::to_string(min));
    return std::nullopt;
  }
  record(field.path, where);
  return n;
}

std::optional<bool> FieldReader::flag(const Field& field) {
  auto value = scalar(field, "true or false");
  if (!value) return std::nullopt;
  if (!is_quoted(field.value)) {
    if (*value == "true" || *value == "True" || *value == "TRUE")
      return record(field.path, mark_of(field)), true;
    if (*value == "false" || *value == "False" || *value == "FALSE")
      return record(field.path, mark_of(field)), false;
  }
  error(field.path, mark_of(field), "expected true or false, got " + quoted(*value), "true or false",
        "write true or false without quotes");
  return std::nullopt;
}

std::optional<net::Cidr> FieldReader::cidr(const Field& field, const YAML::Node& node,
                                           const std::string& path) {
  const Field item{path, field.key, node};
  auto value = scalar(item, "an IPv4 CIDR such as 10.244.0.0/16");
  if (!value) return std::nullopt;
  std::string why;
  auto parsed = net::Cidr::try_parse(*value, &why);
  if (!parsed) {
    error(path, mark_of(item), why.empty() ? "not a CIDR: " + quoted(*value) : why,
          "an IPv4 CIDR such as 10.244.0.0/16: a network address with no host bits set, '/', a prefix length "
          "0-32",
          "write the network address of the range (the host bits zero) and its prefix length");
    return std::nullopt;
  }
  record(path, mark_of(item));
  return parsed;
}

std::optional<net::Ipv4> FieldReader::address(const Field& field) {
  auto value = scalar(field, "an IPv4 address such as 10.0.0.10");
  if (!value) return std::nullopt;
  std::string why;
  auto parsed = net::Ipv4::try_parse(*value, &why);
  if (!parsed) {
    error(field.path, mark_of(field), why.empty() ? "not an IPv4 address: " + quoted(*value) : why,
          "an IPv4 address such as 10.0.0.10 (four numbers 0-255, no prefix length)",
          "write a single address in dotted decimal");
    return std::nullopt;
  }
  record(field.path, mark_of(field));
  return parsed;
}

std::optional<std::map<std::string, std::string>> FieldReader::string_map(const Field& field,
                                                                          std::string_view expected) {
  record(field.path, mark_of(field));
  std::map<std::string, std::string> out;
  if (field.value.IsNull()) return out;
  if (!field.value.IsMap()) {
    error(field.path, mark_of(field),
          "expected a mapping, got " + std::string(describe_node_type(field.value)), std::string(expected),
          "write one 'key: value' per line, indented under " + field.key.Scalar());
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& entry : field.value) {
    if (!entry.first.IsScalar()) {
      error(field.path, mark_of(entry.first),
            "a key must be a plain name, got " + std::string(describe_node_type(entry.first)),
            std::string(expected), "write 'key: value'");
      ok = false;
      continue;
    }
    const Field item{field.path + "." + entry.first.Scalar(), entry.first, entry.second};
    auto value = scalar(item, expected);
    if (!value) {
      ok = false;
      continue;
    }
    if (!out.emplace(entry.first.Scalar(), *value).second) {
      error(item.path, mark_of(entry.first), "duplicate key " + quoted(entry.first.Scalar()), "each key once",
            "delete one of the two");
      ok = false;
      continue;
    }
    record(item.path, mark_of(item));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::size_t> FieldReader::choice_index(const Field& field,
                                                     std::span<const std::string_view> names) {
  const std::string expected = "one of " + one_of(names);
  auto value = scalar(field, expected);
  if (!value) return std::nullopt;
  for (std::size_t i = 0; i < names.size(); ++i) {
    // ARM accepts these values in any case ("Kubenet"); the file may too.
    if (equal_ignoring_case(*value, names[i])) {
      record(field.path, mark_of(field));
      return i;
    }
  }
  auto suggestion = closest_match(*value, names);
  error(field.path, mark_of(field), "unknown value " + quoted(*value), expected,
        suggestion ? "did you mean '" + *suggestion + "'?" : "use one of the values listed");
  return std::nullopt;
}

}  // namespace cnisim::scenario
