#pragma once
// The RouteTable implementations every route-table test runs over, as TEMPLATE_TEST_CASE types.
// Poptrie appears with several direct-index sizes so that both its direct array and its nodes at
// every depth are exercised.
#include <memory>

#include "models/net/linear_route_table.hpp"
#include "models/net/poptrie_route_table.hpp"

namespace cnisim::net::testing {

struct LinearTable {
  static std::unique_ptr<RouteTable> make() { return std::make_unique<LinearRouteTable>(); }
};
template <int DirectBits>
struct PoptrieTable {
  static std::unique_ptr<RouteTable> make() { return std::make_unique<PoptrieRouteTable>(DirectBits); }
};
using PoptrieAuto = PoptrieTable<PoptrieRouteTable::kAutoDirectBits>;
using PoptrieNoDirect = PoptrieTable<0>;
using PoptrieDirect8 = PoptrieTable<8>;
using PoptrieDirect16 = PoptrieTable<16>;
using PoptrieDirect20 = PoptrieTable<20>;

}  // namespace cnisim::net::testing

#define CNISIM_ROUTE_TABLE_TYPES                                                                   \
  cnisim::net::testing::LinearTable, cnisim::net::testing::PoptrieAuto,                            \
      cnisim::net::testing::PoptrieNoDirect, cnisim::net::testing::PoptrieDirect8,                 \
      cnisim::net::testing::PoptrieDirect16, cnisim::net::testing::PoptrieDirect20
