// The capacity ledger (models/care_ledger.hpp) on its own: waiting lists in priority order,
// served in one global order against free places, with the documented pass-over rule and the
// reopening of a pool when someone moving elsewhere frees a place.

#include <gtest/gtest.h>

#include <algorithm>

#include "models/care_ledger.hpp"
#include "tests/test_support.hpp"

namespace eldersim::care {
namespace {

using testing::facility_named;

// The small scenario with every facility emptied (no places), so tests set what they need.
struct Fixture {
  Scenario scenario = testing::small_scenario();
  Ledger ledger{scenario};
  Fixture() {
    for (std::size_t f = 0; f < ledger.facility_count(); ++f)
      ledger.set_places(f, 0, scenario.care.facilities[f].nursing_share);
    ledger.facilities_to_check();
  }
  std::size_t facility(const std::string& name) { return facility_named(scenario, name); }
  // A request for facility f from `row` with priority (klass, -level, since, id).
  std::uint32_t ask(std::uint32_t row, std::size_t f, int level, sim::Day since,
                    bool nursing = false, std::uint32_t klass = 2) {
    WaitEntry e;
    e.key = {klass, -level, since, sim::tie_break_hash(row, static_cast<std::uint64_t>(since)),
             row};
    e.row = row;
    e.mode = ledger.is_community(f) ? kCommunityCare : kInstitution;
    e.facility = static_cast<std::uint16_t>(f);
    e.nursing = nursing;
    e.since = e.counted_from = since;
    return ledger.join(e);
  }
};

TEST(CareLedger, ServesTheHighestPriorityRequestsUpToThePlaces) {
  Fixture fx;
  const std::size_t f = fx.facility("Liwan public homes");
  fx.ledger.set_places(f, 3, 0.0);  // three other beds, no nursing-type ones
  for (std::uint32_t r = 0; r < 10; ++r)
    fx.ask(r, f, static_cast<int>(r % 5), 100 + static_cast<int>(r));
  std::vector<std::uint32_t> served;
  fx.ledger.allocate([&](std::uint32_t slot) {
    served.push_back(fx.ledger.entry(slot).row);
    fx.ledger.take_bed(f, false);
    fx.ledger.leave(slot);
  });
  // Highest ADL level first (rank = -level): rows 4 and 9 (level 4), then 3 (level 3, earlier
  // than 8).
  EXPECT_EQ(served, (std::vector<std::uint32_t>{4, 9, 3}));
  EXPECT_EQ(fx.ledger.free_other(f), 0);
  EXPECT_EQ(fx.ledger.waiting_for(f), 7u);
}

TEST(CareLedger, NursingRequestsTakeOnlyNursingBedsAndOthersTakeOtherBedsFirst) {
  Fixture fx;
  const std::size_t f = fx.facility("Haizhu public homes");
  fx.ledger.set_places(f, 4, 0.5);  // two nursing-type, two other beds
  ASSERT_EQ(fx.ledger.free_nursing(f), 2);
  ASSERT_EQ(fx.ledger.free_other(f), 2);
  // In priority order: nursing, other, other, other, nursing, nursing.
  fx.ask(0, f, 4, 10, true);
  fx.ask(1, f, 3, 10);
  fx.ask(2, f, 3, 11);
  fx.ask(3, f, 3, 12);
  fx.ask(4, f, 2, 10, true);
  fx.ask(5, f, 2, 11, true);
  std::vector<std::pair<std::uint32_t, bool>> served;  // (row, nursing bed)
  fx.ledger.allocate([&](std::uint32_t slot) {
    const WaitEntry& e = fx.ledger.entry(slot);
    const bool nursing = e.nursing || fx.ledger.free_other(f) <= 0;
    served.emplace_back(e.row, nursing);
    fx.ledger.take_bed(f, nursing);
    fx.ledger.leave(slot);
  });
  // Row 0 a nursing bed; rows 1 and 2 the other beds; row 3 the last nursing bed (no other bed
  // left); rows 4 and 5 find no nursing bed.
  EXPECT_EQ(served, (std::vector<std::pair<std::uint32_t, bool>>{
                        {0, true}, {1, false}, {2, false}, {3, true}}));
  EXPECT_EQ(fx.ledger.waiting_for(f), 2u);
}

TEST(CareLedger, APlaceFreedByAMoveGoesToTheRequestsAfterTheOneThatFreedIt) {
  // Home A is full; person 1 (first in priority) holds a bed in A and moves to home B, which has
  // a free bed. The bed freed in A goes to the requests for A that come after person 1 in the
  // global order (person 2), not to a request for A that was passed over before (person 0,
  // whose turn came while A was full).
  Fixture fx;
  const std::size_t a = fx.facility("Tianhe public homes"), b = fx.facility("Tianhe private homes");
  fx.ledger.set_places(a, 1, 0.0);
  fx.ledger.set_places(b, 1, 0.0);
  fx.ledger.take_bed(a, false);             // person 1 lies in A
  fx.ask(0, a, 4, 10, false, /*klass=*/0);  // first of all, for A (full at its turn)
  fx.ask(1, b, 4, 10, false, /*klass=*/1);  // person 1 asks for B
  fx.ask(2, a, 4, 10, false, /*klass=*/2);  // after person 1, for A
  std::vector<std::uint32_t> served;
  fx.ledger.allocate([&](std::uint32_t slot) {
    const WaitEntry e = fx.ledger.entry(slot);
    served.push_back(e.row);
    fx.ledger.leave(slot);
    if (e.row == 1) fx.ledger.free_bed(a, false);  // leaves A for B: A reopens
    fx.ledger.take_bed(e.facility, false);
  });
  EXPECT_EQ(served, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(fx.ledger.waiting_for(a), 1u);  // person 0 still waits, first for the next step
}

TEST(CareLedger, HomeCareHoursServeEachRequestThatFits) {
  Fixture fx;
  Scenario& s = fx.scenario;
  const std::size_t d = testing::district_named(s, "Nansha");
  ASSERT_GT(fx.ledger.home_hours(d), 0);
  // Use all but 10 hours, then ask for 14, 8, 4 and 21 hours in that priority order: 8 fits,
  // then 4 does not (2 left); 14 and 21 never do.
  const auto used = static_cast<int>(std::floor(fx.ledger.home_hours(d))) - 10;
  fx.ledger.take_hours(d, used);
  int k = 0;
  for (int hours : {14, 8, 4, 21}) {
    WaitEntry e;
    e.key = {2, -2, 50 + k, 0, static_cast<std::uint64_t>(k)};
    e.row = static_cast<std::uint32_t>(k++);
    e.mode = kHomeCare;
    e.district = static_cast<std::uint16_t>(d);
    e.hours = static_cast<std::uint8_t>(hours);
    e.demand = static_cast<std::int16_t>(hours);
    fx.ledger.join(e);
  }
  std::vector<int> served;
  fx.ledger.allocate([&](std::uint32_t slot) {
    const WaitEntry e = fx.ledger.entry(slot);
    served.push_back(e.hours);
    fx.ledger.take_hours(d, e.hours);
    fx.ledger.leave(slot);
  });
  EXPECT_EQ(served, (std::vector<int>{8}));
  EXPECT_NEAR(fx.ledger.free_hours(d), fx.ledger.home_hours(d) - used - 8, 1e-9);
}

TEST(CareLedger, RenegeDaysRekeyAndRowsFollowACompaction) {
  Fixture fx;
  const std::size_t f = fx.facility("Huadu public homes");
  WaitEntry e;
  e.key = {2, -3, 100, 7, 70};
  e.row = 70;
  e.mode = kInstitution;
  e.facility = static_cast<std::uint16_t>(f);
  e.renege_on = 190;
  const std::uint32_t slot = fx.ledger.join(e);
  EXPECT_TRUE(fx.ledger.take_reneging(189).empty());
  EXPECT_EQ(fx.ledger.take_reneging(190), std::vector<std::uint32_t>{slot});
  EXPECT_TRUE(fx.ledger.take_reneging(200).empty()) << "taken once";
  // A request that left before its day, and a new one in its slot, are told apart.
  WaitEntry other = e;
  other.renege_on = 300;
  fx.ledger.leave(slot);
  const std::uint32_t reused = fx.ledger.join(other);
  EXPECT_EQ(reused, slot);
  e.renege_on = 250;
  const std::uint32_t second = fx.ledger.join(e);
  fx.ledger.leave(second);
  EXPECT_TRUE(fx.ledger.take_reneging(299).empty());
  EXPECT_EQ(fx.ledger.take_reneging(300), std::vector<std::uint32_t>{reused});
  fx.ledger.rekey(slot, {0, -3, 100, 7, 70});
  EXPECT_EQ(fx.ledger.entry(slot).key.klass, 0u);
  // Row 70 becomes row 3 when the rows before it are dropped.
  std::vector<std::uint32_t> to(100, sim::RowMap::kRemoved);
  to[70] = 3;
  fx.ledger.remap_rows(sim::RowMap(to));
  EXPECT_EQ(fx.ledger.entry(slot).row, 3u);
  fx.ledger.leave(slot);
  EXPECT_EQ(fx.ledger.waiting_count(), 0u);
  EXPECT_THROW(fx.ledger.leave(slot), std::logic_error);
}

}  // namespace
}  // namespace eldersim::care
