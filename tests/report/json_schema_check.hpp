#pragma once
// A validator for the subset of JSON Schema (2020-12) that docs/results.schema.json uses: type,
// enum, const, required, properties, additionalProperties, items, minItems, maxItems, minimum and
// $ref to "#/$defs/NAME". A keyword outside that subset is reported as an error rather than ignored,
// so the schema cannot silently grow rules nobody checks.
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace cnisim::testing {

// Every violation as "<json path>: <what>", empty when the document conforms.
std::vector<std::string> schema_errors(const boost::json::value& schema, const boost::json::value& document);

}  // namespace cnisim::testing
