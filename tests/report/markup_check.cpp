#include "tests/report/markup_check.hpp"

#include <regex>
#include <set>

namespace cnisim::testing {

std::vector<std::string> markup_problems(const std::string& text) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> problems;
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < text.size()) {
    const char ch = text[i];
    if (ch == '&') {
      static const std::regex entity("^&(amp|lt|gt|quot|#[0-9]+);");
      if (!std::regex_search(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), entity)) {
        problems.push_back("bare '&' at offset " + std::to_string(i));
      }
      ++i;
      continue;
    }
    if (ch != '<') {
      ++i;
      continue;
    }
    // Find the tag's end, skipping quoted attribute values.
    std::size_t j = i + 1;
    char quote = 0;
    while (j < text.size() && (quote || text[j] != '>')) {
      if (quote && text[j] == quote) quote = 0;
      else if (!quote && (text[j] == '"' || text[j] == '\'')) quote = text[j];
      else if (!quote && text[j] == '<') break;
      ++j;
    }
    if (j >= text.size() || text[j] != '>') {
      problems.push_back("unterminated tag at offset " + std::to_string(i));
      break;
    }
    const std::string tag = text.substr(i + 1, j - i - 1);
    i = j + 1;
    if (tag.starts_with("!") || tag.starts_with("?")) continue;  // doctype, comments
    if (tag.starts_with("/")) {
      const std::string name = tag.substr(1, tag.find_first_of(" \t\n") - 1);
      if (open.empty() || open.back() != name) {
        problems.push_back("</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">"));
        return problems;
      }
      open.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
    if (tag.ends_with("/") || kVoid.count(name)) continue;
    open.push_back(name);
  }
  for (const auto& name : open) problems.push_back("<" + name + "> is never closed");
  return problems;
}

}  // namespace cnisim::testing
