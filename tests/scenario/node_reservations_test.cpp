// AKS's node reservations (learn.microsoft.com/azure/aks/node-resource-reservations): the page's
// table and worked examples, and the rules between them.
#include <catch2/catch.hpp>

#include "models/scenario/node_reservations.hpp"
#include "models/scenario/vm_sizes.hpp"

using namespace cnisim::scenario;

TEST_CASE("kube-reserved CPU follows AKS's table at every listed core count and its slope between") {
  const std::pair<std::uint32_t, std::uint64_t> table[] = {{1, 60}, {2, 100}, {4, 140}, {8, 180}, {16, 260}, {32, 420}, {64, 740}};
  for (const auto& [cores, millicores] : table) {
    INFO(cores << " cores");
    CHECK(aks_reserved_cpu_millicores(cores) == millicores);
  }
  CHECK(aks_reserved_cpu_millicores(48) == 580);   // 10 m a core above 8
  CHECK(aks_reserved_cpu_millicores(96) == 1060);
  CHECK(aks_reserved_cpu_millicores(3) == 100);    // the doubling below
  // Never more reserved for fewer cores.
  for (std::uint32_t c = 1; c < 128; ++c) CHECK(aks_reserved_cpu_millicores(c) <= aks_reserved_cpu_millicores(c + 1));
}

TEST_CASE("from AKS 1.29 memory kube-reserved is the smaller of 20 MB a pod plus 50 MB and a quarter, plus 100Mi") {
  // The page's examples: 8 GB and 30 pods: 650 MB reserved; 4 GB and 70 pods: a quarter, 1000 MB (1024 MiB).
  CHECK(aks_allocatable(2, 8192, 30, 29).memory_kib == (8192 - 650 - 100) * 1024);
  CHECK(aks_allocatable(2, 4096, 70, 30).memory_kib == (4096 - 1024 - 100) * 1024);
  CHECK(aks_allocatable(2, 8192, 30, 29).cpu_millicores == 1900);
}

TEST_CASE("before AKS 1.29 memory kube-reserved is regressive by band plus 750Mi") {
  // 7 GiB: 25% of 4 GiB (1024) + 20% of 3 GiB (614.4) = 1638 MiB, plus 750.
  CHECK(aks_allocatable(2, 7168, 110, 28).memory_kib == (7168 - 1638 - 750) * 1024);
  // 256 GiB: 1024 + 819.2 + 819.2 + 6881.28 + 2621.44 = 12165 MiB, plus 750.
  CHECK(aks_allocatable(64, 256 * 1024, 110, 27).memory_kib == (256 * 1024 - 12165 - 750) * 1024);
}

TEST_CASE("every VM size in the table has memory and leaves something allocatable") {
  for (const auto& size : vm_sizes()) {
    INFO(size.name);
    CHECK(size.memory_mib >= 3584);
    for (int minor : {28, 29}) {
      const auto left = aks_allocatable(size.vcpus, size.memory_mib, 250, minor);
      CHECK(left.cpu_millicores > 0);
      CHECK(left.cpu_millicores < size.vcpus * 1000u);
      CHECK(left.memory_kib > 0);
      CHECK(left.memory_kib < size.memory_mib * 1024);
    }
  }
}
