#pragma once
// Reading durations and rates from YAML fields with the loader's diagnostics.
#include <optional>

#include "models/scenario/field_reader.hpp"
#include "sim/time.hpp"

namespace cnisim::scenario {

std::optional<sim::Time> read_duration(FieldReader& reader, const Field& field);
// A duration that must be more than zero (how long traffic or a run lasts).
std::optional<sim::Time> read_positive_duration(FieldReader& reader, const Field& field);
std::optional<sim::DataRate> read_rate(FieldReader& reader, const Field& field);

}  // namespace cnisim::scenario
