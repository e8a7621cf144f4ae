// The care system (models/care.cpp): consistency of every person's care state with the
// capacity ledger, the logit choice, inertia, priority order and first come first served.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "models/care.hpp"
#include "models/elder_model.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::facility_named;
using testing::MemorySink;
using testing::run_checking;
using testing::run_in_memory;
using testing::scenario_with;
using testing::small_scenario;

// Every living person is in exactly one consistent care state, no pool holds more than its
// capacity, the ledger's occupancy is the recount of who holds a place, and every waiting
// entry and the person it belongs to point at each other.
void expect_consistent(const ElderModel& model) {
  const Scenario& s = model.scenario();
  const People& p = model.people();
  const care::Ledger& ledger = model.care().ledger();
  const auto nf = s.care.facilities.size();
  std::vector<std::int64_t> occupied(nf, 0), nursing(nf, 0), waiting(nf, 0);
  std::vector<std::int64_t> hours(s.districts.size(), 0);
  std::size_t waiting_people = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) {
      ASSERT_EQ(p.care_mode[i], kNoCare) << "the dead hold no place";
      ASSERT_FALSE(p.waiting(i)) << "the dead wait for nothing";
      continue;
    }
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
        ASSERT_TRUE(ledger.place(p.care_facility[i]).open) << spec.name;
        occupied[p.care_facility[i]] += 1;
        if (p.care_flags[i] & kNursingBed) nursing[p.care_facility[i]] += 1;
      }
    }
    if (!p.waiting(i)) continue;
    ++waiting_people;
    const care::WaitEntry& e = ledger.entry(p.wait_slot[i]);
    ASSERT_TRUE(e.used);
    ASSERT_EQ(e.row, i) << "a waiting entry points at another person";
    ASSERT_GE(p.adl[i], s.care.choice_level);
    if (e.facility != kNoFacility) waiting[e.facility] += 1;
    // Waiting for what one has is only allowed as a transfer to a nursing-type bed or for the
    // home-care hours a new level needs.
    if (e.in_place) {
      ASSERT_EQ(e.mode, p.care_mode[i]);
      if (e.mode == kHomeCare) {
        ASSERT_NE(p.care_hours[i], e.hours);
      } else {
        ASSERT_EQ(e.facility, p.care_facility[i]);
        ASSERT_FALSE(p.care_flags[i] & kNursingBed);
        ASSERT_TRUE(e.nursing);
      }
    }
  }
  EXPECT_EQ(waiting_people, ledger.waiting_count()) << "entries nobody points at";
  for (std::size_t f = 0; f < nf; ++f) {
    const care::Place& pl = ledger.place(f);
    const std::string& name = s.care.facilities[f].name;
    EXPECT_LE(occupied[f], pl.places) << name;
    EXPECT_LE(nursing[f], pl.nursing_places) << name;
    EXPECT_LE(occupied[f] - nursing[f], pl.places - pl.nursing_places) << name;
    EXPECT_EQ(occupied[f], pl.occupied) << name;
    EXPECT_EQ(nursing[f], pl.occupied_nursing) << name;
    EXPECT_EQ(waiting[f], static_cast<std::int64_t>(ledger.waiting_for(f))) << name;
  }
  for (std::size_t d = 0; d < hours.size(); ++d) {
    EXPECT_LE(static_cast<double>(hours[d]), ledger.home_hours(d) + 1e-9);
    EXPECT_EQ(hours[d], ledger.home_hours_used(d));
  }
}

