#pragma once
// The one JSON pretty-printer of the project, over Boost.JSON values (scalars and strings, escaping
// included, are serialized by Boost.JSON itself). Two styles:
//  - kubectl: what `kubectl -o json` prints: 4-space indentation, object keys sorted (kubectl goes
//    through unstructured maps, which Go's encoder writes in key order), every array one item a line;
//  - report: cnisim's own result files: 2-space indentation, keys in the order they were inserted,
//    arrays of scalars (CDF points, histograms) kept on one line to keep files readable.
#include <boost/json.hpp>

#include <string>

namespace cnisim::cluster {

struct JsonStyle {
  int indent = 2;
  bool sort_keys = false;
  bool flat_scalar_arrays = true;  // an array holding no object (and no array of structures) on one line

  static constexpr JsonStyle kubectl() { return {4, true, false}; }
  static constexpr JsonStyle report() { return {2, false, true}; }
};

// The value pretty-printed in the style, without a trailing newline.
std::string pretty_json(const boost::json::value& value, JsonStyle style);

// kubectl's style with the newline kubectl ends its output with.
inline std::string to_kubectl_json(const boost::json::value& value) {
  return pretty_json(value, JsonStyle::kubectl()) + '\n';
}

}  // namespace cnisim::cluster
