// Community services beyond day-care places (models/community_services.cpp) and the second
// choice of applicants whose home or centre is full (models/care_choice.cpp).

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>

#include "models/care.hpp"
#include "models/community_services.hpp"
#include "models/elder_model.hpp"
#include "models/finance.hpp"
#include "models/random_events.hpp"
#include "sim/rng.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::district_named;
using testing::facility_named;
using testing::MemorySink;
using testing::run_in_memory;
using testing::scenario_with;
using testing::small_scenario;

std::int64_t sum_row(const std::vector<std::int64_t>& row) {
  return std::accumulate(row.begin(), row.end(), std::int64_t{0});
}

TEST(CommunityServices, MealPricesFollowTheFirstMatchingGroupAndRegistration) {
  const Scenario s = small_scenario();
  const MealSubsidySpec& m = s.programmes.meals;
  ASSERT_EQ(m.meal_price, 12);
  EXPECT_EQ(m.elder_price(kGroupLowIncome | kGroupOldestOld, true).first, 1);
  EXPECT_EQ(m.elder_price(kGroupOldestOld, true).first, 3);
  EXPECT_EQ(m.elder_price(kGroupLivingAlone, true).first, 5);
  EXPECT_EQ(m.elder_price(0, true).second, 3);  // the fourth tier
  EXPECT_EQ(m.elder_price(kGroupLowIncome, false), std::make_pair(12.0, -1));
  MealSubsidySpec everyone = m;
  everyone.registered_only = false;
  EXPECT_EQ(everyone.elder_price(kGroupLowIncome, false).first, 1);
}

TEST(CommunityServices, CanteenUseFallsWithPriceWalkAndHeavyDisability) {
  const Scenario s = small_scenario();
  const CommunityServices services(s);
  const MealSubsidySpec& meals = s.programmes.meals;
  const int yuexiu = static_cast<int>(district_named(s, "Yuexiu"));
  const int conghua = static_cast<int>(district_named(s, "Conghua"));
  const auto p = [&](int d, int level, std::uint8_t groups, bool registered) {
    return services.canteen_probability(d, level, groups, registered, meals);
  };
  EXPECT_GT(p(yuexiu, 0, kGroupLowIncome, true), p(yuexiu, 0, 0, true));  // pays 1, not 5
  EXPECT_GT(p(yuexiu, 0, 0, true), p(yuexiu, 0, 0, false));               // pays 5, not 12
  EXPECT_GT(p(yuexiu, 0, 0, true), p(conghua, 0, 0, true));               // a shorter walk
  EXPECT_GT(p(yuexiu, 1, 0, true), p(yuexiu, 4, 0, true));
  EXPECT_GT(p(yuexiu, 0, kGroupLivingAlone, true), p(yuexiu, 0, 0, true));
  // The logit itself, for one class.
  const CanteenSpec& c = s.care.community_services.canteens;
  const double v = c.constant + c.per_level[2] + c.age_80_plus + c.per_yuan_paid * 3 +
                   c.per_10_walk_minutes * c.walk_minutes[static_cast<std::size_t>(conghua)] / 10;
  EXPECT_NEAR(p(conghua, 2, kGroupOldestOld, true), 1 / (1 + std::exp(-v)), 1e-12);
}

