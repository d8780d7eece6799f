#include "models/capture/pcap_capture.hpp"

#include <pcap/pcap.h>

#include <memory>
#include <stdexcept>
#include <system_error>

namespace cnisim::capture {

PacketCapture::PacketCapture(const cluster::Cluster& cluster, CaptureOptions options)
    : cluster_(cluster), options_(std::move(options)) {}

void PacketCapture::seen(cluster::DeviceId device, cluster::DeviceId from, std::int64_t time_ps, dataplane::PacketId id,
                         const dataplane::Packet& packet) {
  if (kept_ >= options_.limit) {
    ++not_kept_;
    return;
  }
  ++kept_;
  points_[device].push_back(
      {time_ps, build_frame(packet, id, mac_of(from == cluster::kNone ? device : from), mac_of(device), options_.snaplen)});
}

std::string PacketCapture::file_name(cluster::DeviceId device) const {
  std::string name = cluster_.device_name(device);
  for (char& c : name) {
    if (c == '/' || c == ':' || c == ' ') c = '_';
  }
  return name + ".pcap";
}

CaptureSummary PacketCapture::write() const {
  std::error_code error;
  std::filesystem::create_directories(options_.directory, error);
  if (error) {
    throw std::runtime_error("cannot create the capture directory " + options_.directory.string() + ": " + error.message());
  }
  CaptureSummary summary;
  summary.packets = kept_;
  summary.not_kept = not_kept_;
  const std::unique_ptr<pcap_t, decltype(&pcap_close)> dead(
      pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(options_.snaplen), PCAP_TSTAMP_PRECISION_NANO),
      &pcap_close);
  if (!dead) throw std::runtime_error("libpcap could not open a capture handle");
  for (const auto& [device, records] : points_) {
    CaptureFile file;
    file.device = device;
    file.path = options_.directory / file_name(device);
    pcap_dumper_t* dumper = pcap_dump_open(dead.get(), file.path.c_str());
    if (!dumper) throw std::runtime_error("cannot write " + file.path.string() + ": " + pcap_geterr(dead.get()));
    for (const auto& r : records) {
      const std::int64_t ns = r.time_ps / 1000;
      pcap_pkthdr header{};
      header.ts.tv_sec = static_cast<time_t>(ns / 1000000000);
      header.ts.tv_usec = static_cast<suseconds_t>(ns % 1000000000);  // nanoseconds in a NANO capture
      header.caplen = static_cast<bpf_u_int32>(r.frame.bytes.size());
      header.len = r.frame.length;
      pcap_dump(reinterpret_cast<u_char*>(dumper), &header, r.frame.bytes.data());
    }
    const bool flushed = pcap_dump_flush(dumper) == 0;
    pcap_dump_close(dumper);
    if (!flushed) throw std::runtime_error("cannot write " + file.path.string());
    file.packets = records.size();
    file.bytes = std::filesystem::file_size(file.path, error);
    summary.files.push_back(std::move(file));
  }
  return summary;
}

std::string CaptureSummary::text() const {
  std::uint64_t bytes = 0;
  for (const auto& f : files) bytes += f.bytes;
  std::string s = "capture: " + std::to_string(packets) + " packets in " + std::to_string(files.size()) + " files (" +
                  std::to_string(bytes) + " bytes)";
  if (!files.empty()) s += " under " + files.front().path.parent_path().string() + "/";
  if (not_kept > 0) {
    s += "; the limit was reached and " + std::to_string(not_kept) +
         " more were not kept (raise --pcap-limit, or shorten the run with --duration)";
  }
  return s;
}

}  // namespace cnisim::capture
