#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/care.hpp"
#include "models/elder_model.hpp"
#include "models/finance.hpp"
#include "models/synthesis.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::facility_named;
using testing::MemorySink;
using testing::run_checking;
using testing::run_in_memory;
using testing::small_scenario;

using testing::scenario_with;

TEST(Policy, EventsTakeEffectInTheStepHoldingTheirDateAndNotBefore) {
  // 2021-03-10 falls inside a step that starts on 2021-03-08; a price change on 2021-03-01
  // starts a month's first step exactly.
  auto scenario = scenario_with(
      {"simulation.end=2021-06-30", "trends=[]",
       "policy_events=[{date: 2021-03-10, set_places: {facilities: [Tianhe private homes], places: "
       "9000}}, "
       "{date: 2021-03-01, set_price: {facilities: [Tianhe public homes], percent: 50}}, "
       "{date: 2021-04-20, set_ltc_insurance: {eligible_from_level: 2}}]"});
  ElderModel model(scenario);
  const auto priv = facility_named(*scenario, "Tianhe private homes");
  const auto pub = facility_named(*scenario, "Tianhe public homes");
  const care::Ledger& ledger = model.care().ledger();
  const std::int64_t places_before = ledger.place(priv).places;
  const double price_before = ledger.place(pub).monthly_price[2];
  int seen = 0;
  run_checking(model, [&](const sim::Step& step) {
    const bool after_places = step.end_day() > sim::make_day(2021, 3, 10);
    EXPECT_EQ(ledger.place(priv).places, after_places ? 90 : places_before)
        << sim::format_date(step.first_day);
    const bool after_price = step.end_day() > sim::make_day(2021, 3, 1);
    EXPECT_DOUBLE_EQ(ledger.place(pub).monthly_price[2],
                     after_price ? 1.5 * price_before : price_before);
    const bool after_ltc = step.end_day() > sim::make_day(2021, 4, 20);
    EXPECT_EQ(model.policy().programme().ltc.eligible_from_level, after_ltc ? 2 : 3);
    seen +=
        step.first_day <= sim::make_day(2021, 3, 10) && sim::make_day(2021, 3, 10) < step.end_day();
  });
  EXPECT_EQ(seen, 1);
}

TEST(Policy, TrendsRepeatYearlyAndAScenariosOwnEventsAddToThem) {
  auto scenario = scenario_with(
      {"simulation.end=2023-12-31", "population.scale=0.05",
       "trends=[{date: 2021-01-01, repeat: {every_years: 1, until: 2023-06-30}, set_places: "
       "{districts: all, type: institution, percent: 10}}]",
       "policy_events=[{date: 2022-06-01, add_hospital_beds: {tier: all, percent: 50}}]"});
  // Three yearly steps of the trend (2021, 2022, 2023) and the scenario's event, in date order.
  std::vector<std::string> got;
  for (const PolicyEvent& e : scenario->policy_events)
    got.push_back(sim::format_date(e.date) + " " + e.action);
  EXPECT_EQ(got,
            (std::vector<std::string>{"2021-01-01 set_places", "2022-01-01 set_places",
                                      "2022-06-01 add_hospital_beds", "2023-01-01 set_places"}));
  ElderModel model(scenario);
  std::vector<std::int64_t> homes_at_start;
  for (std::size_t f = 0; f < scenario->care.facilities.size(); ++f)
    homes_at_start.push_back(model.care().ledger().place(f).places);
  const MemorySink sink = run_in_memory(model);
  const auto& places = sink.ints.at("n_places_by_facility");
  for (std::size_t f = 0; f < scenario->care.facilities.size(); ++f) {
    const FacilitySpec& spec = scenario->care.facilities[f];
    if (spec.hospital_ward) continue;
    // "districts: all" with type institution: every home, and no community centre.
    std::int64_t expected = homes_at_start[f];
    for (int year = 2021; year <= 2023; ++year) {
      if (spec.type == FacilityType::kInstitution)
        expected = std::llround(static_cast<double>(expected) * 1.1);
      EXPECT_EQ(places[static_cast<std::size_t>((year - 2020) * 12)][f], expected)
          << spec.name << " " << year;
    }
  }
  // Hospital beds: half as many again from June 2022, in every tier.
  const auto beds = [&](std::size_t period) {
    const auto& row = sink.ints.at("n_hospital_beds")[period];
    return std::accumulate(row.begin(), row.end(), std::int64_t{0});
  };
  EXPECT_EQ(beds(28), beds(0));  // May 2022
  EXPECT_NEAR(static_cast<double>(beds(29)), 1.5 * static_cast<double>(beds(0)), 48);
}

