#pragma once
// `--pcap DIR`, `--pcap-limit N` and `--pcap-snaplen BYTES`, as `cnisim run` and `cnisim trace` take them.
#include <optional>

#include "models/capture/pcap_capture.hpp"
#include "tools/cnisim/subcommand.hpp"

namespace cnisim::cli {

void add_capture_options(po::options_description& options);
// Empty without --pcap. Throws UsageError on a bad value, on --pcap-limit or --pcap-snaplen without
// --pcap, and on a DIR that exists and is not a directory.
std::optional<capture::CaptureOptions> read_capture_options(const po::variables_map& vm);

}  // namespace cnisim::cli
