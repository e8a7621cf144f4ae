#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "models/care.hpp"
#include "models/world.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::MemorySink;
using testing::run_in_memory;
using testing::small_scenario;

using testing::scenario_with;

// Every living person is in exactly one consistent care state, and no pool holds more than its
// capacity; the engine's own occupancy census agrees with a recount.
void expect_consistent(const ElderModel& model) {
  const World& w = model.world();
  const Scenario& s = *w.scenario;
  const People& p = w.people;
  const auto nf = s.care.facilities.size();
  std::vector<std::int64_t> occupied(nf, 0), nursing(nf, 0);
  std::vector<double> hours(s.districts.size(), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    ASSERT_LT(p.care_mode[i], kCareModes);
    switch (p.care_mode[i]) {
      case kNoCare:
        ASSERT_EQ(p.care_facility[i], kNoFacility);
        break;
      case kHomeCare:
        ASSERT_EQ(p.care_facility[i], kNoFacility);
        ASSERT_GT(p.care_hours[i], 0);
        hours[p.district[i]] += p.care_hours[i];
        break;
      default: {
        ASSERT_LT(p.care_facility[i], nf);
        const auto& spec = s.care.facilities[p.care_facility[i]];
        ASSERT_EQ(spec.type == FacilityType::kCommunity, p.care_mode[i] == kCommunityCare);
        ASSERT_TRUE(w.care.facilities[p.care_facility[i]].open);
        occupied[p.care_facility[i]] += 1;
        if (p.care_flags[i] & kNursingBed) nursing[p.care_facility[i]] += 1;
      }
    }
    if (p.wait_mode[i] != kNoCare) {
      ASSERT_GE(p.adl[i], s.care.choice_level);
      // Waiting for what one has is only allowed as a transfer to a nursing-type bed or for
      // the home-care hours a new level needs.
      if (p.wait_mode[i] == p.care_mode[i] && p.wait_facility[i] == p.care_facility[i]) {
        if (p.care_mode[i] == kHomeCare) {
          ASSERT_LT(p.care_hours[i], s.care.home.hours_per_week_by_level[p.adl[i]]);
        } else {
          ASSERT_EQ(p.care_mode[i], kInstitution);
          ASSERT_FALSE(p.care_flags[i] & kNursingBed);
          ASSERT_GE(p.adl[i], s.care.nursing_level);
        }
      }
    }
  }
  for (std::size_t f = 0; f < nf; ++f) {
    const auto& fs = w.care.facilities[f];
    EXPECT_LE(occupied[f], fs.places) << s.care.facilities[f].name;
    EXPECT_LE(nursing[f], fs.nursing_places) << s.care.facilities[f].name;
    EXPECT_LE(occupied[f] - nursing[f], fs.places - fs.nursing_places) << s.care.facilities[f].name;
    EXPECT_EQ(occupied[f], w.care.occupied[f]) << s.care.facilities[f].name;
  }
  for (std::size_t d = 0; d < hours.size(); ++d) {
    EXPECT_LE(hours[d], w.care.home_hours[d] + 1e-9);
    EXPECT_DOUBLE_EQ(hours[d], w.care.home_hours_used[d]);
  }
}

