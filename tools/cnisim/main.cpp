// cnisim: the command-line program. Global options (-h, -v, -q), then a subcommand from the table
// in subcommands.cpp with its own options. Exit codes: 0 ok, 1 runtime failure, 2 bad input.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "models/scenario/diagnostics.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace po = boost::program_options;
using cnisim::cli::Subcommand;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

void print_overview(std::ostream& out, const po::options_description& global) {
  out << "cnisim: a packet-level simulator of Kubernetes (AKS) cluster networking.\n\n"
         "Usage: cnisim [-v|-q] <command> [options]\n\nCommands:\n";
  for (const auto& s : cnisim::cli::subcommands()) {
    out << "  " << s.name << std::string(10 - std::min<std::size_t>(9, s.name.size()), ' ') << s.summary << "\n";
  }
  out << "\n" << global << "\nExamples:\n"
      << "  cnisim compare -f scenarios/chatty-app.yaml   # kubenet vs azure latency, side by side\n"
      << "  cnisim get pods -A -o wide           # the article's kubectl output, from the model\n"
      << "  cnisim routes --plugin kubenet       # the Azure route table and node routes\n"
      << "  cnisim plan                          # VNet addresses per plugin\n"
      << "Run `cnisim <command> --help` for a command's options and examples.\n";
}

const Subcommand* find(const std::string& name) {
  for (const auto& s : cnisim::cli::subcommands()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

int run(int argc, char** argv) {
  po::options_description global("Global options");
  global.add_options()("help,h", "show help (for a command: cnisim <command> --help)")(
      "verbose,v", "log what cnisim does (debug level)")("quiet,q", "log errors only");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(global).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  const auto parsed = po::command_line_parser(argc, argv).options(all).positional(positional).allow_unregistered().run();
  po::variables_map vm;
  po::store(parsed, vm);

  // Thread-safe sink: `compare` runs plugins on several threads, and the builder logs.
  spdlog::set_default_logger(spdlog::stderr_color_mt("cnisim"));
  spdlog::set_level(vm.count("quiet") ? spdlog::level::err : vm.count("verbose") ? spdlog::level::debug
                                                                                 : spdlog::level::warn);
  if (!vm.count("command")) {
    print_overview(vm.count("help") ? std::cout : std::cerr, global);
    return vm.count("help") ? kExitOk : kExitBadInput;
  }
  const auto& name = vm["command"].as<std::string>();
  const Subcommand* cmd = find(name);
  if (!cmd) throw cnisim::cli::UsageError("unknown command '" + name + "'; run `cnisim --help` for the list");

  po::options_description options(cmd->usage + "\n\nOptions");
  po::positional_options_description cmd_positional;
  cmd->options(options, cmd_positional);
  if (vm.count("help")) {
    std::cout << cmd->summary << "\n\n" << options << "\nExamples:\n" << cmd->examples;
    return kExitOk;
  }
  // What the global parser did not take (the command's own options and arguments), in order.
  auto rest = po::collect_unrecognized(parsed.options, po::include_positional);
  rest.erase(rest.begin());  // the command name
  po::variables_map cmd_vm;
  po::store(po::command_line_parser(rest).options(options).positional(cmd_positional).run(), cmd_vm);
  po::notify(cmd_vm);
  return cmd->run(cmd_vm);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const cnisim::scenario::ScenarioError& e) {
    std::cerr << e.what();
    if (std::string_view(e.what()).ends_with('\n') == false) std::cerr << '\n';
    return kExitBadInput;
  } catch (const cnisim::cli::UsageError& e) {
    std::cerr << "cnisim: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const po::error& e) {
    std::cerr << "cnisim: " << e.what() << "; run `cnisim --help` or `cnisim <command> --help`\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "cnisim: error: " << e.what() << '\n';
    return kExitFailure;
  }
}
