#include "models/scenario/quantity_reader.hpp"

#include "models/scenario/quantity.hpp"

namespace cnisim::scenario {

std::optional<sim::Time> read_duration(FieldReader& r, const Field& f) {
  auto text = r.text(f, "a duration");
  if (!text) return std::nullopt;
  auto t = parse_duration(*text);
  if (!t) {
    r.error(f.path, r.mark_of(f), "not a duration: " + FieldReader::quoted(*text),
            "a number and a unit: ps, ns, us, ms or s (e.g. 1.5us, 250ns)",
            "write the unit right after the number");
  }
  return t;
}

std::optional<sim::Time> read_positive_duration(FieldReader& r, const Field& f) {
  auto t = read_duration(r, f);
  if (t && *t <= sim::Time::zero()) {
    r.error(f.path, r.mark_of(f), "must be more than 0", "a positive duration such as 10ms or 1s",
            "a zero duration runs nothing; leave the key out to run until the traffic is done");
    return std::nullopt;
  }
  return t;
}

std::optional<sim::DataRate> read_rate(FieldReader& r, const Field& f) {
  auto text = r.text(f, "a data rate");
  if (!text) return std::nullopt;
  auto v = parse_rate(*text);
  if (!v) {
    r.error(f.path, r.mark_of(f), "not a data rate: " + FieldReader::quoted(*text),
            "a positive number and a unit: bps, Kbps, Mbps, Gbps (e.g. 25Gbps), or unlimited",
            "unlimited means no serialization delay (virtual links)");
  }
  return v;
}

}  // namespace cnisim::scenario
