#pragma once
// Warnings that a variant's figures come with, worded once for the table, CSV, JSON and HTML:
//   "partial: interrupted at simulated time 12ms"       the run was stopped (Ctrl-C) before its end
//   "37% of calls failed: latency covers only the rest"  latency percentiles exclude failed calls
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/report/comparison.hpp"

namespace cnisim::report {

// The percentage of part in whole for a warning: never "0" for a non-zero part nor "100" for less
// than the whole ("<0.01", "0.25", "3.7", "37", ">99.9", "100").
std::string percent_text(std::uint64_t part, std::uint64_t whole);

std::optional<std::string> partial_note(const dataplane::Results& results);
// Failed out of the calls that ended (completed + failed); none when no call failed.
std::optional<std::string> failed_calls_note(const dataplane::Results& results);
// Both, partial first: of one run's results, and of a variant's.
std::vector<std::string> run_notes(const dataplane::Results& results);
std::vector<std::string> variant_notes(const Variant& variant);

// How route lookups were charged, as the report's header says it: "constant"; "proportional (a
// what-if: ...)", since no real router scans Azure's route table per packet; "measured (...)".
std::string lookup_model_text(const std::string& model);

// Some variant's run was interrupted.
bool any_partial(const Comparison& comparison);

}  // namespace cnisim::report
