#pragma once
// A cnisim subcommand: its name, a one-line summary, its options, and what it does with them. The
// table of subcommands lives in subcommands.cpp; adding one is a new cmd_<name>.cpp and one line there.
#include <boost/program_options.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cnisim::cli {

namespace po = boost::program_options;

struct Subcommand {
  std::string name;
  std::string summary;
  std::string usage;     // "cnisim get (nodes|pods|svc) [options]"
  std::string examples;  // shown by `cnisim <name> --help`
  // Adds the subcommand's own options (and positional arguments) to the parser.
  std::function<void(po::options_description&, po::positional_options_description&)> options;
  // Runs with the parsed options; returns the exit code. Writes its result to stdout.
  std::function<int(const po::variables_map&)> run;
};

const std::vector<Subcommand>& subcommands();

// Subcommand factories, one per cmd_<name>.cpp.
Subcommand get_subcommand();
Subcommand routes_subcommand();
Subcommand plan_subcommand();
Subcommand graph_subcommand();
Subcommand run_subcommand();
Subcommand compare_subcommand();
Subcommand trace_subcommand();
Subcommand emulate_subcommand();
Subcommand init_subcommand();
Subcommand describe_subcommand();
Subcommand calibrate_subcommand();
Subcommand sweep_subcommand();

// Thrown for bad command-line input (exit code 2), with a message that says what to type instead.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cnisim::cli
