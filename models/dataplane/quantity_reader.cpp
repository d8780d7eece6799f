#include "models/dataplane/quantity_reader.hpp"

#include "models/dataplane/quantity.hpp"

namespace cnisim::dataplane {

std::optional<sim::Time> read_duration(cluster::FieldReader& r, const cluster::Field& f) {
  auto text = r.text(f, "a duration");
  if (!text) return std::nullopt;
  auto t = parse_duration(*text);
  if (!t) {
    r.error(f.path, r.mark_of(f), "not a duration: " + cluster::FieldReader::quoted(*text),
            "a number and a unit: ps, ns, us, ms or s (e.g. 1.5us, 250ns)",
            "write the unit right after the number");
  }
  return t;
}

std::optional<sim::DataRate> read_rate(cluster::FieldReader& r, const cluster::Field& f) {
  auto text = r.text(f, "a data rate");
  if (!text) return std::nullopt;
  auto v = parse_rate(*text);
  if (!v) {
    r.error(f.path, r.mark_of(f), "not a data rate: " + cluster::FieldReader::quoted(*text),
            "a positive number and a unit: bps, Kbps, Mbps, Gbps (e.g. 25Gbps), or unlimited",
            "unlimited means no serialization delay (virtual links)");
  }
  return v;
}

}  // namespace cnisim::dataplane