TEST(Care, EveryoneInExactlyOneStateAndNoPoolOverCapacity) {
  // Tight capacity (a quarter of the beds and hours) so that waiting lists form.
  auto scenario =
      scenario_with({"simulation.end=2022-12-31", "population.scale=0.02",
                     "policy_events=[{date: 2021-06-15, set_places: {districts: [Yuexiu, Liwan, "
                     "Haizhu], percent: -60}}]"});
  ElderModel model(scenario);
  MemorySink sink;
  bool waited = false;  // some waiting list forms (any service)
  for (const auto& step : model.calendar().steps()) {
    model.step(step);
    expect_consistent(model);
    if (step.ends_period) model.record_period(step.period, sink);
    for (auto m : model.world().people.wait_mode) waited = waited || m != kNoCare;
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_TRUE(waited);
  // Stocks add up: every living person in exactly one mode.
  const auto& alive = sink.ints.at("n_alive");
  for (std::size_t t = 0; t < alive.size(); ++t)
    for (std::size_t d = 0; d < 11; ++d)
      EXPECT_EQ(alive[t][d], sink.ints.at("n_home")[t][d] + sink.ints.at("n_community")[t][d] +
                                 sink.ints.at("n_institution")[t][d] +
                                 sink.ints.at("n_no_care")[t][d]);
}

TEST(Care, InvariantsHoldWithMovesClosuresAndSupplyResponse) {
  auto scenario = scenario_with(
      {"simulation.end=2023-12-31", "population.scale=0.02",
       "migration=[{from: Yuexiu, to: Nansha, annual_rate: 0.05}, {from: Haizhu, to: Tianhe, "
       "annual_rate: 0.05}]",
       "care.facilities.Haizhu private homes.closes=2021-06-30",
       "care.facilities.Tianhe community centres.closes=2022-02-10",
       "care.supply_response={enabled: true, lag_days: 0, review_days: 30}"});
  ElderModel model(scenario);
  MemorySink sink;
  for (const auto& step : model.calendar().steps()) {
    model.step(step);
    expect_consistent(model);
    if (::testing::Test::HasFatalFailure()) return;
    if (step.ends_period) model.record_period(step.period, sink);
  }
  std::int64_t moved = 0;
  for (const auto& row : sink.ints.at("new_migrants_out")) moved += row[0];
  EXPECT_GT(moved, 0);
  // With no lag, the supply response changed some homes' places.
  std::int64_t first = 0, last = 0;
  for (auto x : sink.ints.at("facility_places").front()) first += x;
  for (auto x : sink.ints.at("facility_places").back()) last += x;
  EXPECT_NE(first, last);
}

TEST(Care, InertiaKeepsResidentsInTheirOwnHome) {
  // Staying in the held home is its own alternative with the inertia bonus; the other homes'
  // weights are unchanged.
  const Scenario s = small_scenario();
  const CareState state = initial_care_state(s);
  Chooser c;
  c.district = 2;
  c.level = 3;
  const ChoiceSet free = choice_set(s, state, c);
  c.current = kInstitution;
  c.current_facility = 7;
  const ChoiceSet held = choice_set(s, state, c);
  ASSERT_EQ(free.institution.size(), held.institution.size());
  for (std::size_t k = 0; k < held.institution.size(); ++k) {
    const double ratio = held.institution[k].second / free.institution[k].second;
    if (held.institution[k].first != 7) {
      EXPECT_NEAR(ratio, 1.0, 1e-12);
      continue;
    }
    // Staying: exp(V_f + inertia) instead of (share of places) * exp(V_f).
    double total = 0;
    for (std::size_t f = 0; f < s.care.facilities.size(); ++f)
      if (s.care.facilities[f].type == FacilityType::kInstitution)
        total += static_cast<double>(state.facilities[f].places);
    EXPECT_NEAR(ratio, std::exp(s.care.choice.inertia) * total / static_cast<double>(state.facilities[7].places), 1e-9);
  }
  EXPECT_EQ(held.utility[kHomeCare], free.utility[kHomeCare]);
}

TEST(Care, UnlimitedCapacityReproducesTheLogitProbabilities) {
  // First step: everyone in need chooses (no one holds care yet); with unlimited places each
  // choice is served, so the counts per mode must match the sum of the logit probabilities.
  auto scenario = scenario_with({"care.unlimited_capacity=true", "health.enabled=false",
                                 "population.scale=0.1", "care.choice_level=1"});
  ElderModel model(scenario);
  const sim::Step& first = model.calendar().step(0);
  model.step(first);
  const World& w = model.world();
  const People& p = w.people;
  std::array<double, kCareModes> expected{}, variance{}, observed{};
  CareState before = initial_care_state(*scenario);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i] || p.adl[i] < scenario->care.choice_level) continue;
    Chooser c;
    c.district = p.district[i];
    c.level = p.adl[i];
    c.income = p.income[i];
    c.living_alone = p.living[i] == kAlone;
    c.groups = target_groups(p, i, first.first_day);
    c.age_80_plus = c.groups & kGroupOldestOld;
    c.ltc_enrolled = ltc_enrolled(w.seed, p.id[i], before.programme.ltc.enrolment_share);
    const auto probabilities = mode_probabilities(choice_set(*scenario, before, c));
    for (int m = 0; m < kCareModes; ++m) {
      expected[m] += probabilities[m];
      variance[m] += probabilities[m] * (1 - probabilities[m]);
    }
    observed[p.care_mode[i]] += 1;
  }
  for (int m = 0; m < kCareModes; ++m) {
    EXPECT_GT(expected[m], 30.0) << "mode " << m << " too rare to test";
    EXPECT_NEAR(observed[m], expected[m], 4 * std::sqrt(variance[m])) << "mode " << m;
  }
}

