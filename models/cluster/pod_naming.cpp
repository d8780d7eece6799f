#include "models/cluster/pod_naming.hpp"

#include <stdexcept>

namespace cnisim::cluster {
namespace {

// k8s.io/apimachinery/pkg/util/rand: alphanums = "bcdfghjklmnpqrstvwxz2456789" (no vowels, no 0/1/3).
constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr std::uint64_t kSuffixSpace = 27ull * 27 * 27 * 27 * 27;  // 5 characters
// Any multiplier not divisible by 3 is invertible modulo 27^5, which makes the suffix a bijection.
constexpr std::uint64_t kSuffixMultiplier = 4'194'301;

std::string encode(std::uint64_t value, std::size_t length) {
  std::string out(length, 'b');
  for (std::size_t i = 0; i < length; ++i) {
    out[length - 1 - i] = kSafeAlphabet[value % kSafeAlphabet.size()];
    value /= kSafeAlphabet.size();
  }
  return out;
}

std::string base36(std::uint32_t value, std::size_t length) {
  constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(length, '0');
  for (std::size_t i = 0; i < length; ++i) {
    out[length - 1 - i] = digits[value % 36];
    value /= 36;
  }
  return out;
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis and prime
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string pod_name(const WorkloadSpec& workload, std::uint32_t ordinal) {
  if (ordinal >= kSuffixSpace) {
    throw std::out_of_range("pod ordinal " + std::to_string(ordinal) + " of " + workload.name +
                            " exceeds the 5-character name suffix space");
  }
  const std::uint64_t key = stable_hash(workload.namespace_ + "/" + workload.name);
  const std::uint64_t suffix = (ordinal * kSuffixMultiplier + key) % kSuffixSpace;
  if (workload.kind == WorkloadKind::DaemonSet) return workload.name + "-" + encode(suffix, 5);
  return workload.name + "-" + encode(key >> 20, 10) + "-" + encode(suffix, 5);
}

std::string node_name(std::string_view cluster, const NodePoolSpec& pool, std::uint32_t index_in_pool) {
  if (pool.osType == OsType::Windows) return "aks" + pool.name + base36(index_in_pool, 6);
  const std::uint64_t digits = stable_hash(std::string(cluster) + "/" + pool.name) % 100'000'000;
  std::string eight = std::to_string(digits);
  eight.insert(0, 8 - eight.size(), '0');
  return "aks-" + pool.name + "-" + eight + "-vmss" + base36(index_in_pool, 6);
}

}  // namespace cnisim::cluster
