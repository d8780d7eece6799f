#include "models/report/json_report.hpp"

#include <boost/json.hpp>

#include "models/report/metrics.hpp"
#include "models/report/answer.hpp"
#include "models/report/notes.hpp"

namespace cnisim::report {

namespace json = boost::json;

namespace {

void pretty(std::string& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      out += inner + json::serialize(json::value(kv.key())) + ": ";
      pretty(out, kv.value(), indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    // Arrays of scalars (CDF points, histograms) stay on one line to keep files readable.
    bool flat = true;
    for (const auto& e : a) {
      if (e.is_object() || (e.is_array() && !e.get_array().empty() && e.get_array()[0].is_structured())) flat = false;
    }
    if (flat) {
      out += json::serialize(v);
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out += inner;
      pretty(out, a[i], indent + 1);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

json::value to_json(const Comparison& c) {
  json::object o;
  o["schemaVersion"] = kSchemaVersion;
  o["command"] = c.command;
  o["scenario"] = c.scenario;
  o["seed"] = c.seed;
  o["hostFigures"] = c.host_figures;
  o["partial"] = any_partial(c);
  o["baseline"] = c.variants.empty() ? "" : c.variants.front().label;

  json::array variants;
  for (const auto& v : c.variants) {
    json::object vo;
    vo["label"] = v.label;
    vo["plugin"] = v.plugin;
    vo["kubeProxyMode"] = v.kube_proxy;
    json::array notes;
    for (const auto& note : variant_notes(v)) notes.push_back(json::string(note));
    vo["notes"] = std::move(notes);
    vo["results"] = dataplane::to_json(v.results, c.host_figures);
    json::array path;
    for (const auto& line : v.typical_path) path.push_back(json::string(line));
    vo["typicalPath"] = std::move(path);
    variants.push_back(std::move(vo));
  }
  o["variants"] = std::move(variants);

  json::array rows;
  for (const auto& m : metrics(c.host_figures)) {
    json::object row;
    row["metric"] = m.key;
    row["unit"] = m.unit;
    json::array values, diffs, ratios;
    const double base = c.variants.empty() ? 0.0 : m.value(c.variants.front().results);
    for (const auto& v : c.variants) {
      const double x = m.value(v.results);
      values.push_back(x);
      diffs.push_back(difference(x, base));
      const auto r = ratio(x, base);
      ratios.push_back(r ? json::value(*r) : json::value(nullptr));
    }
    row["values"] = std::move(values);
    row["differences"] = std::move(diffs);
    row["ratios"] = std::move(ratios);
    rows.push_back(std::move(row));
  }
  o["comparison"] = std::move(rows);
  const auto answer = answer_text(c);
  o["answer"] = answer ? json::value(*answer) : json::value(nullptr);
  if (c.sensitivity) {
    json::object sens;
    sens["percent"] = c.sensitivity->percent;
    sens["baseDifferenceUs"] = c.sensitivity->base_us;
    sens["minDifferenceUs"] = c.sensitivity->min_us;
    sens["maxDifferenceUs"] = c.sensitivity->max_us;
    json::array srows;
    for (const auto& r : c.sensitivity->rows) {
      srows.push_back(json::object{{"cost", r.cost}, {"lowDifferenceUs", r.low_us}, {"highDifferenceUs", r.high_us}});
    }
    sens["rows"] = std::move(srows);
    o["sensitivity"] = std::move(sens);
  } else {
    o["sensitivity"] = nullptr;
  }
  return o;
}

std::string pretty_json(const json::value& value) {
  std::string out;
  pretty(out, value, 0);
  out += "\n";
  return out;
}

std::string to_json_text(const Comparison& c) { return pretty_json(to_json(c)); }

}  // namespace cnisim::report