TEST(Policy, NewFacilityOpensOnItsDateAndIsPaidForOnce) {
  auto scenario = scenario_with(
      {"simulation.end=2021-12-31", "trends=[]",
       "care.facilities=[{name: New Baiyun home, type: institution, district: Baiyun, ownership: "
       "private, "
       "places: 50000, nursing_share: 1.0, monthly_price: 2000, opens: 2021-07-01}]"});
  // A --set list replaces care.facilities (only `extends:` merges named lists): the new home is
  // the only home, followed by the hospitals' nursing wards, which the hospital system adds.
  const auto& all = scenario->care.facilities;
  const auto found = std::find_if(
      all.begin(), all.end(), [](const FacilitySpec& f) { return f.name == "New Baiyun home"; });
  ASSERT_NE(found, all.end());
  ElderModel model(scenario);
  const auto f = static_cast<std::size_t>(found - all.begin());
  EXPECT_FALSE(model.care().ledger().place(f).open);
  const MemorySink sink = run_in_memory(model);
  const auto& places = sink.ints.at("n_places_by_facility");
  EXPECT_EQ(places[17][f], 0);    // June 2021
  EXPECT_EQ(places[18][f], 500);  // July 2021, 50,000 * 0.01
  EXPECT_GT(sink.ints.at("n_occupied_by_facility")[23][f], 0);
  // Construction subsidy: 500 new private beds * 5,000 yuan, paid in July 2021 in Baiyun.
  const auto& gov = sink.doubles.at("new_government_spending");
  const std::size_t baiyun = testing::district_named(*scenario, "Baiyun");
  EXPECT_NEAR(gov[18][baiyun * kGovernmentSpendingTypes + kConstruction], 500 * 5000.0, 1e-6);
  double construction_total = 0;
  for (const auto& row : gov)
    for (std::size_t d = 0; d < 11; ++d)
      construction_total += row[d * kGovernmentSpendingTypes + kConstruction];
  EXPECT_NEAR(construction_total, 500 * 5000.0, 1e-6);
}

TEST(Finance, SpendingEqualsTheSumOfItsParts) {
  auto scenario = scenario_with({"simulation.end=2021-12-31",
                                 "programmes.vouchers=[{groups: [oldest_old], modes: [home, "
                                 "community], monthly_amount: 200}]"});
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& spending = sink.doubles.at("new_spending");
  const auto& gov = sink.doubles.at("new_government_spending");
  double vouchers = 0, ltc = 0, oop = 0;
  for (std::size_t t = 0; t < spending.size(); ++t)
    for (std::size_t d = 0; d < 11; ++d) {
      const double parts = std::accumulate(
          gov[t].begin() + static_cast<long>(d * kGovernmentSpendingTypes),
          gov[t].begin() + static_cast<long>((d + 1) * kGovernmentSpendingTypes), 0.0);
      // Money is booked in whole fen: the parts add up exactly, to the fen.
      EXPECT_EQ(std::llround(spending[t][d * kPayers + kGovernment] * 100),
                std::llround(parts * 100));
      vouchers += gov[t][d * kGovernmentSpendingTypes + kVouchers];
      ltc += spending[t][d * kPayers + kLtcInsurance];
      oop += spending[t][d * kPayers + kOutOfPocket];
    }
  EXPECT_GT(vouchers, 0);
  EXPECT_GT(ltc, 0);
  EXPECT_GT(oop, 0);
}

