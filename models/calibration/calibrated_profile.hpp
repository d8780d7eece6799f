#pragma once
// From a calibration to a cost profile: the base profile with every number calibrate measured
// replaced, each with a comment naming the kernel, CPU, date, median of N and spread; what cannot be
// measured on a Linux host (the NIC, Azure's SDN, the wire) keeps the base profile's value and says so.
//
// stand_ins: the profile for checking the model against `cnisim emulate` on this machine, where the
// NIC is a veth pair (node eth0 <-> the vnet namespace) and the VNet router an IP forward in the vnet
// namespace: nic and vnetRouter are charged what those stand-ins cost, an external host what its
// namespace's socket end and veth cost, and the links out of the node have no delay and no rate limit.
#include <string>

#include "models/calibration/calibrate.hpp"
#include "models/scenario/cost_profile.hpp"

namespace cnisim::calibration {

struct CalibratedProfile {
  scenario::CostProfile profile;
  std::string yaml;  // what `cnisim calibrate -o FILE` writes; load_profile reads it back
};

CalibratedProfile calibrated_profile(const Calibration& calibration, const scenario::CostProfile& base,
                                     const std::string& base_name, bool stand_ins);

}  // namespace cnisim::calibration
