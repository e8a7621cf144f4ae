// sim/timing.hpp: sections add up, and a scope nested in another counts once, in its own
// section (the serial share must not count a parallel stretch of a serial section).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sim/timing.hpp"

namespace {
using Kind = sim::SectionTimes::Kind;
using namespace std::chrono_literals;

TEST(SectionTimes, ANestedScopeIsLeftOutOfTheEnclosingOne) {
  sim::SectionTimes times;
  const auto wall_start = sim::SectionTimes::Clock::now();
  times.run("outer", Kind::kSerial, [&] {
    std::this_thread::sleep_for(20ms);
    times.run("inner", Kind::kParallel, [&] { std::this_thread::sleep_for(40ms); });
    std::this_thread::sleep_for(20ms);
  });
  const double wall =
      std::chrono::duration<double>(sim::SectionTimes::Clock::now() - wall_start).count();
  const auto& s = times.sections();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "outer");
  EXPECT_EQ(s[1].name, "inner");
  // Sleeps last at least what they ask; together the sections are the wall time, not more
  // (counted twice, the inner 40 ms would push the total past it).
  EXPECT_GE(s[1].seconds, 0.040);
  EXPECT_GE(s[0].seconds, 0.040);
  EXPECT_LE(times.total(), wall);
  EXPECT_NEAR(times.serial(), s[0].seconds, 1e-12);
}

TEST(SectionTimes, ScopesAfterANestedOneStartAfresh) {
  sim::SectionTimes times;
  times.run("a", Kind::kSerial,
            [&] { times.run("b", Kind::kParallel, [&] { std::this_thread::sleep_for(30ms); }); });
  // A later scope at the top level, and one in the same section, exclude nothing of b.
  times.run("c", Kind::kSerial, [&] { std::this_thread::sleep_for(30ms); });
  times.run("a", Kind::kSerial, [&] { std::this_thread::sleep_for(30ms); });
  const auto& s = times.sections();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_GE(s[0].seconds, 0.030);  // a's second scope is not charged for b
  EXPECT_GE(s[2].seconds, 0.030);
  EXPECT_EQ(s[0].calls, 2u);
}
}  // namespace