TEST(Finance, MonthlyCostSplitsThePriceBetweenPayers) {
  ProgrammeSpec p;
  p.ltc = {1.0, 3, {0, 50, 60, 70}, 0.3};
  p.vouchers = {{"v", kGroupOldestOld, {false, true, false, true}, 300}};
  p.purchased_services = {{kGroupNoFamilySupport, 5}};
  HomeCareSpec home{{0, 4, 8, 14, 21}, 40};
  // Institution, level 4, enrolled, oldest-old: insurance 70/day capped at 70% of the price.
  const MonthlyCost c = monthly_cost(p, home, kInstitution, 2500, {4, kGroupOldestOld, true});
  EXPECT_NEAR(c.ltc, std::min(70 * kDaysPerMonth, 0.7 * 2500), 1e-9);
  EXPECT_NEAR(c.vouchers, 300, 1e-9);
  EXPECT_NEAR(c.out_of_pocket, 2500 - c.ltc - 300, 1e-9);
  // Exactly at the eligible level (3): insured; one level below: not; not enrolled: not.
  EXPECT_NEAR(monthly_cost(p, home, kInstitution, 2500, {3, 0, true}).ltc,
              std::min(70 * kDaysPerMonth, 0.7 * 2500), 1e-9);
  EXPECT_EQ(monthly_cost(p, home, kInstitution, 2500, {2, 0, true}).ltc, 0);
  EXPECT_EQ(monthly_cost(p, home, kInstitution, 2500, {3, 0, false}).ltc, 0);
  // Below the eligible level: no insurance; vouchers never exceed the price.
  const MonthlyCost d = monthly_cost(p, home, kInstitution, 200, {2, kGroupOldestOld, true});
  EXPECT_EQ(d.ltc, 0);
  EXPECT_NEAR(d.vouchers, 200, 1e-9);
  EXPECT_EQ(d.out_of_pocket, 0);
  // Purchased services only for home care and the target group.
  const double gross = 14 * kWeeksPerMonth * 40;
  const MonthlyCost h = monthly_cost(p, home, kHomeCare, gross, {3, kGroupNoFamilySupport, false});
  EXPECT_NEAR(h.purchased_services, 5 * kWeeksPerMonth * 40, 1e-9);
  EXPECT_NEAR(h.out_of_pocket, gross - h.purchased_services, 1e-9);
  EXPECT_EQ(monthly_cost(p, home, kCommunityCare, 600, {3, kGroupNoFamilySupport, false})
                .purchased_services,
            0);
}

TEST(Finance, PayersAddUpToTheGrossPriceWheneverItCoversTheSubsidies) {
  ProgrammeSpec p;
  p.ltc = {1.0, 2, {0, 40, 50, 80}, 0.2};
  p.vouchers = {{"a", kGroupLivingAlone, {false, true, true, true}, 250},
                {"b", kGroupOldestOld, {false, true, true, false}, 400}};
  p.purchased_services = {{kGroupNoFamilySupport, 3}};
  const HomeCareSpec home{{0, 4, 8, 14, 21}, 40};
  for (int mode = kHomeCare; mode < kCareModes; ++mode)
    for (int level = 0; level < kAdlLevels; ++level)
      for (std::uint8_t groups = 0; groups < 16; ++groups)
        for (double gross : {0.0, 100.0, 900.0, 2500.0, 6000.0}) {
          const MonthlyCost c =
              monthly_cost(p, home, static_cast<CareMode>(mode), gross, {level, groups, true});
          EXPECT_NEAR(c.ltc + c.vouchers + c.purchased_services + c.out_of_pocket, gross, 1e-9);
          EXPECT_GE(c.out_of_pocket, 0);
          EXPECT_GE(c.ltc, 0);
          EXPECT_LE(c.ltc, 0.8 * gross + 1e-9);  // the co-payment stays with the person
        }
}

