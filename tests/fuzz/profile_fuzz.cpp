// libFuzzer target: any bytes handed to the cost-profile loader must either load or be rejected with
// a ScenarioError that carries at least one diagnostic; and a profile that loads must print (as
// `--show-profile` does) to YAML that loads back to the same profile. Anything else escaping, a crash,
// a sanitizer report, a leak, a time-out or running out of memory is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/cost_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cnisim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::CostProfile profile;
  try {
    profile = scenario::load_profile_string(text, "fuzz.yaml");
  } catch (const scenario::ScenarioError& e) {
    if (e.diagnostics().empty() || std::string_view(e.what()).empty()) std::abort();
    return 0;
  }
  // The printed profile is exact (durations in whole picoseconds, rates in bits per second), so
  // loading it again must print the same text; the loader must not reject its own printer's output.
  const std::string printed = scenario::format_profile(profile);
  const scenario::CostProfile again = scenario::load_profile_string(printed, "printed.yaml");
  if (scenario::format_profile(again) != printed) std::abort();
  return 0;
}
