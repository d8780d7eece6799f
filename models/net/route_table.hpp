#pragma once
// The RouteTable API: longest-prefix match over Routes, one interface, several implementations
// (a linear reference and fast structures), all checked against each other by the same tests.
//
// Route ids: insert() returns an id (insertion order, never reused; ties go to the lower id).
// lookup() returns the id of the selected route or kNoRoute, plus the work the lookup did
// (entries examined or trie levels visited), which the simulator charges for.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/net/route.hpp"

namespace cnisim::net {

inline constexpr std::uint32_t kNoRoute = 0xFFFFFFFFu;

struct LookupResult {
  std::uint32_t route = kNoRoute;
  std::uint32_t work = 0;  // entries examined (linear) or levels visited (trie)

  constexpr bool found() const { return route != kNoRoute; }
  constexpr bool operator==(const LookupResult&) const = default;
};

enum class RouteTableKind { Linear, Poptrie };

class RouteTable {
 public:
  virtual ~RouteTable() = default;
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  virtual std::string_view name() const = 0;
  // Which implementation this is (non-virtual: find_route() dispatches on it per packet).
  RouteTableKind kind() const { return kind_; }

  // Adds a route (duplicates allowed; preferred_over() decides between them). Returns its id.
  std::uint32_t insert(const Route& route);
  // Removes every route with exactly this prefix and source. False if there was none.
  bool remove(const Cidr& prefix, RouteSource source);

  // Longest-prefix match for address; counts the lookup and its work. The data path calls
  // find_route() (route_lookup.hpp) instead: the implementation's inline find(), no counters.
  LookupResult lookup(Ipv4 address) const {
    const LookupResult r = do_lookup(address);
    ++lookups_;
    work_ += r.work;
    return r;
  }

  // The route with this id; std::out_of_range if the id was never issued or the route was removed.
  const Route& route(std::uint32_t id) const;
  std::size_t size() const { return size_; }
  // Ids of the present routes in insertion order (for views and listings).
  std::vector<std::uint32_t> ids() const;

  // Counters since construction or reset_counters().
  std::uint64_t lookups() const { return lookups_; }
  std::uint64_t total_work() const { return work_; }
  void reset_counters() { lookups_ = work_ = 0; }

 protected:
  explicit RouteTable(RouteTableKind kind) : kind_(kind) {}

  bool alive(std::uint32_t id) const { return id < slots_.size() && slots_[id].alive; }
  std::uint32_t id_limit() const { return static_cast<std::uint32_t>(slots_.size()); }
  const Route& route_unchecked(std::uint32_t id) const { return slots_[id].route; }

 private:
  virtual LookupResult do_lookup(Ipv4 address) const = 0;
  // Bookkeeping hooks: called after the store has changed.
  virtual void on_insert(std::uint32_t id) = 0;
  virtual void on_remove(std::uint32_t id) = 0;

  struct Slot {
    Route route;
    bool alive = true;
  };
  std::vector<Slot> slots_;
  // Ids of the present routes by (prefix, source), so that remove() need not scan every slot.
  std::map<std::pair<Cidr, RouteSource>, std::vector<std::uint32_t>> by_prefix_;
  std::size_t size_ = 0;
  RouteTableKind kind_;
  mutable std::uint64_t lookups_ = 0;
  mutable std::uint64_t work_ = 0;
};

std::string_view to_string(RouteTableKind kind);  // "linear", "poptrie"
// Parses a kind name; throws std::invalid_argument listing the valid names.
RouteTableKind parse_route_table_kind(std::string_view name);
std::vector<RouteTableKind> all_route_table_kinds();
std::unique_ptr<RouteTable> make_route_table(RouteTableKind kind);

}  // namespace cnisim::net
