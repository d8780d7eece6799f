#pragma once
// A structural check of generated HTML/SVG: tags nest and close properly (void HTML elements and
// self-closing tags aside), attribute quotes balance, and every '&' starts an entity. Not a full
// parser; enough to catch the mistakes a string-building generator makes.
#include <string>
#include <vector>

namespace cnisim::testing {

std::vector<std::string> markup_problems(const std::string& text);

}  // namespace cnisim::testing