// The period-end counts of a short run, their invariants and the meals' cost.
TEST(CommunityServices, CountsAddUpAndMealsAreBookedAtTheirPrice) {
  // Everyone pays 5 of 12 yuan: the government's part is exactly 7 yuan a meal.
  auto scenario = scenario_with(
      {"simulation.end=2020-12-31", "population.scale=0.05",
       "programmes.meals={meal_price: 12, registered_only: false, elder_pays: [{pays: 5}]}"});
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& users = sink.ints.at("n_community_services");
  const auto& any = sink.ints.at("n_community_9064");
  const auto& community = sink.ints.at("n_community");
  const auto& institution = sink.ints.at("n_institution");
  const auto& alive = sink.ints.at("n_alive");
  const auto& meals = sink.doubles.at("new_canteen_meals");
  const auto& government = sink.doubles.at("new_government_spending");
  const auto& share_home = sink.doubles.at("share_home_9064");
  const auto& share_community = sink.doubles.at("share_community_9064");
  const auto& share_institution = sink.doubles.at("share_institution");
  const std::size_t nd = 11;
  ASSERT_EQ(users.size(), 12u);
  std::int64_t diners = 0, visitors = 0, purchased = 0;
  for (std::size_t t = 0; t < users.size(); ++t) {
    const int days = t == 1 ? 29 : (t == 3 || t == 5 || t == 8 || t == 10 ? 30 : 31);
    double meals_month = 0;
    double meals_yuan = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      const auto u = [&](CommunityService k) { return users[t][d * kCommunityServices + k]; };
      // Day care is the care system's count; anyone counted once, at least as often as any one
      // service and at most as often as all of them.
      EXPECT_EQ(u(kDayCare), community[t][d]);
      EXPECT_GE(any[t][d],
                std::max({u(kDayCare), u(kCanteen), u(kCentreVisit), u(kPurchasedVisit)}));
      EXPECT_LE(any[t][d], u(kDayCare) + u(kCanteen) + u(kCentreVisit) + u(kPurchasedVisit));
      EXPECT_LE(any[t][d] + institution[t][d], alive[t][d]);
      EXPECT_NEAR(share_home[t][d] + share_community[t][d] + share_institution[t][d], 1, 1e-12);
      EXPECT_NEAR(meals[t][d], static_cast<double>(u(kCanteen)) * 4 * days / 7.0, 1e-9);
      meals_month += meals[t][d];
      meals_yuan += government[t][d * kGovernmentSpendingTypes + kMeals];
      diners += u(kCanteen), visitors += u(kCentreVisit), purchased += u(kPurchasedVisit);
    }
    // 7 yuan a meal, 4 meals a week: 4 x days yuan a diner, whole yuan, so exact.
    EXPECT_NEAR(meals_yuan, meals_month * 7, 1e-6 * meals_yuan) << t;
  }
  EXPECT_GT(diners, 0);
  EXPECT_GT(visitors, 0);
  EXPECT_GT(purchased, 0);
  // The last period recounted from the people by the rules of docs/config.md section 7.15.
  const Scenario& s = *scenario;
  const People& p = model.people();
  const sim::Day day = model.calendar().period(model.calendar().n_periods() - 1).last_day;
  const CommunityServices rules(s);
  std::vector<std::int64_t> count(nd * kCommunityServices, 0), once(nd, 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.alive[i] || p.care_mode[i] == kInstitution) continue;
    const std::uint8_t groups = target_groups(p, i, day);
    const bool at_home = p.care_mode[i] != kCommunityCare && !p.in_hospital(i);
    const bool used[kCommunityServices] = {
        p.care_mode[i] == kCommunityCare,
        at_home && sim::fixed_uniform(s.simulation.seed, p.id[i], kind(RandomEvent::kCanteen)) <
                       rules.canteen_probability(p.district[i], p.adl[i], groups,
                                                 p.traits[i] & kRegistered, s.programmes.meals),
        at_home && sim::fixed_uniform(s.simulation.seed, p.id[i], kind(RandomEvent::kCentreVisit)) <
                       s.care.community_services.centre_visits.share_by_level[p.adl[i]],
        p.care_mode[i] == kHomeCare && in_groups(groups, kGroupNoFamilySupport)};
    for (int k = 0; k < kCommunityServices; ++k)
      count[p.district[i] * kCommunityServices + static_cast<std::size_t>(k)] += used[k];
    once[p.district[i]] += used[0] || used[1] || used[2] || used[3];
  }
  EXPECT_EQ(count, users.back());
  EXPECT_EQ(once, any.back());
}

