#pragma once
// Reading durations and rates from YAML fields with the loader's diagnostics.
#include <optional>

#include "models/cluster/field_reader.hpp"
#include "sim/time.hpp"

namespace cnisim::dataplane {

std::optional<sim::Time> read_duration(cluster::FieldReader& reader, const cluster::Field& field);
std::optional<sim::DataRate> read_rate(cluster::FieldReader& reader, const cluster::Field& field);

}  // namespace cnisim::dataplane
