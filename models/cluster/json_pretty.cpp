#include "models/cluster/json_pretty.hpp"

#include <algorithm>
#include <vector>

namespace cnisim::cluster {
namespace {

bool is_flat(const boost::json::array& arr) {
  for (const auto& e : arr) {
    if (e.is_object()) return false;
    if (e.is_array() && !e.get_array().empty() && e.get_array()[0].is_structured()) return false;
  }
  return true;
}

void write(std::string& out, const boost::json::value& v, int depth, const JsonStyle& style) {
  const std::string pad(static_cast<std::size_t>(style.indent * (depth + 1)), ' ');
  const std::string close_pad(static_cast<std::size_t>(style.indent * depth), ' ');
  if (v.is_object()) {
    const auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    std::vector<const boost::json::key_value_pair*> items;
    items.reserve(obj.size());
    for (const auto& kv : obj) items.push_back(&kv);
    if (style.sort_keys) {
      std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
    }
    out += "{\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
      out += pad + boost::json::serialize(boost::json::value(items[i]->key())) + ": ";
      write(out, items[i]->value(), depth + 1, style);
      out += i + 1 < items.size() ? ",\n" : "\n";
    }
    out += close_pad + "}";
  } else if (v.is_array()) {
    const auto& arr = v.get_array();
    if (arr.empty() || (style.flat_scalar_arrays && is_flat(arr))) {
      out += boost::json::serialize(v);
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < arr.size(); ++i) {
      out += pad;
      write(out, arr[i], depth + 1, style);
      out += i + 1 < arr.size() ? ",\n" : "\n";
    }
    out += close_pad + "]";
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& value, JsonStyle style) {
  std::string out;
  write(out, value, 0, style);
  return out;
}

}  // namespace cnisim::cluster
