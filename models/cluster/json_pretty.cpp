#include "models/cluster/json_pretty.hpp"

#include <algorithm>
#include <vector>

namespace cnisim::cluster {
namespace {

constexpr int kIndent = 4;

void write(std::string& out, const boost::json::value& v, int depth) {
  const std::string pad(static_cast<std::size_t>(kIndent * (depth + 1)), ' ');
  const std::string close_pad(static_cast<std::size_t>(kIndent * depth), ' ');
  if (v.is_object()) {
    const auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    std::vector<const boost::json::key_value_pair*> items;
    for (const auto& kv : obj) items.push_back(&kv);
    std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out += "{\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
      out += pad + boost::json::serialize(boost::json::value(items[i]->key())) + ": ";
      write(out, items[i]->value(), depth + 1);
      out += i + 1 < items.size() ? ",\n" : "\n";
    }
    out += close_pad + "}";
  } else if (v.is_array()) {
    const auto& arr = v.get_array();
    if (arr.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < arr.size(); ++i) {
      out += pad;
      write(out, arr[i], depth + 1);
      out += i + 1 < arr.size() ? ",\n" : "\n";
    }
    out += close_pad + "]";
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string to_kubectl_json(const boost::json::value& value) {
  std::string out;
  write(out, value, 0);
  out += '\n';
  return out;
}

}  // namespace cnisim::cluster
