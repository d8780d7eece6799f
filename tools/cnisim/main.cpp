// cnisim: the command-line program. Global options (-h, -v, -q, --version), then a subcommand from
// the table in subcommands.cpp with its own options, parsed strictly (strict_parse.hpp). Exit codes:
// 0 ok, 1 runtime failure, 2 bad input, 128 + signal when a run was interrupted (130 for Ctrl-C).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "models/scenario/diagnostics.hpp"
#include "tools/cnisim/strict_parse.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace po = boost::program_options;
using cnisim::cli::Subcommand;
using cnisim::cli::UsageError;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

void print_overview(std::ostream& out, const po::options_description& global) {
  out << "cnisim: a packet-level simulator of Kubernetes (AKS) cluster networking.\n\n"
         "Usage: cnisim [-v|-q] <command> [options]\n       cnisim --version\n\nCommands:\n";
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

std::string unknown_command_message(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : cnisim::cli::subcommands()) names.push_back(s.name);
  std::string message = "unknown command '" + name + "'";
  if (const auto close = cnisim::cli::did_you_mean(name, names)) message += " (did you mean '" + *close + "'?)";
  return message + "; run `cnisim --help` for the list";
}

// The command's options and arguments: parsed strictly, no abbreviations, with "did you mean".
po::variables_map parse_command(const Subcommand& cmd, const po::options_description& global,
                                const std::vector<std::string>& args) {
  po::options_description options;
  po::positional_options_description positional;
  cmd.options(options, positional);
  const std::string help = "cnisim " + cmd.name + " --help";
  const auto hidden = cnisim::cli::positional_names(positional);
  auto candidates = cnisim::cli::long_option_names(options, hidden);
  for (const auto& name : cnisim::cli::long_option_names(global, {})) candidates.push_back(name);

  po::variables_map vm;
  try {
    const auto parsed =
        po::command_line_parser(args).options(options).positional(positional).style(cnisim::cli::kCommandLineStyle).run();
    cnisim::cli::reject_positional_names_as_options(parsed, hidden, candidates, help);
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw UsageError(cnisim::cli::unknown_option_message(e.get_option_name(), candidates, help));
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError("too many arguments for " + cmd.name + ": usage: " + cmd.usage + "; run `" + help + "`");
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "; run `" + help + "` for the options");
  }
  return vm;
}

int run(int argc, char** argv) {
  po::options_description global("Global options");
  global.add_options()("help,h", "show help (for a command: cnisim <command> --help)")(
      "version", "print the version and the git revision it was built from")(
      "verbose,v", "log what cnisim does (debug level)")("quiet,q", "log errors only");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(global).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  // The global options may stand anywhere; everything else is left, in order, for the command.
  const auto parsed = po::command_line_parser(argc, argv)
                          .options(all)
                          .positional(positional)
                          .style(cnisim::cli::kCommandLineStyle)
                          .allow_unregistered()
                          .run();
  const auto global_names = cnisim::cli::long_option_names(global, {});
  cnisim::cli::reject_positional_names_as_options(parsed, {"command", "args"}, global_names, "cnisim --help");
  std::vector<std::string> rest;
  bool seen_command = false;
  for (const auto& option : parsed.options) {
    if (option.position_key >= 0 && !seen_command) {
      seen_command = true;  // the command name itself
      continue;
    }
    if (option.unregistered && !seen_command) {
      // Before the command (or with none) only global options are understood.
      const std::string token = option.original_tokens.empty() ? option.string_key : option.original_tokens.front();
      const std::string message = cnisim::cli::unknown_option_message(token, global_names, "cnisim --help");
      if (message.find("did you mean") != std::string::npos) throw UsageError(message);
      throw UsageError("unknown option '" + token.substr(0, token.find('=')) + "' before the command: only -h, -v, -q and " +
                       "--version go there; a command's own options go after its name, e.g. `cnisim get nodes --plugin azure`");
    }
    if (option.unregistered || option.position_key >= 0) rest.insert(rest.end(), option.original_tokens.begin(), option.original_tokens.end());
  }
  po::variables_map vm;
  po::store(parsed, vm);

  // Thread-safe sink: `compare` runs plugins on several threads, and the builder logs.
  spdlog::set_default_logger(spdlog::stderr_color_mt("cnisim"));
  spdlog::set_level(vm.count("quiet") ? spdlog::level::err : vm.count("verbose") ? spdlog::level::debug
                                                                                 : spdlog::level::warn);
  if (vm.count("version")) {
    std::cout << "cnisim " << CNISIM_VERSION << " (git " << CNISIM_GIT_REVISION << ")\n";
    return kExitOk;
  }
  if (!vm.count("command")) {
    print_overview(vm.count("help") ? std::cout : std::cerr, global);
    return vm.count("help") ? kExitOk : kExitBadInput;
  }
  const auto& name = vm["command"].as<std::string>();
  const Subcommand* cmd = find(name);
  if (!cmd) throw UsageError(unknown_command_message(name));

  if (vm.count("help")) {
    po::options_description options;
    po::positional_options_description cmd_positional;
    cmd->options(options, cmd_positional);
    // Positional arguments are stored under hidden option names: the usage line shows them instead.
    std::cout << cmd->summary << "\n\n"
              << cnisim::cli::visible_options(options, cmd_positional, "Usage: " + cmd->usage + "\n\nOptions")
              << "\nExamples:\n"
              << cmd->examples;
    return kExitOk;
  }
  return cmd->run(parse_command(*cmd, global, rest));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const cnisim::scenario::ScenarioError& e) {
    std::cerr << e.what();
    if (std::string_view(e.what()).ends_with('\n') == false) std::cerr << '\n';
    return kExitBadInput;
  } catch (const UsageError& e) {
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