TEST(Care, EveryoneInExactlyOneStateAndNoPoolOverCapacity) {
  // Tight capacity (cut by 60% in three districts) so that waiting lists form.
  auto scenario =
      scenario_with({"simulation.end=2022-12-31", "population.scale=0.02",
                     "policy_events=[{date: 2021-06-15, set_places: {districts: [Yuexiu, Liwan, "
                     "Haizhu], percent: -60}}]"});
  ElderModel model(scenario);
  bool waited = false;
  const MemorySink sink = run_checking(model, [&](const sim::Step&) {
    expect_consistent(model);
    waited = waited || model.care().ledger().waiting_count() > 0;
  });
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
  const std::size_t haizhu = facility_named(*scenario, "Haizhu private homes");
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    expect_consistent(model);
    if (step.first_day > sim::make_day(2021, 7, 7)) {
      ASSERT_EQ(model.care().ledger().place(haizhu).occupied, 0) << "a closed home is empty";
      ASSERT_EQ(model.care().ledger().waiting_for(haizhu), 0u) << "and has no waiting list";
    }
  });
  std::int64_t moved = 0;
  for (const auto& row : sink.ints.at("new_migrants_out")) moved += row[0];
  EXPECT_GT(moved, 0);
  // With no lag, the supply response changed some homes' places.
  std::int64_t first = 0, last = 0;
  for (auto x : sink.ints.at("n_places_by_facility").front()) first += x;
  for (auto x : sink.ints.at("n_places_by_facility").back()) last += x;
  EXPECT_NE(first, last);
}

// Institution residents, and admissions to every mode, citywide, per period.
std::vector<std::int64_t> citywide(const MemorySink& sink, const std::string& series) {
  std::vector<std::int64_t> out;
  for (const auto& row : sink.ints.at(series))
    out.push_back(std::accumulate(row.begin(), row.end(), std::int64_t{0}));
  return out;
}

TEST(CareWarmUp, LeavesThePopulationAsSynthesisedAndTheLedgerConsistent) {
  const auto cold =
      scenario_with({"population.scale=0.02", "simulation.end=2020-01-31", "care.warm_up_years=0"});
  const auto warm =
      scenario_with({"population.scale=0.02", "simulation.end=2020-01-31", "care.warm_up_years=5"});
  ElderModel a(cold), b(warm);
  a.step();
  b.step();
  expect_consistent(b);
  // The sweep's draws do not depend on care: the same people, alive at the same levels.
  const People &pa = a.people(), &pb = b.people();
  ASSERT_EQ(pa.size(), pb.size());
  std::int64_t in_homes_cold = 0, in_homes_warm = 0, waits_before_start = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa.id[i], pb.id[i]);
    ASSERT_EQ(pa.alive[i], pb.alive[i]);
    ASSERT_EQ(pa.adl[i], pb.adl[i]);
    ASSERT_EQ(pa.birth_day[i], pb.birth_day[i]);
    ASSERT_EQ(pa.district[i], pb.district[i]);
    in_homes_cold += pa.care_mode[i] == kInstitution;
    in_homes_warm += pb.care_mode[i] == kInstitution;
  }
  // Residents of the warm-up stay in their homes (inertia): more than one step's choice holds.
  EXPECT_GT(in_homes_warm, in_homes_cold * 11 / 10);
  // Some waits began in the warm-up, before the start.
  for (std::size_t i = 0; i < pb.size(); ++i)
    if (pb.wait_slot[i] != kNoSlot)
      waits_before_start +=
          b.care().ledger().entry(pb.wait_slot[i]).since < warm->simulation.calendar.start;
  EXPECT_GT(waits_before_start, 0);
}

TEST(CareWarmUp, ResidentsTurnOverAtTheirDeathRate) {
  // Residents who die in the warm-up are replaced by people who choose afresh, so the time the
  // residents of the start have held their place is set by mortality: with deaths 50 times
  // rarer, they would have held it much longer.
  const auto years_in_place = [](const std::string& improvement) {
    ElderModel model(scenario_with({"population.scale=0.05", "simulation.end=2020-01-31",
                                    "mortality.improvement=" + improvement}));
    model.step();
    const People& p = model.people();
    const sim::Day start = model.scenario().simulation.calendar.start;
    double years = 0;
    int residents = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p.alive[i] && p.care_mode[i] == kInstitution && p.care_since[i] < start) {
        years += (start - p.care_since[i]) / 365.25;
        ++residents;
      }
    EXPECT_GT(residents, 100);
    return years / residents;
  };
  const double as_configured = years_in_place("0.39"), rare_deaths = years_in_place("0.0078");
  // Residents also leave alive (about 0.4 a year against 0.09 deaths, docs/validation.md
  // "Turnover"), so deaths set only part of the time held; the standard error of each mean is
  // about 2% here.
  EXPECT_LT(as_configured, 0.9 * rare_deaths) << as_configured << " against " << rare_deaths;
  EXPECT_GT(as_configured, 1.0);  // residents stay years, not weeks (inertia)
}

