#pragma once
// Shared output for every benchmark: a human table by default, or with --json one JSON object per
// line ({"bench":..., "impl":..., ...}) so that scripts can read it. JSON is written by Boost.JSON.
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace cnisim::bench {

class BenchReport {
 public:
  BenchReport(std::string bench, bool json) : bench_(std::move(bench)), json_(json) {}

  // One measurement. Keys keep their insertion order in both the table and the JSON line.
  void row(boost::json::object fields) {
    boost::json::object line;
    line["bench"] = bench_;
    for (auto& kv : fields) line[kv.key()] = kv.value();
    if (json_) {
      std::cout << boost::json::serialize(line) << '\n' << std::flush;
    } else {
      rows_.push_back(std::move(line));
    }
  }

  // Prints the collected rows as an aligned table (no-op in JSON mode).
  void print_table(std::ostream& out = std::cout) const {
    if (json_ || rows_.empty()) return;
    std::vector<std::string> keys;
    for (const auto& r : rows_)
      for (const auto& kv : r)
        if (std::find(keys.begin(), keys.end(), std::string(kv.key())) == keys.end()) keys.emplace_back(kv.key());
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> width(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) width[k] = keys[k].size();
    for (const auto& r : rows_) {
      std::vector<std::string> line;
      for (std::size_t k = 0; k < keys.size(); ++k) {
        const auto* v = r.if_contains(keys[k]);
        std::string s = !v ? "" : v->is_string() ? std::string(v->get_string()) : format_number(*v);
        width[k] = std::max(width[k], s.size());
        line.push_back(std::move(s));
      }
      cells.push_back(std::move(line));
    }
    auto print_line = [&](const std::vector<std::string>& line) {
      for (std::size_t k = 0; k < line.size(); ++k) {
        out << line[k] << std::string(width[k] - line[k].size() + (k + 1 < line.size() ? 2 : 0), ' ');
      }
      out << '\n';
    };
    print_line(keys);
    for (const auto& line : cells) print_line(line);
  }

  bool json() const { return json_; }

 private:
  static std::string format_number(const boost::json::value& v) {
    char buf[64];
    if (v.is_double()) {
      std::snprintf(buf, sizeof buf, "%.4g", v.get_double());
      return buf;
    }
    return boost::json::serialize(v);
  }

  std::string bench_;
  bool json_;
  std::vector<boost::json::object> rows_;
};

// Parses a benchmark's command line into vm. Returns the exit code when the program should end now:
// 2 after a bad option (printed with the options), 0 after --help (the options printed); nullopt to go on.
inline std::optional<int> parse_command_line(int argc, char** argv, const boost::program_options::options_description& options,
                                             const std::string& program, boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n" << options;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  return std::nullopt;
}

}  // namespace cnisim::bench