TEST(Policy, EveryProgrammeLeverChangesSpendingFromItsDate) {
  // Programme events on 2021-01-01 and a closure: spending by instrument is zero before the
  // date (the levers are off in 2020) and positive after it.
  auto scenario = scenario_with(
      {"simulation.end=2021-12-31", "programmes.purchased_services=[]",
       "programmes.subsidies.per_person_served_month={public: 0, private: 0}",
       "programmes.home_support={modification: {grant: 0}}",
       "programmes.meals={meal_price: 12, elder_pays: [{pays: 12}]}",
       "policy_events=[{date: 2021-01-01, set_subsidies: {per_person_served_month: {public: 100, "
       "private: 100}, "
       "community: {operating_per_bed_month: {public: 50, private: 50}}}}, "
       "{date: 2021-01-01, set_vouchers: [{groups: [oldest_old], modes: [home, community, "
       "institution], monthly_amount: 100}]}, "
       "{date: 2021-01-01, set_purchased_services: [{groups: [living_alone], hours_per_week: 2}]}, "
       "{date: 2021-01-01, set_home_support: {modification: {groups: [], min_level: 1, grant: "
       "1000}}}, "
       "{date: 2021-01-01, set_meals: {elder_pays: [{groups: [oldest_old], pays: 3}]}}]",
       "care.facilities.Conghua private homes.closes=2021-03-15"});
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& gov = sink.doubles.at("new_government_spending");
  const auto total = [&](std::size_t t, GovernmentSpending type) {
    double x = 0;
    for (std::size_t d = 0; d < 11; ++d) x += gov[t][d * kGovernmentSpendingTypes + type];
    return x;
  };
  for (GovernmentSpending type :
       {kPerPersonServed, kVouchers, kPurchasedServices, kHomeModification, kMeals}) {
    for (std::size_t t = 0; t < 12; ++t)
      EXPECT_EQ(total(t, type), 0) << "type " << type << " month " << t;
    double after = 0;
    for (std::size_t t = 12; t < 24; ++t) after += total(t, type);
    EXPECT_GT(after, 0) << "type " << type;
  }
  // The closed home has places until March 2021 and none, nor residents, nor a list, after.
  const auto f = facility_named(*scenario, "Conghua private homes");
  EXPECT_GT(sink.ints.at("n_places_by_facility")[13][f], 0);
  EXPECT_EQ(sink.ints.at("n_places_by_facility")[15][f], 0);
  EXPECT_EQ(sink.ints.at("n_occupied_by_facility")[15][f], 0);
  EXPECT_EQ(sink.ints.at("n_waiting_by_facility")[16][f], 0);
}

// Mean over the last 12 months of a series summed over districts (stocks) as a share of n_alive.
double last_year_share(const MemorySink& sink, const std::string& series) {
  const auto& v = sink.ints.at(series);
  const auto& alive = sink.ints.at("n_alive");
  double share = 0;
  for (std::size_t t = v.size() - 12; t < v.size(); ++t)
    share +=
        static_cast<double>(std::accumulate(v[t].begin(), v[t].end(), std::int64_t{0})) /
        static_cast<double>(std::accumulate(alive[t].begin(), alive[t].end(), std::int64_t{0})) /
        12;
  return share;
}

double last_year_waiting(const MemorySink& sink, std::size_t service) {
  const auto& v = sink.ints.at("n_waiting");
  double total = 0;
  for (std::size_t t = v.size() - 12; t < v.size(); ++t)
    for (std::size_t d = 0; d < 11; ++d) total += static_cast<double>(v[t][d * 3 + service]) / 12;
  return total;
}

MemorySink run_with(const std::vector<std::string>& extra) {
  std::vector<std::string> o{"simulation.end=2023-12-31", "population.scale=0.02",
                             "care.choice.constant.institution=4.0"};  // demand above the beds
  o.insert(o.end(), extra.begin(), extra.end());
  ElderModel model(scenario_with(o));
  return run_in_memory(model);
}

TEST(CareDirections, MoreBedsRaiseTheInstitutionalShareAndShortenWaits) {
  const MemorySink base = run_with({});
  const MemorySink more = run_with(
      {"policy_events=[{date: 2020-01-01, set_places: {districts: [Yuexiu, Liwan, Haizhu, "
       "Tianhe, Baiyun, Huangpu, Panyu, Huadu, Nansha, Conghua, Zengcheng], percent: 50}}]"});
  EXPECT_GT(last_year_share(more, "n_institution"), 1.2 * last_year_share(base, "n_institution"));
  EXPECT_GT(last_year_waiting(base, 2), 0);
  EXPECT_LT(last_year_waiting(more, 2), last_year_waiting(base, 2));
  // And the completed waits of those admitted after waiting are shorter on average.
  const auto mean_wait = [](const MemorySink& s) {
    double days = 0, admitted = 0;
    for (std::size_t t = 0; t < s.ints.at("new_admissions_after_wait").size(); ++t)
      for (std::size_t d = 0; d < 11; ++d) {
        const auto n = static_cast<double>(s.ints.at("new_admissions_after_wait")[t][d * 3 + 2]);
        if (n > 0) days += n * s.doubles.at("mean_wait_days")[t][d * 3 + 2], admitted += n;
      }
    return days / admitted;
  };
  EXPECT_LT(mean_wait(more), mean_wait(base));
}