TEST(CareWarmUp, TheCareSystemDoesNotFillAfterTheStart) {
  // Without a warm-up everyone in need chooses on the first day into empty homes: the first
  // quarter's admissions come to more than a year's, and residents keep rising through the year.
  // After the warm-up the first quarter is a quarter of the second year, and residents move
  // with demand only.
  for (const double years : {0.0, 10.0}) {
    const auto scenario =
        scenario_with({"population.scale=0.05", "simulation.end=2021-12-31",
                       "care.warm_up_years=" + std::to_string(years), "trends=[]"});
    ElderModel model(scenario);
    const MemorySink sink = run_in_memory(model);
    const auto residents = citywide(sink, "n_institution");
    const auto admissions = citywide(sink, "new_admissions");
    const auto sum = [&](std::size_t from, std::size_t to) {
      return std::accumulate(admissions.begin() + static_cast<std::ptrdiff_t>(from),
                             admissions.begin() + static_cast<std::ptrdiff_t>(to), std::int64_t{0});
    };
    const double first_quarter = static_cast<double>(sum(0, 3));
    const double second_year = static_cast<double>(sum(12, 24));
    const double rise = static_cast<double>(residents[11]) / static_cast<double>(residents[0]);
    if (years == 0) {
      EXPECT_GT(first_quarter, 0.6 * second_year) << "the transient this test guards against";
      EXPECT_GT(rise, 1.1);
    } else {
      EXPECT_NEAR(first_quarter / (second_year / 4), 1.0, 0.2);
      EXPECT_NEAR(rise, 1.0, 0.04);
    }
  }
}

