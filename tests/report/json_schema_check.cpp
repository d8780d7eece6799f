#include "tests/report/json_schema_check.hpp"

#include <set>

namespace cnisim::testing {

namespace json = boost::json;

namespace {

const std::set<std::string> kKnown = {"$schema", "$id",   "$defs",    "$ref",     "title",    "description",
                                      "type",    "enum",  "const",    "required", "properties", "additionalProperties",
                                      "items",   "minItems", "maxItems", "minimum"};

bool has_type(const json::value& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  if (type == "integer") {
    if (v.is_int64() || v.is_uint64()) return true;
    return v.is_double() && v.get_double() == static_cast<double>(static_cast<long long>(v.get_double()));
  }
  if (type == "number") return v.is_number();
  return false;
}

double as_double(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

class Checker {
 public:
  explicit Checker(const json::value& root) : root_(root) {}

  void check(const json::value& schema, const json::value& v, const std::string& path) {
    if (!schema.is_object()) {
      if (schema.is_bool() && !schema.get_bool()) errors.push_back(path + ": not allowed here");
      return;
    }
    const auto& s = schema.get_object();
    for (const auto& kv : s) {
      if (!kKnown.count(std::string(kv.key()))) errors.push_back(path + ": schema keyword '" + std::string(kv.key()) + "' is not supported by this checker");
    }
    if (const auto* ref = s.if_contains("$ref")) {
      const std::string target(ref->as_string());
      const std::string prefix = "#/$defs/";
      const auto* defs = root_.as_object().if_contains("$defs");
      const json::value* def = target.starts_with(prefix) && defs ? defs->as_object().if_contains(target.substr(prefix.size())) : nullptr;
      if (!def) {
        errors.push_back(path + ": unresolvable $ref " + target);
        return;
      }
      check(*def, v, path);
    }
    if (const auto* type = s.if_contains("type")) {
      bool ok = false;
      if (type->is_string()) ok = has_type(v, std::string(type->as_string()));
      else for (const auto& t : type->as_array()) ok = ok || has_type(v, std::string(t.as_string()));
      if (!ok) {
        errors.push_back(path + ": expected type " + json::serialize(*type) + ", got " + json::serialize(v).substr(0, 60));
        return;
      }
    }
    if (const auto* e = s.if_contains("enum")) {
      bool ok = false;
      for (const auto& option : e->as_array()) ok = ok || option == v;
      if (!ok) errors.push_back(path + ": " + json::serialize(v) + " is not one of " + json::serialize(*e));
    }
    if (const auto* c = s.if_contains("const"); c && !(*c == v)) errors.push_back(path + ": expected " + json::serialize(*c));
    if (const auto* m = s.if_contains("minimum"); m && v.is_number() && as_double(v) < as_double(*m)) {
      errors.push_back(path + ": " + json::serialize(v) + " is below the minimum " + json::serialize(*m));
    }
    if (v.is_object()) check_object(s, v.get_object(), path);
    if (v.is_array()) check_array(s, v.get_array(), path);
  }

  std::vector<std::string> errors;

 private:
  void check_object(const json::object& s, const json::object& o, const std::string& path) {
    if (const auto* req = s.if_contains("required")) {
      for (const auto& key : req->as_array()) {
        if (!o.contains(key.as_string())) errors.push_back(path + ": missing required key '" + std::string(key.as_string()) + "'");
      }
    }
    const auto* props = s.if_contains("properties");
    const auto* extra = s.if_contains("additionalProperties");
    for (const auto& kv : o) {
      const std::string child = path + "." + std::string(kv.key());
      if (const json::value* p = props ? props->as_object().if_contains(kv.key()) : nullptr) {
        check(*p, kv.value(), child);
      } else if (extra) {
        if (extra->is_bool() && !extra->get_bool()) errors.push_back(child + ": key not allowed by the schema");
        else check(*extra, kv.value(), child);
      }
    }
  }

  void check_array(const json::object& s, const json::array& a, const std::string& path) {
    if (const auto* m = s.if_contains("minItems"); m && a.size() < m->to_number<std::size_t>()) {
      errors.push_back(path + ": fewer than " + json::serialize(*m) + " items");
    }
    if (const auto* m = s.if_contains("maxItems"); m && a.size() > m->to_number<std::size_t>()) {
      errors.push_back(path + ": more than " + json::serialize(*m) + " items");
    }
    if (const auto* items = s.if_contains("items")) {
      for (std::size_t i = 0; i < a.size(); ++i) check(*items, a[i], path + "[" + std::to_string(i) + "]");
    }
  }

  const json::value& root_;
};

}  // namespace

std::vector<std::string> schema_errors(const json::value& schema, const json::value& document) {
  Checker checker(schema);
  checker.check(schema, document, "$");
  return checker.errors;
}

}  // namespace cnisim::testing
