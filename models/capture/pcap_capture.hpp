#pragma once
// `--pcap DIR`: a packet capture at every capture point of the cluster (the kinds' table says which:
// each pod's eth0, each bridge, each node's eth0, the VNet), one pcap file per point that saw a packet,
// named after the device (`default_nginx-abc-xyz_eth0.pcap`, `aks-...-vmss000000_cbr0.pcap`,
// `azure-vnet_aks-vnet.pcap`). Each packet is recorded as it reaches the point, before the device works
// on it (tcpdump's view there), with its simulated arrival time at nanosecond precision (simulated
// time 0 is the epoch). Frames are held in memory until write(), so a run with many points never holds
// more than one file open; `limit` bounds the packets kept (those past it are counted, not kept).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/capture/frame.hpp"
#include "models/cluster/cluster.hpp"
#include "models/dataplane/network.hpp"

namespace cnisim::capture {

struct CaptureOptions {
  std::filesystem::path directory;
  std::uint64_t limit = 100000;  // packets kept over all points (a bound on memory and disk)
  std::uint32_t snaplen = 262144;  // bytes kept of each frame (tcpdump's default)
};

struct CaptureFile {
  std::filesystem::path path;
  cluster::DeviceId device = cluster::kNone;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // of the file
};

struct CaptureSummary {
  std::vector<CaptureFile> files;  // by device id
  std::uint64_t packets = 0;       // kept
  std::uint64_t not_kept = 0;      // seen after the limit was reached
  std::string text() const;        // "capture: 12 packets in 4 files under DIR/", and the limit if reached
};

class PacketCapture : public dataplane::PacketObserver {
 public:
  PacketCapture(const cluster::Cluster& cluster, CaptureOptions options);
  void seen(cluster::DeviceId device, cluster::DeviceId from, std::int64_t time_ps, dataplane::PacketId id,
            const dataplane::Packet& packet) override;
  // Writes the files with libpcap (the directory is created). Throws std::runtime_error naming the file
  // when one cannot be written.
  CaptureSummary write() const;

  // The file a device's packets go to (for tests and messages).
  std::string file_name(cluster::DeviceId device) const;

 private:
  struct Record {
    std::int64_t time_ps;
    Frame frame;
  };
  const cluster::Cluster& cluster_;
  CaptureOptions options_;
  std::map<cluster::DeviceId, std::vector<Record>> points_;
  std::uint64_t kept_ = 0;
  std::uint64_t not_kept_ = 0;
};

}  // namespace cnisim::capture
