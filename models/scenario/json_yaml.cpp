#include "models/scenario/json_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace cnisim::scenario {
namespace {

void emit(YAML::Emitter& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      std::vector<const boost::json::key_value_pair*> items;
      for (const auto& kv : o) items.push_back(&kv);
      std::sort(items.begin(), items.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out << YAML::BeginMap;
      for (const auto* kv : items) {
        out << YAML::Key << std::string(kv->key()) << YAML::Value;
        emit(out, kv->value());
      }
      out << YAML::EndMap;
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& e : a) emit(out, e);
      out << YAML::EndSeq;
      return;
    }
    case boost::json::kind::string: {
      const std::string s(v.get_string());
      // A string that would read back as another type ("true", "110", "") is quoted, as kubectl does.
      const YAML::Node probe = YAML::Load(s.empty() ? std::string("''") : s);
      const bool plain = !s.empty() && probe.IsScalar() && probe.Tag() == "?" && !probe.as<std::string>().empty() &&
                         probe.as<std::string>() == s;
      bool other_type = false;
      if (plain) {
        bool b = false;
        double d = 0;
        other_type = YAML::convert<bool>::decode(probe, b) || YAML::convert<double>::decode(probe, d) || s == "null" || s == "~";
      }
      // Timestamps (2026-01-01T00:00:00Z) would read back as YAML 1.1 timestamps: quoted too.
      const bool date_like = s.size() >= 10 && std::isdigit(static_cast<unsigned char>(s[0])) && s[4] == '-' && s[7] == '-';
      if (!plain || other_type || date_like) {
        out << YAML::DoubleQuoted << s;
      } else {
        out << s;
      }
      return;
    }
    case boost::json::kind::int64: out << v.get_int64(); return;
    case boost::json::kind::uint64: out << v.get_uint64(); return;
    case boost::json::kind::double_: out << v.get_double(); return;
    case boost::json::kind::bool_: out << (v.get_bool() ? "true" : "false"); return;
    case boost::json::kind::null: out << YAML::Null; return;
  }
}

}  // namespace

std::string json_to_yaml(const boost::json::value& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace cnisim::scenario
