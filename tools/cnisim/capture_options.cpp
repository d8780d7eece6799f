#include "tools/cnisim/capture_options.hpp"

#include <filesystem>

#include "tools/cnisim/strict_parse.hpp"

namespace cnisim::cli {

void add_capture_options(po::options_description& o) {
  o.add_options()("pcap", po::value<std::string>()->value_name("DIR"),
                  "write a packet capture (pcap, nanosecond timestamps) per capture point into DIR: each pod's "
                  "eth0, each cbr0, each node's eth0, the VNet; open them with Wireshark or tcpdump -r")(
      "pcap-limit", po::value<std::string>()->value_name("N"),
      "packets kept over all capture files, 1 to 100000000 (default: 100000); past it they are counted, not kept")(
      "pcap-snaplen", po::value<std::string>()->value_name("BYTES"),
      "bytes kept of each frame, 64 to 262144 (default: 262144, tcpdump's)");
}

std::optional<capture::CaptureOptions> read_capture_options(const po::variables_map& vm) {
  if (!vm.count("pcap")) {
    for (const char* option : {"pcap-limit", "pcap-snaplen"}) {
      if (vm.count(option)) {
        throw UsageError(std::string("--") + option + " is for a capture: give --pcap DIR too, e.g. --pcap captures/ --" +
                         option + " " + vm[option].as<std::string>());
      }
    }
    return std::nullopt;
  }
  capture::CaptureOptions c;
  c.directory = vm["pcap"].as<std::string>();
  if (c.directory.empty()) throw UsageError("--pcap needs a directory, e.g. --pcap captures/");
  std::error_code error;
  if (std::filesystem::exists(c.directory, error) && !std::filesystem::is_directory(c.directory, error)) {
    throw UsageError("--pcap " + c.directory.string() + ": that exists and is not a directory\n  hint: name a new or existing directory, e.g. --pcap captures/");
  }
  if (vm.count("pcap-limit")) {
    c.limit = parse_whole_number(vm["pcap-limit"].as<std::string>(), 1, 100000000, "--pcap-limit", "--pcap-limit 5000");
  }
  if (vm.count("pcap-snaplen")) {
    c.snaplen = static_cast<std::uint32_t>(
        parse_whole_number(vm["pcap-snaplen"].as<std::string>(), 64, 262144, "--pcap-snaplen", "--pcap-snaplen 128"));
  }
  return c;
}

}  // namespace cnisim::cli