TEST(CareDirections, AHigherPriceLowersTheInstitutionalShare) {
  const std::vector<std::string> unlimited{"care.unlimited_capacity=true"};
  const MemorySink base = run_with(unlimited);
  std::vector<std::string> dear = unlimited;
  dear.push_back(
      "policy_events=[{date: 2020-01-01, set_price: {districts: [Yuexiu, Liwan, Haizhu, Tianhe, "
      "Baiyun, "
      "Huangpu, Panyu, Huadu, Nansha, Conghua, Zengcheng], percent: 60}}]");
  const MemorySink costly = run_with(dear);
  EXPECT_LT(last_year_share(costly, "n_institution"), 0.9 * last_year_share(base, "n_institution"));
}

TEST(CareDirections, WiderLtcInsuranceShiftsSpendingFromPeopleToInsurance) {
  const MemorySink base = run_with({});
  const MemorySink wider = run_with({"programmes.ltc_insurance.eligible_from_level=2"});
  const auto total = [](const MemorySink& s, Payer payer) {
    double x = 0;
    for (const auto& row : s.doubles.at("new_spending"))
      for (std::size_t d = 0; d < 11; ++d) x += row[d * kPayers + payer];
    return x;
  };
  EXPECT_GT(total(wider, kLtcInsurance), 1.2 * total(base, kLtcInsurance));
  EXPECT_GT(last_year_share(wider, "n_institution") + last_year_share(wider, "n_home") +
                last_year_share(wider, "n_community"),
            last_year_share(base, "n_institution") + last_year_share(base, "n_home") +
                last_year_share(base, "n_community"));
}

}  // namespace
}  // namespace eldersim

namespace eldersim {
namespace {

TEST(Finance, TheStepChargeInsuresFromTheEligibleLevelExactly) {
  // One resident of a home, charged for a 7-day step at each level: insurance pays from
  // ltc_insurance.eligible_from_level (3 here) on, not below; the payers add up to the price.
  const Scenario s = testing::small_scenario(
      {"programmes.ltc_insurance={enrolment_share: 1, eligible_from_level: 3, daily_benefit: "
       "{home: 60, community: 60, institution: 90}, copay: 0.25}",
       "programmes.vouchers=[]"});
  const care::CareSystem care(s);
  const std::size_t home = testing::facility_named(s, "Yuexiu public homes");
  People p;
  append_people(p, 1);
  p.id[0] = 5;
  p.birth_day[0] = sim::make_day(1950, 6, 1);
  p.district[0] = 0;
  p.traits[0] = make_traits(kWithSpouse, kMiddleIncome, 0);
  p.care_mode[0] = kInstitution;
  p.care_facility[0] = static_cast<std::uint16_t>(home);
  const sim::Step step{0, sim::make_day(2020, 1, 1), 7, 0, false};
  for (int level = 0; level < kAdlLevels; ++level) {
    Spending spent(11);
    care.charge_step(p, 0, level, step, s.programmes, 1, spent);
    const double price = care.ledger().place(home).monthly_price[static_cast<std::size_t>(level)];
    const Fen insurance = spent.by_payer[kLtcInsurance];
    if (level >= 3)
      EXPECT_EQ(insurance, to_fen(std::min(90 * kDaysPerMonth, 0.75 * price) * 7 / kDaysPerMonth))
          << "level " << level;
    else
      EXPECT_EQ(insurance, 0) << "level " << level;
    const Fen all = std::accumulate(spent.by_payer.begin(), spent.by_payer.end(), Fen{0});
    EXPECT_NEAR(static_cast<double>(all), price * 7 / kDaysPerMonth * 100, 2.0) << level;
  }
}

}  // namespace
}  // namespace eldersim
