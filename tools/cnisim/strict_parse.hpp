#pragma once
// Strict command-line parsing for every cnisim parser: no abbreviated options (`--plug` is unknown,
// never `--plugin`), "did you mean" for unknown options and commands, positional arguments kept out
// of --help, and option values (counts, seeds, sizes, lists) checked with a message that says what
// was expected.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

// Boost's default style without allow_guessing.
inline constexpr int kCommandLineStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// The candidate closest to word: by edit distance (models/scenario/spelling.hpp's notion of a
// plausible typo), else the only candidate that starts with word (an abbreviation, at least 2
// characters). nullopt when nothing is close.
std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// The names of the positional arguments (the hidden options they are stored under).
std::vector<std::string> positional_names(const po::positional_options_description& positional);

// The options of `all` other than the positional arguments, under `caption`: what --help shows.
po::options_description visible_options(const po::options_description& all,
                                        const po::positional_options_description& positional,
                                        const std::string& caption);

// "--plugin", "--file", ... for every option of `options` not in `leave_out`.
std::vector<std::string> long_option_names(const po::options_description& options,
                                           const std::vector<std::string>& leave_out);

// The message for an unknown option (as Boost reports it, e.g. "--plugn" or "--plugn=azure"), with
// a suggestion from `candidates` (long names with their dashes) when one is close, and where to
// look: `help` (e.g. "cnisim get --help").
std::string unknown_option_message(const std::string& option, const std::vector<std::string>& candidates,
                                   const std::string& help);

// Throws UsageError when a positional argument was written as an option (`--resource pods`): those
// names are internal and not options of the command line.
void reject_positional_names_as_options(const po::parsed_options& parsed,
                                        const std::vector<std::string>& positional, const std::vector<std::string>& candidates,
                                        const std::string& help);

// A whole number from lo to hi written in decimal digits only. Otherwise UsageError naming the
// option and its value, what is expected and an example (e.g. option "-j", example "-j 4").
std::uint64_t parse_whole_number(const std::string& text, std::uint64_t lo, std::uint64_t hi, const std::string& option,
                                 const std::string& example);

// Items of a comma-separated list. An empty item ("kubenet,", ",azure", "a,,b") is a UsageError
// naming the item by position and its neighbours; so is an empty list.
std::vector<std::string> split_list(const std::string& text, const std::string& option, const std::string& example);

}  // namespace cnisim::cli