TEST(Care, CapacityXServesExactlyXHighestPriorityFirst) {
  // Institutions made very attractive and limited to 40 places in one home; everything else off.
  std::vector<std::string> o{"care.choice.constant={home: -30, community: -30, institution: 10}",
                             "care.choice.travel_per_10_minutes=0", "population.scale=0.05"};
  auto base = small_scenario(o);
  const int target = 1;  // Yuexiu private homes
  Scenario s = base;
  // All beds nursing-type, so every request can use every bed and the order alone decides.
  for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
    s.care.facilities[f].places = static_cast<int>(f) == target ? 800 : 0;
    s.care.facilities[f].nursing_share = 1.0;
  }
  auto scenario = std::make_shared<const Scenario>(s);
  ElderModel model(scenario);
  const sim::Step& first = model.calendar().step(0);
  model.step(first);
  const World& w = model.world();
  const People& p = w.people;
  ASSERT_EQ(w.care.facilities[target].places, 40);  // 800 * 0.05
  EXPECT_EQ(w.care.occupied[target], 40);
  // Everyone admitted outranks everyone still waiting: compare the priority keys.
  std::optional<sim::Priority> worst_admitted, best_waiting;
  int admitted = 0, waiting = 0;
  const auto key = [&](std::size_t i) {
    const bool targeted = p.flags[i] & (kNoFamilySupport | kLowIncomeHousehold);
    return sim::Priority{targeted ? 0u : 1u, -p.adl[i], first.first_day,
                         sim::tie_break_hash(p.id[i], 0), p.id[i]};
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    if (p.care_mode[i] == kInstitution) {
      ++admitted;
      worst_admitted = std::max(worst_admitted.value_or(key(i)), key(i));
    } else if (p.wait_mode[i] == kInstitution) {
      ++waiting;
      best_waiting = std::min(best_waiting.value_or(key(i)), key(i));
    }
  }
  EXPECT_EQ(admitted, 40);
  EXPECT_GT(waiting, 100);
  ASSERT_TRUE(worst_admitted && best_waiting);
  EXPECT_LT(*worst_admitted, *best_waiting);
  EXPECT_EQ(worst_admitted->klass, 0u) << "targeted people come first and fill the 40 places";
}

TEST(Care, WaitingListIsFirstComeFirstServedWithinAPriorityClass) {
  // A small home, heavy demand, all beds nursing-type; each step, nobody admitted from the list
  // may have asked later than someone of the same class and ADL level still waiting.
  Scenario s =
      small_scenario({"population.scale=0.05", "simulation.end=2021-12-31",
                      "care.choice.constant={home: -30, community: -30, institution: 2}",
                      "care.priority_to_targeted=false", "care.renege_days.institution=3000"});
  for (auto& f : s.care.facilities) {
    f.places = f.name == "Haizhu public homes" ? 1200 : 0;
    f.nursing_share = 1.0;
  }
  auto scenario = std::make_shared<const Scenario>(s);
  ElderModel model(scenario);
  int checked = 0;
  for (const auto& step : model.calendar().steps()) {
    model.step(step);
    const People& p = model.world().people;
    // Everyone admitted in this step outranks everyone left waiting: higher ADL level first,
    // then the earlier request (first come, first served), then the tie-break hash.
    const auto key = [&](std::size_t i) {
      return sim::Priority{1u, -p.adl[i], p.wait_since[i],
                           sim::tie_break_hash(p.id[i], static_cast<std::uint64_t>(step.index)),
                           p.id[i]};
    };
    std::optional<sim::Priority> worst_admitted, best_waiting;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i]) continue;
      if (p.care_mode[i] == kInstitution && p.care_since[i] == step.first_day)
        worst_admitted = std::max(worst_admitted.value_or(key(i)), key(i));
      if (p.wait_mode[i] == kInstitution)
        best_waiting = std::min(best_waiting.value_or(key(i)), key(i));
    }
    if (worst_admitted && best_waiting) {
      EXPECT_LT(*worst_admitted, *best_waiting) << "step " << step.index;
      checked += worst_admitted->since < step.first_day;  // an admission from the list
    }
    if (step.ends_period) {
      MemorySink sink;
      model.record_period(step.period, sink);
    }
  }
  EXPECT_GT(checked, 5) << "too few admissions from the waiting list to test the order";
}

}  // namespace
}  // namespace eldersim