TEST(Care, InertiaKeepsResidentsInTheirOwnHome) {
  // Staying in the held home is its own alternative with the inertia bonus; the other homes'
  // weights are unchanged.
  const Scenario s = small_scenario();
  const care::Ledger ledger(s);
  const care::ChoiceModel choices(s);
  const std::size_t home = facility_named(s, "Liwan private homes");
  care::Chooser c;
  c.district = 2;
  c.level = 3;
  const care::ChoiceSet free = choices.choice_set(c, ledger, s.programmes);
  c.current = kInstitution;
  c.current_facility = static_cast<int>(home);
  const care::ChoiceSet held = choices.choice_set(c, ledger, s.programmes);
  ASSERT_EQ(free.institution.size(), held.institution.size());
  double total = 0;
  for (std::size_t f = 0; f < s.care.facilities.size(); ++f)
    if (s.care.facilities[f].type == FacilityType::kInstitution && ledger.place(f).places > 0)
      total += static_cast<double>(ledger.place(f).places);
  bool seen = false;
  for (std::size_t k = 0; k < held.institution.size(); ++k) {
    const double ratio = held.institution[k].second / free.institution[k].second;
    if (held.institution[k].first != static_cast<int>(home)) {
      EXPECT_NEAR(ratio, 1.0, 1e-12);
      continue;
    }
    // Staying: exp(V_f + inertia) instead of (share of places) * exp(V_f).
    seen = true;
    EXPECT_NEAR(
        ratio,
        std::exp(s.care.choice.inertia) * total / static_cast<double>(ledger.place(home).places),
        1e-9);
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(held.utility[kHomeCare], free.utility[kHomeCare]);
}

TEST(Care, DrawsFollowTheChoiceSetWithTheHeldHomeAdjusted) {
  // The cached, binary-searched draw gives each mode and facility its logit probability, also
  // with a held home (its inertia weight replaces its share weight) and an excluded mode.
  const Scenario s = small_scenario();
  const care::Ledger ledger(s);
  care::ChoiceModel choices(s);
  care::Chooser c;
  c.district = 4;
  c.level = 2;
  c.income = kHighIncome;
  c.current = kInstitution;
  c.current_facility = static_cast<int>(facility_named(s, "Baiyun public homes"));
  for (const CareMode excluded : {kNoCare, kHomeCare}) {
    c.excluded = excluded;
    choices.prepare({&c, 1}, ledger, s.programmes, 0);
    const care::ChoiceSet set = choices.choice_set(c, ledger, s.programmes);
    const auto p = care::mode_probabilities(set);
    double institution_total = 0;
    for (const auto& [f, w] : set.institution) institution_total += w;
    std::array<double, kCareModes> modes{};
    std::map<int, double> homes;
    const int n = 200'000;
    for (int k = 0; k < n; ++k) {
      sim::RandomStream rng(3, static_cast<std::uint64_t>(k), 0, 5);
      const care::Choice got = choices.draw(c, rng);
      modes[got.mode] += 1.0 / n;
      if (got.mode == kInstitution) homes[got.facility] += 1.0 / n;
    }
    for (std::size_t m = 0; m < kCareModes; ++m)
      EXPECT_NEAR(modes[m], p[m], 5 * std::sqrt(p[m] * (1 - p[m]) / n) + 1e-12) << m;
    if (excluded == kHomeCare) {
      EXPECT_EQ(modes[kHomeCare], 0.0);
    }
    for (const auto& [f, w] : set.institution) {
      const double q = p[kInstitution] * w / institution_total;
      EXPECT_NEAR(homes[f], q, 5 * std::sqrt(q * (1 - q) / n) + 1e-12) << s.care.facilities[f].name;
    }
  }
}

TEST(Care, UnlimitedCapacityReproducesTheLogitProbabilities) {
  // First step: everyone in need chooses (no one holds care yet); with unlimited places each
  // choice is served, so the counts per mode must match the sum of the logit probabilities.
  auto scenario =
      scenario_with({"care.unlimited_capacity=true", "health.enabled=false", "population.scale=0.1",
                     "care.choice_level=1", "care.warm_up_years=0"});
  ElderModel model(scenario);
  const sim::Step first = model.calendar().step(0);
  // The choices are made against the offer and programmes at the start.
  const care::Ledger before(*scenario);
  const care::ChoiceModel choices(*scenario);
  model.step();
  const People& p = model.people();
  std::array<double, kCareModes> expected{}, variance{}, observed{};
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i] || p.adl[i] < scenario->care.choice_level) continue;
    care::Chooser c;
    c.district = p.district[i];
    c.level = p.adl[i];
    c.income = income_of(p.traits[i]);
    c.living_alone = living_of(p.traits[i]) == kAlone;
    c.groups = target_groups(p, i, first.first_day);
    c.age_80_plus = c.groups & kGroupOldestOld;
    c.ltc_enrolled = ltc_enrolled(scenario->simulation.seed, p.id[i], scenario->programmes.ltc);
    const auto probabilities =
        care::mode_probabilities(choices.choice_set(c, before, scenario->programmes));
    for (std::size_t m = 0; m < kCareModes; ++m) {
      expected[m] += probabilities[m];
      variance[m] += probabilities[m] * (1 - probabilities[m]);
    }
    observed[p.care_mode[i]] += 1;
  }
  for (std::size_t m = 0; m < kCareModes; ++m) {
    EXPECT_GT(expected[m], 30.0) << "mode " << m << " too rare to test";
    EXPECT_NEAR(observed[m], expected[m], 4 * std::sqrt(variance[m])) << "mode " << m;
  }
}