TEST(CommunityServices, CheaperMealsAddDinersAndKeepEveryoneWhoDinedAlready) {
  // The same people (common random numbers): free meals for the registered 60+ can only add
  // diners, district by district; the day-care count does not move.
  const std::vector<std::string> base{"simulation.end=2020-03-31", "population.scale=0.05"};
  std::vector<std::string> free_meals = base;
  free_meals.emplace_back("programmes.meals.elder_pays=[{pays: 0}]");
  ElderModel a(scenario_with(base)), b(scenario_with(free_meals));
  const MemorySink sa = run_in_memory(a), sb = run_in_memory(b);
  const auto& ua = sa.ints.at("n_community_services");
  const auto& ub = sb.ints.at("n_community_services");
  std::int64_t more = 0;
  for (std::size_t d = 0; d < 11; ++d) {
    EXPECT_GE(ub.back()[d * kCommunityServices + kCanteen],
              ua.back()[d * kCommunityServices + kCanteen]);
    EXPECT_EQ(ub.back()[d * kCommunityServices + kDayCare],
              ua.back()[d * kCommunityServices + kDayCare]);
    more +=
        ub.back()[d * kCommunityServices + kCanteen] - ua.back()[d * kCommunityServices + kCanteen];
  }
  EXPECT_GT(more, 0);
}

TEST(SecondChoice, TakesAHomeWithRoomWithinTheLossOrNone) {
  Scenario s = small_scenario();
  care::Ledger ledger(s);
  care::ChoiceModel choices(s);
  care::Chooser c;
  c.district = static_cast<int>(district_named(s, "Yuexiu"));
  c.level = 1;
  const auto first_home = static_cast<std::uint16_t>(facility_named(s, "Yuexiu public homes"));
  // Filled as the allocation fills a home: other beds first, then nursing-type ones.
  while (ledger.has_room(first_home, false))
    ledger.take_bed(first_home, ledger.free_other(first_home) <= 0);
  choices.prepare({&c, 1}, ledger, s.programmes, 0);
  const care::ChoiceSet set = choices.choice_set(c, ledger, s.programmes);
  // exp(V_f) = weight / share of places.
  double places = 0;
  for (const auto& [f, w] : set.institution) places += static_cast<double>(ledger.place(f).places);
  std::map<int, double> value, weight;
  for (const auto& [f, w] : set.institution) {
    value[f] = std::log(w * places / static_cast<double>(ledger.place(f).places));
    weight[f] = w;
  }
  const care::Choice first{kInstitution, first_home};
  const auto room = [&](std::size_t f) { return ledger.has_room(f, false); };
  int cases_with_room = 0;
  for (const double loss : {0.0, 0.6, 1.2, 100.0}) {
    double eligible = 0;
    for (const auto& [f, v] : value)
      if (f != first_home && v >= value[first_home] - loss - 1e-9 && ledger.has_room(f, false))
        eligible += weight[f];
    std::map<int, double> got;
    const int n = 20'000;
    for (int k = 0; k < n; ++k) {
      const std::uint16_t g = choices.second_choice(c, first, room, loss, (k + 0.5) / n);
      got[g] += 1.0 / n;
    }
    if (eligible == 0) {
      EXPECT_NEAR(got[kNoFacility], 1.0, 1e-9) << loss;
      continue;
    }
    ++cases_with_room;
    for (const auto& [f, share] : got) {
      ASSERT_NE(f, kNoFacility);
      ASSERT_NE(f, first_home);
      EXPECT_GE(value[f], value[first_home] - loss - 1e-9) << s.care.facilities[f].name;
      EXPECT_NEAR(share, weight[f] / eligible, 2.0 / n) << s.care.facilities[f].name;
    }
  }
  EXPECT_GE(cases_with_room, 2);
  // Someone who holds a home keeps it and waits.
  care::Chooser resident = c;
  resident.current = kInstitution;
  resident.current_facility = static_cast<int>(facility_named(s, "Liwan public homes"));
  choices.prepare({&resident, 1}, ledger, s.programmes, 0);
  EXPECT_EQ(choices.second_choice(resident, first, room, 100, 0.5), kNoFacility);
}

