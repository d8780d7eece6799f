#include "models/report/json_report.hpp"

#include <boost/json.hpp>

#include "models/cluster/json_pretty.hpp"
#include "models/report/metrics.hpp"
#include "models/report/answer.hpp"
#include "models/report/notes.hpp"

namespace cnisim::report {

namespace json = boost::json;

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
  return cluster::pretty_json(value, cluster::JsonStyle::report()) + "\n";
}

std::string to_json_text(const Comparison& c) { return pretty_json(to_json(c)); }

}  // namespace cnisim::report
