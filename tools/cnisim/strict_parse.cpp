#include "tools/cnisim/strict_parse.hpp"

#include <algorithm>
#include <string_view>

#include "models/scenario/spelling.hpp"

namespace cnisim::cli {

namespace {

std::string without_dashes(std::string_view name) {
  while (!name.empty() && name.front() == '-') name.remove_prefix(1);
  return std::string(name.substr(0, name.find('=')));
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string ordinal(std::size_t n) {
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}

}  // namespace

std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (auto close = scenario::closest_match(word, views)) return close;
  if (word.size() < 2) return std::nullopt;
  std::optional<std::string> only;
  for (const auto& c : candidates) {
    if (c.size() > word.size() && c.compare(0, word.size(), word) == 0) {
      if (only) return std::nullopt;  // an abbreviation of several names names none of them
      only = c;
    }
  }
  return only;
}

std::vector<std::string> positional_names(const po::positional_options_description& positional) {
  std::vector<std::string> names;
  // An unlimited last positional repeats its name for every later position: the first few suffice.
  const unsigned count = std::min(positional.max_total_count(), 16u);
  for (unsigned i = 0; i < count; ++i) {
    const auto& name = positional.name_for_position(i);
    if (!contains(names, name)) names.push_back(name);
  }
  return names;
}

po::options_description visible_options(const po::options_description& all,
                                        const po::positional_options_description& positional,
                                        const std::string& caption) {
  const auto hidden = positional_names(positional);
  po::options_description visible(caption);
  for (const auto& option : all.options()) {
    if (!contains(hidden, option->long_name())) visible.add(option);
  }
  return visible;
}

std::vector<std::string> long_option_names(const po::options_description& options,
                                           const std::vector<std::string>& leave_out) {
  std::vector<std::string> names;
  for (const auto& option : options.options()) {
    if (!option->long_name().empty() && !contains(leave_out, option->long_name())) names.push_back("--" + option->long_name());
  }
  return names;
}

std::string unknown_option_message(const std::string& option, const std::vector<std::string>& candidates,
                                   const std::string& help) {
  const std::string shown = option.substr(0, option.find('='));
  std::string message = "unknown option '" + shown + "'";
  // A single letter (-x) is too short to guess from; a long name with one dash (-plugin) is not.
  if (shown.size() > 2) {
    std::vector<std::string> plain;
    for (const auto& c : candidates) plain.push_back(without_dashes(c));
    if (const auto close = did_you_mean(without_dashes(shown), plain)) message += " (did you mean '--" + *close + "'?)";
  }
  return message + "; run `" + help + "` for the options";
}

void reject_positional_names_as_options(const po::parsed_options& parsed,
                                        const std::vector<std::string>& positional,
                                        const std::vector<std::string>& candidates, const std::string& help) {
  for (const auto& option : parsed.options) {
    if (option.position_key == -1 && !option.unregistered && contains(positional, option.string_key)) {
      const std::string token = option.original_tokens.empty() ? "--" + option.string_key : option.original_tokens.front();
      throw UsageError(unknown_option_message(token, candidates, help));
    }
  }
}

std::uint64_t parse_whole_number(const std::string& text, std::uint64_t lo, std::uint64_t hi, const std::string& option,
                                 const std::string& example) {
  const std::string expected =
      ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + " (e.g. " + example + ")";
  if (text.empty()) throw UsageError(option + " needs a value" + expected);
  const bool negative = text.front() == '-' && text.size() > 1 &&
                        std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (negative) throw UsageError(option + " '" + text + "' is negative" + expected);
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw UsageError(option + " '" + text + "' is not a whole number" + expected);
  }
  std::uint64_t value = 0;
  for (char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) throw UsageError(option + " '" + text + "' is too large" + expected);
    value = value * 10 + digit;
  }
  if (value < lo) throw UsageError(option + " '" + text + "' is too small" + expected);
  if (value > hi) throw UsageError(option + " '" + text + "' is too large" + expected);
  return value;
}

std::vector<std::string> split_list(const std::string& text, const std::string& option, const std::string& example) {
  std::vector<std::string> items;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (items.size() == 1 && items.front().empty()) {
    throw UsageError(option + " is empty: expected a comma-separated list, e.g. " + example);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].empty()) continue;
    std::string where;
    // Items before the first empty one are not empty; the one after may be.
    if (i == 0) where = items[1].empty() ? "at the start" : "before '" + items[1] + "'";
    else if (i + 1 == items.size() || items[i + 1].empty()) where = "after '" + items[i - 1] + "'";
    else where = "between '" + items[i - 1] + "' and '" + items[i + 1] + "'";
    throw UsageError(option + " '" + text + "': the " + ordinal(i + 1) + " item (" + where +
                     ") is empty: separate names with single commas, e.g. " + example);
  }
  return items;
}

}  // namespace cnisim::cli