TEST(SecondChoice, FillsFreeBedsThatTheQueuesWouldHaveLeftEmpty) {
  // Frozen supply from an empty start: with the rule, requests go to homes with room, so fewer
  // wait and more beds are filled; without it none is counted.
  const std::vector<std::string> base{"simulation.end=2022-12-31", "population.scale=0.05",
                                      "trends=[]", "care.warm_up_years=0"};
  std::vector<std::string> off = base;
  off.emplace_back("care.choice.second_choice.enabled=false");
  ElderModel with(scenario_with(base)), without(scenario_with(off));
  const MemorySink a = run_in_memory(with), b = run_in_memory(without);
  std::int64_t second_a = 0, second_b = 0;
  for (const auto& row : a.ints.at("new_second_choices")) second_a += sum_row(row);
  for (const auto& row : b.ints.at("new_second_choices")) second_b += sum_row(row);
  EXPECT_GT(second_a, 0);
  EXPECT_EQ(second_b, 0);
  const auto waiting = [](const MemorySink& m) {
    const auto& w = m.ints.at("n_waiting").back();
    std::int64_t n = 0;
    for (std::size_t d = 0; d < 11; ++d) n += w[d * 3 + 2];  // institution
    return n;
  };
  EXPECT_LT(waiting(a), waiting(b));
  EXPECT_GT(sum_row(a.ints.at("n_institution").back()), sum_row(b.ints.at("n_institution").back()));
}

TEST(SecondChoice, NoApplicantWaitsWhileAHomeWithinReachHasRoom) {
  // The first step from an empty start at 10% scale: everyone at level 1+ chooses, about 37,000
  // people, more than one chunk of choices, for a fifth of the beds (so that many wait). After
  // the care step, nobody who asked this step for a place in a home waits for it while another
  // home with room is within the acceptable loss (hospitals off: their discharges come after
  // the care step).
  auto scenario = scenario_with(
      {"population.scale=0.1", "simulation.end=2020-01-31", "care.warm_up_years=0",
       "trends=[{date: 2020-01-01, set_places: {districts: all, type: institution, percent: -50}}]",
       "hospital_system.enabled=false"});
  const Scenario& s = *scenario;
  ElderModel model(scenario);
  const sim::Day today = model.calendar().step(0).first_day;
  model.step();
  const care::Ledger& ledger = model.care().ledger();
  const People& p = model.people();
  care::ChoiceModel choices(s);
  const double loss = s.care.choice.second_choice_max_loss;
  std::size_t checked = 0, waiting_with_room_in_reach = 0;
  ledger.for_each_entry([&](std::uint32_t, const care::WaitEntry& e) {
    if (e.mode != kInstitution || e.in_place || e.since != today || e.held.mode == kInstitution)
      return;
    const std::size_t i = e.row;
    care::Chooser c;
    c.district = p.district[i];
    c.level = p.adl[i];
    c.income = income_of(p.traits[i]);
    c.living_alone = living_of(p.traits[i]) == kAlone;
    c.groups = target_groups(p, i, today);
    c.age_80_plus = c.groups & kGroupOldestOld;
    c.ltc_enrolled = c.level >= s.programmes.ltc.eligible_from_level &&
                     ltc_enrolled(s.simulation.seed, p.id[i], s.programmes.ltc);
    const care::ChoiceSet set = choices.choice_set(c, ledger, s.programmes);
    double places = 0;
    for (const auto& [f, w] : set.institution)
      places += static_cast<double>(ledger.place(f).places);
    const auto value = [&](int f, double w) {
      return std::log(w * places / static_cast<double>(ledger.place(f).places));
    };
    double first = 0;
    for (const auto& [f, w] : set.institution)
      if (f == e.facility) first = value(f, w);
    ++checked;
    for (const auto& [f, w] : set.institution)
      if (f != e.facility && value(f, w) >= first - loss + 1e-9 && ledger.has_room(f, e.nursing)) {
        ++waiting_with_room_in_reach;
        break;
      }
  });
  EXPECT_GT(checked, 100u);
  EXPECT_EQ(waiting_with_room_in_reach, 0u);
  EXPECT_GT(sum_row(model.care().ledger().started_waits()), 0);
}

}  // namespace
}  // namespace eldersim
