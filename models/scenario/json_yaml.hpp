#pragma once
// A JSON value written as YAML (yaml-cpp's emitter), the way `kubectl get -o yaml` prints objects:
// keys sorted, block style, strings quoted only where YAML needs it.
#include <boost/json.hpp>

#include <string>

namespace cnisim::scenario {

std::string json_to_yaml(const boost::json::value& value);

}  // namespace cnisim::scenario
