#include <catch2/catch.hpp>

#include "sim/time.hpp"

using namespace cnisim::sim;

TEST_CASE("time unit helpers count picoseconds exactly", "[time]") {
  CHECK(ps(1).ps() == 1);
  CHECK(ns(5).ps() == 5'000);
  CHECK(us(20).ps() == 20'000'000);
  CHECK(ms(3).ps() == 3'000'000'000);
  CHECK(seconds(2).ps() == 2'000'000'000'000);
  CHECK(us(1) + ns(500) == ns(1500));
  CHECK(us(3) / ns(1) == 3000);
  CHECK(ns(10) * 3 == ns(30));
  CHECK(ns(1) > ps(999));
}

TEST_CASE("64 bytes at 100 Gb/s serialize in exactly 5.12 ns", "[time]") {
  CHECK(serialization_time(64, gbps(100)) == ps(5120));
  CHECK(serialization_time(1500, gbps(25)) == ns(480));
  CHECK(serialization_time(0, gbps(1)) == Time::zero());
}

TEST_CASE("serialization time rounds up to the next picosecond", "[time]") {
  // 1 byte at 3 b/s = 8/3 s = 2.666...e12 ps -> rounded up.
  CHECK(serialization_time(1, bps(3)) == ps(2'666'666'666'667));
  // 1 byte at 7 Gb/s = 1142.857... ps.
  CHECK(serialization_time(1, gbps(7)) == ps(1143));
}

TEST_CASE("serialization of a very large transfer does not overflow", "[time]") {
  // 1 TB at 1 Gb/s = 8000 s.
  CHECK(serialization_time(1'000'000'000'000ull, gbps(1)) == seconds(8000));
}

TEST_CASE("times print with an adaptive unit and three decimals", "[time]") {
  CHECK(Time::zero().to_string() == "0 s");
  CHECK(ps(999).to_string() == "999 ps");
  CHECK(ps(5120).to_string() == "5.120 ns");
  CHECK(ns(12345).to_string() == "12.345 us");
  CHECK(us(1500).to_string() == "1.500 ms");
  CHECK(seconds(3).to_string() == "3.000 s");
  CHECK(ps(12'345'678).to_string() == "12.346 us");
  CHECK((Time::zero() - ns(2)).to_string() == "-2.000 ns");
}

TEST_CASE("data rates print in the largest whole unit", "[time]") {
  CHECK(gbps(25).to_string() == "25 Gb/s");
  CHECK(mbps(1500).to_string() == "1.5 Gb/s");
  CHECK(bps(12).to_string() == "12 b/s");
}
