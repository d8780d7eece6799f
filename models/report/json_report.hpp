#pragma once
// The JSON report (`-o json`): the schema is docs/results.schema.json, described in
// docs/output-format.md. Keys keep a fixed order; numbers come from the same metric list as the
// table. schemaVersion changes whenever a key is renamed or removed (adding keys keeps it).
#include <boost/json/value.hpp>

#include <string>

#include "models/report/comparison.hpp"

namespace cnisim::report {

inline constexpr int kSchemaVersion = 1;

boost::json::value to_json(const Comparison& comparison);
// Indented two spaces, keys in insertion order, a newline at the end.
std::string to_json_text(const Comparison& comparison);
// Pretty-prints any value the same way (scalars and strings serialized by Boost.JSON).
std::string pretty_json(const boost::json::value& value);

}  // namespace cnisim::report
