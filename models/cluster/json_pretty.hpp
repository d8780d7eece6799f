#pragma once
// Writes Boost.JSON values the way `kubectl -o json` prints objects: 4-space indentation, object keys
// sorted (kubectl goes through unstructured maps, which Go's encoder writes in key order). Scalars
// and strings are serialized by Boost.JSON itself, escaping included.
#include <boost/json.hpp>

#include <string>

namespace cnisim::cluster {

std::string to_kubectl_json(const boost::json::value& value);

}  // namespace cnisim::cluster