TEST(Care, CapacityXServesExactlyXHighestPriorityFirst) {
  // Institutions made very attractive and limited to 40 places in one home; everything else off.
  std::vector<std::string> o{"care.choice.constant={home: -30, community: -30, institution: 10}",
                             "care.choice.travel_per_10_minutes=0", "population.scale=0.05",
                             "care.warm_up_years=0"};
  Scenario s = small_scenario(o);
  const std::size_t target = facility_named(s, "Yuexiu private homes");
  // All beds nursing-type, so every request can use every bed and the order alone decides.
  for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
    s.care.facilities[f].places = f == target ? 800 : 0;
    s.care.facilities[f].nursing_share = 1.0;
  }
  auto scenario = std::make_shared<const Scenario>(s);
  ElderModel model(scenario);
  const sim::Step first = model.calendar().step(0);
  model.step();
  const People& p = model.people();
  const care::Ledger& ledger = model.care().ledger();
  ASSERT_EQ(ledger.place(target).places, 40);  // 800 * 0.05
  EXPECT_EQ(ledger.place(target).occupied, 40);
  // Everyone admitted outranks everyone still waiting: compare the priority keys.
  std::optional<sim::Priority> worst_admitted, best_waiting;
  int admitted = 0, waiting = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i]) continue;
    if (p.care_mode[i] == kInstitution) {
      ++admitted;
      const bool targeted = p.traits[i] & (kNoFamilySupport | kLowIncomeHousehold);
      const sim::Priority key{
          targeted ? 1u : 2u, -p.adl[i], first.first_day,
          sim::tie_break_hash(p.id[i], static_cast<std::uint64_t>(first.first_day)), p.id[i]};
      worst_admitted = std::max(worst_admitted.value_or(key), key);
    } else if (p.waiting(i) && ledger.entry(p.wait_slot[i]).mode == kInstitution) {
      ++waiting;
      const sim::Priority key = ledger.entry(p.wait_slot[i]).key;
      best_waiting = std::min(best_waiting.value_or(key), key);
    }
  }
  EXPECT_EQ(admitted, 40);
  EXPECT_GT(waiting, 100);
  ASSERT_TRUE(worst_admitted && best_waiting);
  EXPECT_LT(*worst_admitted, *best_waiting);
  EXPECT_EQ(worst_admitted->klass, 1u) << "targeted people come first and fill the 40 places";
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
  // Who waited for a home before each step, since when, at which ADL level and whether in
  // hospital. People whose level changed in the step are left out (their key changes when they
  // choose again), and so are patients: one leaving hospital takes a bed freed during the
  // hospital step at once, ahead of the list (the discharge rule, docs/config.md section 7.11).
  struct Before {
    sim::Day since;
    int level;
    bool in_hospital;
  };
  std::map<std::uint64_t, Before> before;
  const auto key = [](const People& p, std::size_t i, sim::Day since) {
    return sim::Priority{2u, -p.adl[i], since,
                         sim::tie_break_hash(p.id[i], static_cast<std::uint64_t>(since)), p.id[i]};
  };
  run_checking(model, [&](const sim::Step& step) {
    const People& p = model.people();
    const care::Ledger& ledger = model.care().ledger();
    std::optional<sim::Priority> worst_admitted, best_waiting;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i]) continue;
      const auto was = before.find(p.id[i]);
      if (was == before.end() || was->second.level != p.adl[i] || was->second.in_hospital) continue;
      if (p.care_mode[i] == kInstitution && p.care_since[i] == step.first_day)
        worst_admitted = std::max(worst_admitted.value_or(key(p, i, was->second.since)),
                                  key(p, i, was->second.since));
      if (p.waiting(i) && ledger.entry(p.wait_slot[i]).mode == kInstitution) {
        const sim::Priority& k = ledger.entry(p.wait_slot[i]).key;
        EXPECT_EQ(k, key(p, i, ledger.entry(p.wait_slot[i]).since))
            << "the stored key is the documented one";
        best_waiting = std::min(best_waiting.value_or(k), k);
      }
    }
    if (worst_admitted && best_waiting) {
      EXPECT_LT(*worst_admitted, *best_waiting) << "step " << step.index;
      ++checked;
    }
    before.clear();
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p.alive[i] && p.waiting(i) && ledger.entry(p.wait_slot[i]).mode == kInstitution)
        before[p.id[i]] = {ledger.entry(p.wait_slot[i]).since, p.adl[i], p.stay[i] != kNoSlot};
  });
  EXPECT_GT(checked, 5) << "too few admissions from the waiting list to test the order";
}

}  // namespace
}  // namespace eldersim
