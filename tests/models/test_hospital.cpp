// The hospital system (models/hospital.cpp): bed capacity, Little's law, the referral matrix,
// bed conversion, delayed discharge, the medical-care levers, accounting and determinism. Every
// run is the small Guangzhou scenario (1%, 2% for the admission levers) over at most three
// simulated years.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "models/elder_model.hpp"
#include "sim/parallel.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::district_named;
using testing::facility_named;
using testing::hospital_named;
using testing::MemorySink;
using testing::run_checking;
using testing::run_in_memory;
using testing::scenario_with;

using Rows = std::vector<std::vector<std::int64_t>>;

const std::string kAllDistricts =
    "[Yuexiu, Liwan, Haizhu, Tianhe, Baiyun, Huangpu, Panyu, Huadu, Nansha, Conghua, Zengcheng]";

// A set_places event cutting every district's elderly homes (not the hospitals' nursing wards)
// by `percent` on `date`.
std::string institution_cut(const std::string& date, int percent) {
  return "{date: " + date + ", set_places: {districts: " + kAllDistricts +
         ", type: institution, percent: " + std::to_string(percent) + "}}";
}

// Overrides setting the background (under-60) share of every hospital's beds: the system's
// defaults by tier and the private hospitals' own share.
std::vector<std::string> background_everywhere(const std::string& share) {
  std::vector<std::string> overrides{"hospital_system.background.occupancy_by_tier=[" + share +
                                     ", " + share + ", " + share + "]"};
  for (const char* d : {"Yuexiu", "Liwan", "Haizhu", "Tianhe", "Baiyun", "Huangpu", "Panyu",
                        "Huadu", "Nansha", "Conghua", "Zengcheng"})
    overrides.push_back("hospital_system.hospitals." + std::string(d) +
                        " private.background_occupancy=" + share);
  return overrides;
}

// The reporting period holding `day`.
std::size_t period_of(const sim::Calendar& calendar, sim::Day day) {
  for (int p = 0; p < calendar.n_periods(); ++p)
    if (calendar.period(p).first_day <= day && day <= calendar.period(p).last_day)
      return static_cast<std::size_t>(p);
  ADD_FAILURE() << sim::format_date(day) << " is outside the run";
  return 0;
}

template <class T>
T sum_of(const std::vector<T>& v) {
  return std::accumulate(v.begin(), v.end(), T{});
}

// A series summed over all cells of the periods [from, to).
template <class T>
T total(const std::vector<std::vector<T>>& rows, std::size_t from = 0,
        std::size_t to = static_cast<std::size_t>(-1)) {
  T s{};
  for (std::size_t t = from; t < std::min(to, rows.size()); ++t) s += sum_of(rows[t]);
  return s;
}

MemorySink run(const std::vector<std::string>& overrides) {
  ElderModel model(scenario_with(overrides));
  return run_in_memory(model);
}

// Patients by hospital in acute and in rehabilitation beds, now; and a check of every
// patient's stay: alive, in a known hospital, in a rehabilitation bed only while waiting for a
// care place, and waiting (delayed discharge) only for a new place of a mode in delay_for.
struct Inpatients {
  std::vector<std::int64_t> acute, rehabilitation, delayed;
};

Inpatients count_inpatients(const ElderModel& model) {
  const People& p = model.people();
  const HospitalSystemSpec& spec = model.scenario().hospitals;
  const hospital::State& state = model.hospitals().state();
  const std::size_t nh = spec.hospitals.size();
  Inpatients n{std::vector<std::int64_t>(nh, 0), std::vector<std::int64_t>(nh, 0),
               std::vector<std::int64_t>(nh, 0)};
  std::size_t dead = 0, unknown = 0, rehab_not_delayed = 0, delayed_not_waiting = 0, wrong_row = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p.in_hospital(i)) continue;
    const hospital::Stay& stay = state.stay(p.stay[i]);
    wrong_row += stay.used && stay.row == i ? 0 : 1;
    dead += p.alive[i] ? 0 : 1;
    const std::size_t h = stay.hospital;
    if (h >= nh) {
      ++unknown;
      continue;
    }
    if (stay.flags & hospital::kInRehabilitationBed) {
      rehab_not_delayed += (stay.flags & hospital::kDelayedDischarge) ? 0 : 1;
      n.rehabilitation[h] += 1;
    } else {
      n.acute[h] += 1;
    }
    if (stay.flags & hospital::kDelayedDischarge) {
      n.delayed[h] += 1;
      delayed_not_waiting += model.care().waits_for_new_place(p, i, spec.delay_for) ? 0 : 1;
    }
  }
  EXPECT_EQ(wrong_row, 0u) << "stays and people do not point at each other";
  EXPECT_EQ(dead, 0u) << "dead people in hospital beds";
  EXPECT_EQ(unknown, 0u) << "patients in no known hospital";
  EXPECT_EQ(rehab_not_delayed, 0u) << "rehabilitation beds held by patients not waiting";
  EXPECT_EQ(delayed_not_waiting, 0u)
      << "delayed discharges not waiting for a new place of a delay_for mode";
  return n;
}

// ---- 1. capacity --------------------------------------------------------------------------------

TEST(HospitalBeds, OccupiedBedsNeverExceedBeds) {
  // Three years with fewer home beds (patients wait in hospital), a fifth of the secondary beds
  // turned into rehabilitation beds and a third of the primary beds into nursing beds, each on a
  // period's first day (so every step of a period has the beds reported at its end).
  auto scenario = scenario_with(
      {"simulation.end=2022-12-31",
       "policy_events=[" + institution_cut("2020-01-01", -50) +
           ", {date: 2021-01-01, convert_hospital_beds: {tier: 2, percent: 20, to: "
           "rehabilitation}}, {date: 2021-07-01, convert_hospital_beds: {tier: 1, percent: 30, "
           "to: nursing}}]"});
  ElderModel model(scenario);
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  std::int64_t rehab_seen = 0, full_seen = 0;
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    const Inpatients n = count_inpatients(model);
    const hospital::State& state = model.hospitals().state();
    for (std::size_t h = 0; h < nh; ++h) {
      const hospital::Unit& u = state.units[h];
      ASSERT_TRUE(u.open);
      EXPECT_LE(n.acute[h], u.beds)
          << scenario->hospitals.hospitals[h].name << " on " << sim::format_date(step.first_day);
      EXPECT_LE(n.rehabilitation[h], u.rehabilitation_beds)
          << scenario->hospitals.hospitals[h].name << " on " << sim::format_date(step.first_day);
      // The engine's own count of the last day's acute patients agrees with a recount.
      EXPECT_EQ(n.acute[h], state.occupied[h]) << scenario->hospitals.hospitals[h].name;
      rehab_seen += n.rehabilitation[h];
      // The elderly and the background (under-60) patients share the beds: together never
      // more than there are, conversions or not.
      const std::int64_t background = std::llround(state.background[h]);
      EXPECT_GE(background, 0);
      EXPECT_LE(n.acute[h] + background, u.beds)
          << scenario->hospitals.hospitals[h].name << " on " << sim::format_date(step.first_day);
      full_seen += n.acute[h] + background >= u.beds - u.converting() ? 1 : 0;
    }
  });
  const Rows& peak = sink.ints.at("peak_occupied_beds_by_hospital");
  const Rows& beds = sink.ints.at("n_beds_by_hospital");
  const Rows& rehab_beds = sink.ints.at("n_rehabilitation_beds_by_hospital");
  const Rows& rehab_days = sink.ints.at("new_rehabilitation_bed_days_by_hospital");
  ASSERT_EQ(peak.size(), 36u);
  for (std::size_t t = 0; t < peak.size(); ++t)
    for (std::size_t h = 0; h < nh; ++h) {
      EXPECT_LE(peak[t][h], beds[t][h]) << scenario->hospitals.hospitals[h].name << " period " << t;
      EXPECT_GE(peak[t][h], 0);
      // Rehabilitation bed-days within the beds times the period's days.
      const auto days = model.calendar().period(static_cast<int>(t)).last_day -
                        model.calendar().period(static_cast<int>(t)).first_day + 1;
      EXPECT_LE(rehab_days[t][h], rehab_beds[t][h] * days);
    }
  // The bounds were tested where they bind: hospitals full for the elderly, rehabilitation beds
  // in use, patients diverted to another hospital or turned away.
  EXPECT_GT(full_seen, 0);
  EXPECT_GT(rehab_seen, 0);
  EXPECT_GT(total(rehab_days), 0);
  EXPECT_GT(
      total(sink.ints.at("new_diverted_by_hospital")) + total(sink.ints.at("new_turned_away")), 0);
}

// Converting beds that patients lie in: the patients stay until their stays end, and every
// day's occupied beds must still fit in the beds left.
TEST(HospitalBeds, ConvertingOccupiedBedsKeepsPatientsWithinTheBedsLeft) {
  // 90% of every tertiary hospital's beds become nursing beds on 2021-01-01, a period's first
  // day: more than the background (under-60) share of 81%, so beds that elderly patients
  // occupy are converted too.
  auto scenario = scenario_with(
      {"simulation.end=2021-03-31", "trends=[]",
       "policy_events=[{date: 2021-01-01, convert_hospital_beds: {tier: 3, percent: 90}}]"});
  ElderModel model(scenario);
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    const Inpatients n = count_inpatients(model);
    for (std::size_t h = 0; h < nh; ++h)
      EXPECT_LE(n.acute[h], model.hospitals().state().units[h].beds)
          << scenario->hospitals.hospitals[h].name << " on " << sim::format_date(step.first_day);
  });
  const Rows& peak = sink.ints.at("peak_occupied_beds_by_hospital");
  const Rows& beds = sink.ints.at("n_beds_by_hospital");
  ASSERT_EQ(peak.size(), 15u);
  // Beds leave during January as their patients leave, so the period's peak is bounded by the
  // beds at its start (the end of the period before); the daily bound is checked step by step
  // above.
  for (std::size_t t = 0; t < peak.size(); ++t)
    for (std::size_t h = 0; h < nh; ++h)
      EXPECT_LE(peak[t][h], t > 0 ? std::max(beds[t - 1][h], beds[t][h]) : beds[t][h])
          << scenario->hospitals.hospitals[h].name << " period " << t;
  // The conversion happened: beds free of patients at once, the others as their patients left,
  // so that a tenth of the tertiary beds are left by March.
  const std::size_t panyu = hospital_named(*scenario, "Panyu tertiary");
  EXPECT_EQ(beds[11][panyu], 15);
  EXPECT_LT(beds[12][panyu], 15);
  EXPECT_EQ(beds[14][panyu], 15 - std::llround(0.9 * 15));
  EXPECT_EQ(model.hospitals().state().units[panyu].converting(), 0);
}

// ---- 2. Little's law ----------------------------------------------------------------------------

TEST(HospitalFlows, LittlesLawHoldsWithoutCongestion) {
  // No background use and no delayed discharge: nobody waits for a bed or for a care place, so
  // mean occupied beds = admissions x mean length of stay / days over a long enough window.
  std::vector<std::string> overrides = background_everywhere("0");
  overrides.insert(overrides.end(),
                   {"simulation.end=2022-12-31", "hospital_system.discharge.delay_for=[]"});
  auto scenario = scenario_with(overrides);
  ElderModel model(scenario);
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  // Patients by hospital at each period's end: the stays ended are the flow between them.
  Rows inpatients;
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    if (step.ends_period) inpatients.push_back(count_inpatients(model).acute);
  });
  const Rows& admissions = sink.ints.at("new_admissions_by_hospital");
  const Rows& bed_days = sink.ints.at("new_elderly_bed_days_by_hospital");
  const auto& los = sink.doubles.at("mean_length_of_stay_by_hospital");
  ASSERT_EQ(admissions.size(), 36u);
  // (Some 40 patients find their first choice full, primary units of 3-13 beds at 1%, and go to
  // the next hospital: nobody waits, so the law still holds.)
  EXPECT_EQ(total(sink.ints.at("new_turned_away")), 0);
  EXPECT_EQ(total(sink.ints.at("new_delayed_discharge_days_by_hospital")), 0);
  // The district series sums the hospitals' bed-days.
  EXPECT_DOUBLE_EQ(total(sink.doubles.at("new_hospital_bed_days")),
                   static_cast<double>(total(bed_days)));

  // 2021-2022 (the first year fills empty hospitals).
  const std::size_t from = 12, to = 36;
  const double days = static_cast<double>(model.calendar().period(35).last_day -
                                          model.calendar().period(12).first_day + 1);
  double stays = 0, stay_days = 0, occupied = 0, admitted = 0;
  for (std::size_t t = from; t < to; ++t)
    for (std::size_t h = 0; h < nh; ++h) {
      occupied += static_cast<double>(bed_days[t][h]);
      admitted += static_cast<double>(admissions[t][h]);
      // Stays ending = admissions + patients in at the start - patients in at the end.
      const std::int64_t ended = sink.ints.at("new_stays_ended_by_hospital")[t][h];
      ASSERT_EQ(ended, admissions[t][h] + inpatients[t - 1][h] - inpatients[t][h])
          << scenario->hospitals.hospitals[h].name << " period " << t;
      if (ended == 0) {
        EXPECT_TRUE(std::isnan(los[t][h]));
        continue;
      }
      ASSERT_FALSE(std::isnan(los[t][h]));
      stays += static_cast<double>(ended);
      stay_days += los[t][h] * static_cast<double>(ended);
    }
  const double mean_stay = stay_days / stays;
  const double mean_occupied = occupied / days;
  const double little = admitted * mean_stay / days;
  // Stays: lognormal around 9 days times 0.9-1.45 by ADL level, whole days.
  EXPECT_GT(mean_stay, 8.0);
  EXPECT_LT(mean_stay, 12.0);
  EXPECT_GT(admitted, 5000);
  EXPECT_NEAR(mean_occupied, little, 0.02 * little)
      << "admissions " << admitted << ", mean stay " << mean_stay << " days";
  // The same with the stay days themselves: the bed-days of the window are the days of its
  // stays, up to the stays cut by its ends.
  EXPECT_NEAR(occupied, stay_days, 0.02 * stay_days);
}

// Exact bookkeeping: from empty hospitals at the start, the acute and rehabilitation bed-days of
// every hospital are the days of the stays ended (admission to discharge or death) plus the days
// so far of the stays still going at the end. With delays, rehabilitation beds, conversions and
// deaths of patients before their stay ends.
TEST(HospitalFlows, BedDaysAreTheDaysOfTheStays) {
  auto scenario = scenario_with(
      {"simulation.end=2021-12-31",
       "policy_events=[" + institution_cut("2020-01-01", -60) +
           ", {date: 2020-05-01, convert_hospital_beds: {tier: 2, percent: 20, to: "
           "rehabilitation}}, {date: 2020-09-01, convert_hospital_beds: {tier: 1, percent: 30}}]"});
  ElderModel model(scenario);
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  const MemorySink sink = run_in_memory(model);
  const sim::Day end = model.calendar().spec().end + 1;
  std::vector<std::int64_t> held(nh, 0), in_progress(nh, 0), ended(nh, 0);
  for (const auto& row : sink.ints.at("new_elderly_bed_days_by_hospital"))
    for (std::size_t h = 0; h < nh; ++h) held[h] += row[h];
  for (const auto& row : sink.ints.at("new_rehabilitation_bed_days_by_hospital"))
    for (std::size_t h = 0; h < nh; ++h) held[h] += row[h];
  const auto& los = sink.doubles.at("mean_length_of_stay_by_hospital");
  const Rows& stays = sink.ints.at("new_stays_ended_by_hospital");
  for (std::size_t t = 0; t < stays.size(); ++t)
    for (std::size_t h = 0; h < nh; ++h)
      if (stays[t][h] > 0) ended[h] += std::llround(los[t][h] * static_cast<double>(stays[t][h]));
  const People& p = model.people();
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p.alive[i] && p.in_hospital(i)) {
      const hospital::Stay& stay = model.hospitals().state().stay(p.stay[i]);
      in_progress[stay.hospital] += end - stay.admitted;
    }
  EXPECT_GT(total(sink.ints.at("new_rehabilitation_bed_days_by_hospital")), 0);
  EXPECT_GT(total(sink.ints.at("new_delayed_discharge_days_by_hospital")), 0);
  for (std::size_t h = 0; h < nh; ++h)
    EXPECT_EQ(held[h], ended[h] + in_progress[h]) << scenario->hospitals.hospitals[h].name;
}

// ---- 3. referral matrix -------------------------------------------------------------------------

TEST(HospitalFlows, ReferralMatrixAddsUpToTheAdmissions) {
  auto scenario = scenario_with({"simulation.end=2021-12-31"});
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto nd = static_cast<std::size_t>(scenario->district_count());
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  const auto nb = static_cast<std::size_t>(scenario->bands.count());
  const Rows& matrix = sink.ints.at("new_hospital_admissions_by_origin");
  const Rows& by_district = sink.ints.at("new_hospital_admissions");
  const Rows& by_cell = sink.ints.at("new_hospital_admissions_by_sex_age");
  const Rows& by_hospital = sink.ints.at("new_admissions_by_hospital");
  ASSERT_EQ(matrix.size(), 24u);
  std::int64_t outside = 0;
  for (std::size_t t = 0; t < matrix.size(); ++t) {
    ASSERT_EQ(matrix[t].size(), nd * nd);
    std::vector<std::int64_t> into(nd, 0);
    for (std::size_t d = 0; d < nd; ++d) {
      std::int64_t row = 0;
      for (std::size_t k = 0; k < nd; ++k) {
        row += matrix[t][d * nd + k];
        into[k] += matrix[t][d * nd + k];
        if (k != d) outside += matrix[t][d * nd + k];
      }
      EXPECT_EQ(row, by_district[t][d]) << "period " << t << " district " << d;
      std::int64_t cells = 0;
      for (std::size_t c = d * kSexes * nb; c < (d + 1) * kSexes * nb; ++c) cells += by_cell[t][c];
      EXPECT_EQ(cells, by_district[t][d]) << "period " << t << " district " << d;
    }
    EXPECT_EQ(sum_of(matrix[t]), sum_of(by_hospital[t])) << "period " << t;
    // Columns: the admissions of the hospitals in the destination district.
    std::vector<std::int64_t> in_hospitals(nd, 0);
    for (std::size_t h = 0; h < nh; ++h)
      in_hospitals[static_cast<std::size_t>(scenario->hospitals.hospitals[h].district)] +=
          by_hospital[t][h];
    EXPECT_EQ(into, in_hospitals) << "period " << t;
    // Referrals and turned-away patients: by district and by hospital alike (every district has
    // a hospital of every tier within reach, so every patient has a first choice).
    EXPECT_EQ(sum_of(sink.ints.at("new_referrals")[t]),
              sum_of(sink.ints.at("new_referred_in_by_hospital")[t]));
    EXPECT_EQ(sum_of(sink.ints.at("new_turned_away")[t]),
              sum_of(sink.ints.at("new_turned_away_by_hospital")[t]));
  }
  EXPECT_GT(total(by_hospital), 5000);
  // Every district has a hospital of every tier, so patients admitted outside their district
  // found their own district's hospitals full and went to the nearest free bed.
  EXPECT_GT(outside, 0);
  EXPECT_GT(total(sink.ints.at("new_referrals")), 0);
}

// First choice, then the nearest hospital of the tier needed or higher with a free bed, then
// turned away.
TEST(HospitalFlows, FullHospitalsSendPatientsToTheNearestFreeBedOrTurnThemAway) {
  // Every bed is taken by the background (under-60) use except in Yuexiu's secondary hospital.
  std::vector<std::string> overrides = background_everywhere("1");
  overrides.insert(overrides.end(),
                   {"simulation.end=2020-06-30",
                    "hospital_system.hospitals.Yuexiu secondary.background_occupancy=0"});
  auto scenario = scenario_with(overrides);
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto nd = static_cast<std::size_t>(scenario->district_count());
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  const std::size_t open = hospital_named(*scenario, "Yuexiu secondary");
  const std::size_t yuexiu = district_named(*scenario, "Yuexiu");
  const Rows& admissions = sink.ints.at("new_admissions_by_hospital");
  const Rows& matrix = sink.ints.at("new_hospital_admissions_by_origin");
  std::int64_t admitted = 0, from_elsewhere = 0, diverted = 0, turned_away = 0;
  for (std::size_t t = 0; t < admissions.size(); ++t) {
    for (std::size_t h = 0; h < nh; ++h) {
      if (h == open) continue;
      EXPECT_EQ(admissions[t][h], 0) << scenario->hospitals.hospitals[h].name;
    }
    admitted += admissions[t][open];
    for (std::size_t d = 0; d < nd; ++d)
      if (d != yuexiu) from_elsewhere += matrix[t][d * nd + yuexiu];
    diverted += sum_of(sink.ints.at("new_diverted_by_hospital")[t]);
    turned_away += sum_of(sink.ints.at("new_turned_away")[t]);
    // Its own admissions are never diversions from it.
    EXPECT_EQ(sink.ints.at("new_diverted_by_hospital")[t][open], 0);
  }
  // The one free hospital admits patients from other districts (their first choice was at
  // home); the patients who need a tertiary bed, and those who find it full, are turned away.
  EXPECT_GT(from_elsewhere, 0);
  EXPECT_GE(diverted, from_elsewhere);
  EXPECT_LE(diverted, admitted);
  EXPECT_GT(turned_away, admitted);
  EXPECT_EQ(turned_away, total(sink.ints.at("new_turned_away_by_hospital")));
  // Patients who need a tertiary bed have their first choice at a tertiary hospital, which never
  // sends them to a secondary one.
  std::int64_t tertiary_turned_away = 0;
  for (std::size_t h = 0; h < nh; ++h)
    if (scenario->hospitals.hospitals[h].tier == 3)
      for (const auto& row : sink.ints.at("new_turned_away_by_hospital"))
        tertiary_turned_away += row[h];
  EXPECT_GT(tertiary_turned_away, 0);
  std::int64_t tertiary_diverted = 0;
  for (std::size_t h = 0; h < nh; ++h)
    if (scenario->hospitals.hospitals[h].tier == 3)
      for (const auto& row : sink.ints.at("new_diverted_by_hospital")) tertiary_diverted += row[h];
  EXPECT_EQ(tertiary_diverted, 0);
}

// ---- 4. bed conversion --------------------------------------------------------------------------

TEST(HospitalConversion, MovesExactlyTheBedsOnItsDate) {
  // 2,000 beds (20 at 1%) of a tertiary hospital to nursing beds on 2021-03-10 (mid-step and
  // mid-month); 500 (5) of a primary unit that has a nursing ward already; 1,000 (10) of a
  // secondary hospital to rehabilitation beds on 2021-05-01; 10% of every level-2 hospital to
  // nursing beds on 2021-06-15.
  auto scenario = scenario_with(
      {"simulation.end=2021-08-31", "trends=[]",
       "policy_events=[{date: 2021-03-10, convert_hospital_beds: {hospitals: [Haizhu tertiary], "
       "beds: 2000, to: nursing}}, {date: 2021-03-10, convert_hospital_beds: {hospitals: [Haizhu "
       "primary], beds: 500}}, {date: 2021-05-01, convert_hospital_beds: {hospitals: [Liwan "
       "secondary], beds: 1000, to: rehabilitation}}, {date: 2021-06-15, convert_hospital_beds: "
       "{tier: 2, percent: 10, to: nursing}}]"});
  const Scenario& s = *scenario;
  ASSERT_DOUBLE_EQ(s.population.scale, 0.01);
  ElderModel model(scenario);
  const auto& calendar = model.calendar();
  const auto nh = static_cast<std::size_t>(s.hospital_count());
  const std::size_t tertiary = hospital_named(s, "Haizhu tertiary"),
                    primary = hospital_named(s, "Haizhu primary"),
                    liwan = hospital_named(s, "Liwan secondary");
  const std::size_t tertiary_ward = facility_named(s, "Haizhu tertiary nursing ward"),
                    primary_ward = facility_named(s, "Haizhu primary nursing ward");
  // Every level-2 hospital got a nursing ward for the percent conversion.
  std::vector<std::size_t> tier2, tier2_ward;
  for (std::size_t h = 0; h < nh; ++h)
    if (s.hospitals.hospitals[h].tier == 2) {
      tier2.push_back(h);
      tier2_ward.push_back(facility_named(s, s.hospitals.hospitals[h].name + " nursing ward"));
    }
  ASSERT_EQ(tier2.size(), 22u);

  const hospital::State& state = model.hospitals().state();
  const care::Ledger& ledger = model.care().ledger();
  const std::vector<hospital::Unit> initial = state.units;
  std::vector<std::int64_t> initial_places;
  for (std::size_t f = 0; f < ledger.facility_count(); ++f)
    initial_places.push_back(ledger.place(f).places);
  EXPECT_EQ(initial[tertiary].beds, 91);  // 9,123 at 1%
  EXPECT_EQ(initial[primary].beds, 11);
  EXPECT_EQ(initial[liwan].beds, 27);
  EXPECT_EQ(initial[liwan].rehabilitation_beds, 0);
  EXPECT_EQ(initial_places[tertiary_ward], 0);  // a ward made for the conversion
  EXPECT_EQ(initial_places[primary_ward], 2);   // 224 nursing beds at 1%
  // The 10% conversion takes round(10%) of the beds each level-2 hospital has on its date
  // (Liwan secondary's are fewer by then).
  std::vector<std::int64_t> tenth(nh, 0);
  for (std::size_t h : tier2) {
    const std::int64_t before = initial[h].beds - (h == liwan ? 10 : 0);
    tenth[h] = std::llround(0.1 * static_cast<double>(before));
  }
  EXPECT_EQ(tenth[liwan], 2);  // 10% of 17

  const sim::Day march = sim::make_day(2021, 3, 10), may = sim::make_day(2021, 5, 1),
                 june = sim::make_day(2021, 6, 15);
  // In the world: the beds change in the step holding each date, not before.
  std::int64_t moved_in_ward_total = 0;
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    const bool after_march = step.end_day() > march, after_may = step.end_day() > may,
               after_june = step.end_day() > june;
    const auto& units = state.units;
    EXPECT_EQ(units[tertiary].beds, initial[tertiary].beds - (after_march ? 20 : 0))
        << sim::format_date(step.first_day);
    EXPECT_EQ(ledger.place(tertiary_ward).places,
              initial_places[tertiary_ward] + (after_march ? 20 : 0));
    EXPECT_EQ(ledger.place(tertiary_ward).nursing_places, ledger.place(tertiary_ward).places);
    EXPECT_EQ(units[primary].beds, initial[primary].beds - (after_march ? 5 : 0));
    EXPECT_EQ(ledger.place(primary_ward).places,
              initial_places[primary_ward] + (after_march ? 5 : 0));
    EXPECT_EQ(units[liwan].rehabilitation_beds, after_may ? 10 : 0);
    for (std::size_t k = 0; k < tier2.size(); ++k) {
      const std::size_t h = tier2[k];
      const std::int64_t expected =
          initial[h].beds - (h == liwan && after_may ? 10 : 0) - (after_june ? tenth[h] : 0);
      EXPECT_EQ(units[h].beds, expected)
          << s.hospitals.hospitals[h].name << " " << sim::format_date(step.first_day);
      EXPECT_EQ(ledger.place(tier2_ward[k]).places,
                initial_places[tier2_ward[k]] + (after_june ? tenth[h] : 0))
          << s.hospitals.hospitals[h].name;
    }
    // Nothing else moves.
    for (std::size_t h = 0; h < nh; ++h) {
      if (h == tertiary || h == primary || s.hospitals.hospitals[h].tier == 2) continue;
      EXPECT_EQ(units[h].beds, initial[h].beds) << s.hospitals.hospitals[h].name;
    }
    if (step.ends_period) moved_in_ward_total = ledger.place(tertiary_ward).places;
  });
  EXPECT_EQ(moved_in_ward_total, 20);

  // In the output: the period holding the date shows the change, the one before does not.
  const Rows& beds = sink.ints.at("n_beds_by_hospital");
  const Rows& rehab = sink.ints.at("n_rehabilitation_beds_by_hospital");
  const Rows& places = sink.ints.at("n_places_by_facility");
  const std::size_t p_march = period_of(calendar, march), p_may = period_of(calendar, may),
                    p_june = period_of(calendar, june);
  ASSERT_EQ(p_march, 14u);
  for (std::size_t t = 0; t < beds.size(); ++t) {
    EXPECT_EQ(beds[t][tertiary], initial[tertiary].beds - (t >= p_march ? 20 : 0)) << t;
    EXPECT_EQ(places[t][tertiary_ward], t >= p_march ? 20 : 0) << t;
    EXPECT_EQ(beds[t][primary], initial[primary].beds - (t >= p_march ? 5 : 0)) << t;
    EXPECT_EQ(places[t][primary_ward], initial_places[primary_ward] + (t >= p_march ? 5 : 0)) << t;
    EXPECT_EQ(rehab[t][liwan], t >= p_may ? 10 : 0) << t;
    std::int64_t tier2_beds = 0, tier2_before = 0, ward_places = 0;
    for (std::size_t k = 0; k < tier2.size(); ++k) {
      tier2_beds += beds[t][tier2[k]];
      tier2_before += initial[tier2[k]].beds - (tier2[k] == liwan && t >= p_may ? 10 : 0);
      ward_places += places[t][tier2_ward[k]];
    }
    const std::int64_t moved = t >= p_june ? sum_of(tenth) : 0;
    EXPECT_EQ(tier2_beds, tier2_before - moved) << t;
    EXPECT_EQ(ward_places, moved) << t;
  }
  // The new nursing places are used.
  EXPECT_GT(sink.ints.at("n_occupied_by_facility").back()[tertiary_ward], 0);
}

// ---- 5, 6. delayed discharge --------------------------------------------------------------------

TEST(HospitalDischarge, NoDelayWithUnlimitedCarePlacesAndMoreWithFewerHomeBeds) {
  const std::vector<std::string> base{"simulation.end=2022-12-31"};
  const auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), base.begin(), base.end());
    return run(extra);
  };
  const MemorySink unlimited = with({"care.unlimited_capacity=true"});
  EXPECT_EQ(total(unlimited.doubles.at("new_delayed_discharge_days")), 0.0);
  EXPECT_EQ(total(unlimited.ints.at("new_delayed_discharge_days_by_hospital")), 0);
  EXPECT_EQ(total(unlimited.ints.at("n_delayed_discharge")), 0);
  EXPECT_GT(total(unlimited.ints.at("new_admissions_by_hospital")), 5000);

  // Home beds cut by half, then by four fifths, from 2021-01-01: more patients wait in
  // hospital for a bed, for longer. Compared over 2021-2022.
  const MemorySink baseline = with({});
  const MemorySink half = with({"policy_events=[" + institution_cut("2021-01-01", -50) + "]"});
  const MemorySink fifth = with({"policy_events=[" + institution_cut("2021-01-01", -80) + "]"});
  const auto delayed = [](const MemorySink& s) {
    return total(s.doubles.at("new_delayed_discharge_days"), 12, 36);
  };
  // The district series adds up the hospitals'.
  EXPECT_DOUBLE_EQ(
      total(half.doubles.at("new_delayed_discharge_days")),
      static_cast<double>(total(half.ints.at("new_delayed_discharge_days_by_hospital"))));
  EXPECT_GE(delayed(baseline), 0.0);
  EXPECT_GT(delayed(half), delayed(baseline));
  EXPECT_GT(delayed(fifth), delayed(half));
  EXPECT_GT(total(fifth.ints.at("n_delayed_discharge"), 12, 36),
            total(baseline.ints.at("n_delayed_discharge"), 12, 36));
  // Before the cut the three runs are the same run.
  EXPECT_EQ(total(half.doubles.at("new_delayed_discharge_days"), 0, 12),
            total(baseline.doubles.at("new_delayed_discharge_days"), 0, 12));
  // Waiting patients hold acute beds: the elderly use more bed-days per admission.
  const auto per_admission = [](const MemorySink& s) {
    return total(s.doubles.at("new_hospital_bed_days"), 12, 36) /
           static_cast<double>(total(s.ints.at("new_admissions_by_hospital"), 12, 36));
  };
  EXPECT_GT(per_admission(fifth), per_admission(baseline));
}

TEST(HospitalDischarge, PriorityForWaitingPatientsShortensDelays) {
  // Congested: half the home beds from the start; the same seed with and without the switch.
  const std::vector<std::string> congested{
      "simulation.end=2022-12-31", "policy_events=[" + institution_cut("2020-01-01", -50) + "]"};
  std::vector<std::string> priority = congested;
  priority.emplace_back("programmes.medical_care.discharge_priority=true");
  const MemorySink without = run(congested);
  const MemorySink with = run(priority);
  const double days_without = total(without.doubles.at("new_delayed_discharge_days"));
  const double days_with = total(with.doubles.at("new_delayed_discharge_days"));
  EXPECT_GT(days_without, 0.0);
  EXPECT_LT(days_with, days_without);
  EXPECT_LT(total(with.ints.at("n_delayed_discharge")),
            total(without.ints.at("n_delayed_discharge")));
}

// ---- 7. accounting ------------------------------------------------------------------------------

TEST(HospitalFlows, DeathsAndPeopleAreAccountedFor) {
  // With delays (fewer home beds) and moves between districts.
  auto scenario =
      scenario_with({"simulation.end=2022-12-31",
                     "migration=[{from: Yuexiu, to: Baiyun, annual_rate: 0.05}, {from: Haizhu, "
                     "to: Panyu, annual_rate: 0.05}]",
                     "policy_events=[" + institution_cut("2020-06-01", -50) + "]"});
  ElderModel model(scenario);
  const auto nd = static_cast<std::size_t>(scenario->district_count());
  const Census initial = model.count(model.calendar().spec().start);
  Rows inpatients, delayed;
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    if (!step.ends_period) return;
    const People& p = model.people();
    std::vector<std::int64_t> in(nd, 0), waiting(nd, 0);
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i] || !p.in_hospital(i)) continue;
      in[p.district[i]] += 1;
      if (model.hospitals().state().stay(p.stay[i]).flags & hospital::kDelayedDischarge)
        waiting[p.district[i]] += 1;
    }
    inpatients.push_back(in);
    delayed.push_back(waiting);
  });
  const Rows& alive = sink.ints.at("n_alive");
  const Rows& deaths = sink.ints.at("new_deaths");
  const Rows& hospital_deaths = sink.ints.at("new_hospital_deaths");
  const Rows& entrants = sink.ints.at("new_entrants");
  const Rows& in = sink.ints.at("new_migrants_in");
  const Rows& out = sink.ints.at("new_migrants_out");
  ASSERT_EQ(alive.size(), 36u);
  for (std::size_t t = 0; t < alive.size(); ++t) {
    for (std::size_t d = 0; d < nd; ++d) {
      const std::int64_t before = t == 0 ? initial.alive_in(static_cast<int>(d)) : alive[t - 1][d];
      EXPECT_EQ(alive[t][d], before + entrants[t][d] - deaths[t][d] + in[t][d] - out[t][d])
          << "period " << t << " district " << d;
      EXPECT_LE(hospital_deaths[t][d], deaths[t][d]) << "period " << t << " district " << d;
    }
    EXPECT_EQ(sink.ints.at("n_inpatients")[t], inpatients[t]) << "period " << t;
    EXPECT_EQ(sink.ints.at("n_delayed_discharge")[t], delayed[t]) << "period " << t;
    // In-hospital deaths by the patient's district and by hospital agree.
    EXPECT_EQ(sum_of(hospital_deaths[t]), sum_of(sink.ints.at("new_deaths_by_hospital")[t]));
  }
  EXPECT_GT(total(hospital_deaths), 0);
  EXPECT_GT(total(delayed), 0);
  // Deaths by sex and age add up to the deaths, hospital deaths included.
  EXPECT_EQ(total(sink.ints.at("new_deaths_by_sex_age")), total(deaths));
}

// ---- 8. medical-care levers ---------------------------------------------------------------------

// Admissions seen at the end of the step they happened in (stays ending within that step are
// missed alike in every run), by the patient's state when admitted.
struct AdmissionsSeen {
  std::int64_t healthy_at_home = 0, disabled_at_home = 0, severe_at_home = 0, residents = 0;
};

AdmissionsSeen count_admissions(const std::vector<std::string>& overrides) {
  ElderModel model(scenario_with(overrides));
  AdmissionsSeen seen;
  run_checking(model, [&](const sim::Step& step) {
    const People& p = model.people();
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.in_hospital(i) || model.hospitals().state().stay(p.stay[i]).admitted < step.first_day)
        continue;
      if (p.care_mode[i] == kInstitution)
        seen.residents += 1;
      else if (p.adl[i] >= 3)
        seen.severe_at_home += 1;
      else if (p.adl[i] >= 1)
        seen.disabled_at_home += 1;
      else
        seen.healthy_at_home += 1;
    }
  });
  return seen;
}

TEST(HospitalAdmissions, MedicalCareLeversLowerTheAdmissionsOfThoseCovered) {
  // No delayed discharge, so that everyone still in hospital at a step's end is in the state
  // they were admitted in. Twice the default scale for clearer counts.
  const std::vector<std::string> base{
      "simulation.end=2021-12-31",
      "population.scale=0.02",
      "hospital_system.discharge.delay_for=[]",
      "programmes.medical_care.home_sickbeds={min_level: 3, coverage: 0, admission_ratio: 1}",
      "programmes.medical_care.family_doctor={min_level: 1, coverage: 0, admission_ratio: 1}",
      "programmes.medical_care.residents={contracted_clinic: {admission_ratio: 1}, own_clinic: "
      "{admission_ratio: 1}, medical_institution: {admission_ratio: 1}}"};
  std::vector<std::string> levers = base;
  levers.insert(
      levers.end(),
      {"programmes.medical_care.home_sickbeds={min_level: 3, coverage: 1, admission_ratio: 0}",
       "programmes.medical_care.family_doctor={min_level: 1, coverage: 1, admission_ratio: 0.5}",
       "programmes.medical_care.residents={contracted_clinic: {admission_ratio: 0.5}, "
       "own_clinic: {admission_ratio: 0.5}, medical_institution: {admission_ratio: 0.5}}"});
  const AdmissionsSeen a = count_admissions(base);
  const AdmissionsSeen b = count_admissions(levers);
  const auto ratio = [](std::int64_t x, std::int64_t y) {
    return static_cast<double>(x) / static_cast<double>(y);
  };
  ASSERT_GT(a.severe_at_home, 100);
  ASSERT_GT(a.disabled_at_home, 300);
  ASSERT_GT(a.residents, 100);
  // Home sickbeds with ratio 0 for everyone at level 3+ at home: none of them is admitted.
  EXPECT_EQ(b.severe_at_home, 0);
  // Family doctors halve the rate of levels 1-2 at home; residents' homes halve theirs.
  EXPECT_NEAR(ratio(b.disabled_at_home, a.disabled_at_home), 0.5, 0.1)
      << b.disabled_at_home << " / " << a.disabled_at_home;
  EXPECT_NEAR(ratio(b.residents, a.residents), 0.5, 0.15) << b.residents << " / " << a.residents;
  // Nobody else is covered.
  EXPECT_NEAR(ratio(b.healthy_at_home, a.healthy_at_home), 1.0, 0.05)
      << b.healthy_at_home << " / " << a.healthy_at_home;
}

TEST(HospitalAdmissions, PartialCoverageLowersAdmissionsInProportion) {
  // Half the disabled at home covered by family doctors who prevent every admission: about half
  // of their admissions remain; nobody at level 0 is affected (min_level 1).
  const std::vector<std::string> base{"simulation.end=2021-12-31", "population.scale=0.02",
                                      "hospital_system.discharge.delay_for=[]",
                                      "programmes.medical_care.home_sickbeds.coverage=0",
                                      "programmes.medical_care.family_doctor.coverage=0"};
  std::vector<std::string> half = base;
  half.emplace_back(
      "programmes.medical_care.family_doctor={min_level: 1, coverage: 0.5, admission_ratio: 0}");
  const AdmissionsSeen a = count_admissions(base);
  const AdmissionsSeen b = count_admissions(half);
  const double covered_out = static_cast<double>(b.disabled_at_home + b.severe_at_home) /
                             static_cast<double>(a.disabled_at_home + a.severe_at_home);
  EXPECT_NEAR(covered_out, 0.5, 0.1);
  EXPECT_NEAR(static_cast<double>(b.healthy_at_home) / static_cast<double>(a.healthy_at_home), 1.0,
              0.05);
}

TEST(HospitalAdmissions, SeasonalityMovesAdmissionsBetweenMonths) {
  // All of the year's admissions pressure in January (factors normalised to a mean of one:
  // January 12, the other months 0), against a flat year.
  const std::vector<std::string> base{
      "simulation.end=2020-03-31",
      "hospital_system.admissions.seasonality=[1, 1, 1, 1, 1, 1, 1, "
      "1, 1, 1, 1, 1]"};
  std::vector<std::string> january = base;
  january.emplace_back(
      "hospital_system.admissions.seasonality=[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]");
  const MemorySink flat = run(base);
  const MemorySink peak = run(january);
  // Patients seeking a bed: admitted or turned away (January fills the hospitals).
  const auto seeking = [](const MemorySink& s, std::size_t t) {
    return sum_of(s.ints.at("new_admissions_by_hospital")[t]) +
           sum_of(s.ints.at("new_turned_away")[t]);
  };
  ASSERT_EQ(peak.ints.at("new_admissions_by_hospital").size(), 3u);
  EXPECT_GT(seeking(flat, 1), 100);
  EXPECT_EQ(seeking(peak, 1), 0);  // February
  EXPECT_EQ(seeking(peak, 2), 0);  // March
  // Twelve times the rate: about twelve times the patients (a little fewer as the weekly
  // probability saturates, a little more as those turned away may seek a bed again), within the
  // noise of some 300 in the flat January.
  EXPECT_GT(seeking(peak, 0), 9 * seeking(flat, 0)) << seeking(flat, 0);
  EXPECT_LT(seeking(peak, 0), 14 * seeking(flat, 0)) << seeking(flat, 0);
}

// ---- 9. determinism -----------------------------------------------------------------------------

TEST(HospitalDeterminism, SameRunGivesIdenticalHospitalSeries) {
  // The CLI test and Demography.ResultsAreIdenticalForAnyThreadCount compare the default run
  // across thread counts; this run takes the rarer paths too: rehabilitation and nursing
  // conversions, delayed discharge with the priority switched on by an event, a hospital that
  // opens (the Zengcheng scenario's, early and with rehabilitation beds) and one that closes.
  // Run with one thread, two, and one again.
  auto scenario = std::make_shared<const Scenario>(parse_scenario(sim::load_configuration(
      testing::config_path("new-tertiary-zengcheng.yaml"),
      {"population.scale=0.01", "simulation.end=2021-12-31", "trends=[]",
       "hospital_system.hospitals.Zengcheng new tertiary.opens=2020-09-01",
       "hospital_system.hospitals.Zengcheng new tertiary.rehabilitation_beds=200",
       "hospital_system.hospitals.Nansha private.closes=2021-03-31",
       "policy_events=[" + institution_cut("2020-01-01", -60) +
           ", {date: 2020-04-01, convert_hospital_beds: {tier: 2, percent: 15, to: "
           "rehabilitation}}, {date: 2020-07-01, convert_hospital_beds: {tier: 1, percent: 20}}, "
           "{date: 2021-01-01, set_medical_care: {discharge_priority: true}}]"})));
  std::vector<MemorySink> runs;
  for (int threads : {1, 2, 1}) runs.push_back(testing::run_scenario(scenario, threads));
  // Every series bit for bit, the /hospitals group and the hospital series by district among
  // them (NaN marks "no stays ended", and NaN != NaN).
  ElderModel declared(scenario);
  for (const auto& spec : declared.series().specs()) {
    if (spec.group != "hospitals") continue;
    EXPECT_EQ(runs[0].ints.count(spec.name) + runs[0].doubles.count(spec.name), 1u) << spec.name;
  }
  for (std::size_t r = 1; r < runs.size(); ++r) testing::expect_identical(runs[0], runs[r]);
  // The rarer paths were taken.
  const MemorySink& s = runs[0];
  const std::size_t opening = hospital_named(*scenario, "Zengcheng new tertiary"),
                    nansha = hospital_named(*scenario, "Nansha private");
  EXPECT_EQ(s.ints.at("n_beds_by_hospital")[7][opening], 0);   // August 2020
  EXPECT_EQ(s.ints.at("n_beds_by_hospital")[8][opening], 20);  // September 2020
  EXPECT_EQ(s.ints.at("n_rehabilitation_beds_by_hospital")[8][opening], 2);
  std::int64_t admitted_there = 0;
  for (std::size_t t = 8; t < 24; ++t)
    admitted_there += s.ints.at("new_admissions_by_hospital")[t][opening];
  EXPECT_GT(admitted_there, 0);
  // Admits nobody from the step holding its closing date (the last of March 2021) and closes
  // once its last patient has left (a patient waiting for a care place may keep it open for a
  // while), then stays closed.
  EXPECT_GT(s.ints.at("n_beds_by_hospital")[13][nansha], 0);  // February 2021
  std::size_t closed_from = 24;
  for (std::size_t t = 24; t-- > 14;)
    if (s.ints.at("n_beds_by_hospital")[t][nansha] == 0) closed_from = t;
  EXPECT_LT(closed_from, 24u) << "never closed";
  for (std::size_t t = closed_from; t < 24; ++t)
    EXPECT_EQ(s.ints.at("n_beds_by_hospital")[t][nansha], 0) << "month " << t;
  for (std::size_t t = 15; t < 24; ++t)
    EXPECT_EQ(s.ints.at("new_admissions_by_hospital")[t][nansha], 0);
  EXPECT_GT(total(s.ints.at("new_rehabilitation_bed_days_by_hospital")), 0);
  EXPECT_GT(total(s.ints.at("new_delayed_discharge_days_by_hospital")), 0);
}

// ---- 10. background (under-60) patients ---------------------------------------------------------

// No elderly patient is admitted: the hospitals hold only the background.
const std::string kNoAdmissions =
    "hospital_system.admissions.annual_rate_by_band=[0, 0, 0, 0, 0, 0, 0, 0]";

TEST(HospitalBackground, ReachesItsConfiguredSteadyStateWithoutElderlyPatients) {
  // Shares by tier (the private units keep their own 55%); Yuexiu tertiary opens, empty, on
  // 2020-03-01, a period's first day.
  auto scenario = scenario_with({"simulation.end=2020-12-31", kNoAdmissions,
                                 "hospital_system.background.occupancy_by_tier=[0.3, 0.5, 0.8]",
                                 "hospital_system.hospitals.Yuexiu tertiary.opens=2020-03-01"});
  ElderModel model(scenario);
  const auto nh = static_cast<std::size_t>(scenario->hospital_count());
  const std::size_t opening = hospital_named(*scenario, "Yuexiu tertiary");
  const double stay = scenario->hospitals.background.mean_stay_days;
  const MemorySink sink = run_in_memory(model);
  const auto& occupancy = sink.doubles.at("total_occupancy_by_hospital");
  const Rows& beds = sink.ints.at("n_beds_by_hospital");
  ASSERT_EQ(occupancy.size(), 12u);
  EXPECT_EQ(total(sink.ints.at("new_elderly_bed_days_by_hospital")), 0);
  EXPECT_EQ(total(sink.doubles.at("new_background_turned_away")), 0.0);
  const hospital::State& state = model.hospitals().state();
  for (std::size_t h = 0; h < nh; ++h) {
    const HospitalSpec& spec = scenario->hospitals.hospitals[h];
    const double share = spec.background_occupancy[0];
    EXPECT_DOUBLE_EQ(share, spec.ownership == Ownership::kPrivate ? 0.58
                            : spec.tier == 1                      ? 0.3
                            : spec.tier == 2                      ? 0.5
                                                                  : 0.8)
        << spec.name;
    const auto n = static_cast<double>(beds.back()[h]);
    ASSERT_GT(n, 0) << spec.name;
    // The steady state: share x beds patients (a fluid, to rounding error), and as occupancy
    // within half a bed (the beds held are whole).
    EXPECT_NEAR(state.background[h], share * n, 1e-9 * n) << spec.name;
    for (std::size_t t = h == opening ? 6 : 0; t < occupancy.size(); ++t)
      EXPECT_NEAR(occupancy[t][h] * n, share * n, 0.5 + 1e-9) << spec.name << " period " << t;
  }
  // The hospital that opens empty fills like a fluid with exponential stays: day k after the
  // opening holds share x beds x (1 - (1 - 1/stay)^k), rounded, and March's occupancy is their
  // mean.
  EXPECT_TRUE(std::isnan(occupancy[1][opening]));  // closed in February: no bed-days
  const double n = static_cast<double>(beds[2][opening]);
  double march = 0;
  for (int k = 1; k <= 31; ++k)
    march += static_cast<double>(std::llround(0.8 * n * (1 - std::pow(1 - 1 / stay, k))));
  march /= 31 * n;
  EXPECT_LT(march, 0.8 - 0.15);
  EXPECT_NEAR(occupancy[2][opening], march, 1.0 / n);
}

TEST(HospitalBackground, GrowsAtTheConfiguredRate) {
  // 5% a year from 30% of the beds (the beds never fill), no elderly patients.
  std::vector<std::string> overrides = background_everywhere("0.3");
  overrides.insert(overrides.end(), {"simulation.end=2022-12-31", kNoAdmissions, "trends=[]",
                                     "hospital_system.background.annual_growth=0.05"});
  auto scenario = scenario_with(overrides);
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const auto& admitted = sink.doubles.at("new_background_admissions_by_hospital");
  ASSERT_EQ(admitted.size(), 36u);
  EXPECT_EQ(total(sink.doubles.at("new_background_turned_away_by_hospital")), 0.0);
  // Arrivals over 2022 against 2021 (365 days each): the growth of 365 days, compounded by
  // years of 365.25 days.
  const double y2021 = total(admitted, 12, 24), y2022 = total(admitted, 24, 36);
  EXPECT_NEAR(y2022 / y2021, std::pow(1.05, 365 / 365.25), 1e-9);
  // 2020 is a leap year: the same for a mean day.
  const double y2020 = total(admitted, 0, 12);
  EXPECT_NEAR((y2021 / 365) / (y2020 / 366), 1.05, 2e-4);
  // The patients in hospital follow: 30% of the beds times about three years of growth (the
  // fluid lags its inflow by about a mean stay).
  const hospital::State& state = model.hospitals().state();
  double in = 0, beds = 0;
  for (std::size_t h = 0; h < state.units.size(); ++h)
    in += state.background[h], beds += static_cast<double>(state.units[h].beds);
  const double years = (model.calendar().spec().end + 1 - model.calendar().spec().start -
                        scenario->hospitals.background.mean_stay_days) /
                       365.25;
  EXPECT_NEAR(in / beds, 0.3 * std::pow(1.05, years), 1e-3);
}

// ---- 11. diversion within reach -----------------------------------------------------------------

TEST(HospitalFlows, DiversionGoesOnlyAsFarAsTheTravelLimit) {
  // Every bed is taken by the background except in Conghua's secondary hospital, far from the
  // city centre. With the limit of an hour (the default), only patients living within an hour
  // of Conghua reach it; without a limit, patients from all over the city are diverted there.
  std::vector<std::string> base = background_everywhere("1");
  base.insert(base.end(), {"simulation.end=2020-06-30",
                           "hospital_system.hospitals.Conghua secondary.background_occupancy=0"});
  auto limited = scenario_with(base);
  base.emplace_back("hospital_system.diversion.max_minutes=100000");
  auto unlimited = scenario_with(base);
  ASSERT_DOUBLE_EQ(limited->hospitals.diversion_max_minutes, 60);
  const std::size_t open = hospital_named(*limited, "Conghua secondary");
  const int conghua = limited->hospitals.hospitals[open].district;
  const auto nd = static_cast<std::size_t>(limited->district_count());
  std::vector<bool> far(nd);
  std::size_t n_far = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    far[d] = limited->travel(static_cast<int>(d), conghua) > 60;
    n_far += far[d] ? 1 : 0;
  }
  ASSERT_FALSE(far[static_cast<std::size_t>(conghua)]);
  ASSERT_GE(n_far, 8u);  // all but Conghua and perhaps a neighbour

  const auto from_far = [&](const MemorySink& s) {
    std::int64_t n = 0;
    for (const auto& row : s.ints.at("new_hospital_admissions_by_origin"))
      for (std::size_t d = 0; d < nd; ++d)
        if (far[d]) n += row[d * nd + static_cast<std::size_t>(conghua)];
    return n;
  };
  ElderModel with_limit(limited), without_limit(unlimited);
  const MemorySink a = run_in_memory(with_limit);
  const MemorySink b = run_in_memory(without_limit);
  // Within reach: Conghua's own patients whose first choice (Conghua private, full) sent them
  // there are admitted; beyond it nobody, and they are turned away instead.
  EXPECT_EQ(from_far(a), 0);
  EXPECT_GT(total(a.ints.at("new_admissions_by_hospital")), 0);
  EXPECT_GT(total(a.ints.at("new_diverted_by_hospital")), 0);
  EXPECT_GT(from_far(b), 0);
  EXPECT_GT(total(a.ints.at("new_turned_away")), total(b.ints.at("new_turned_away")));
  for (const MemorySink* s : {&a, &b})
    EXPECT_EQ(total(s->ints.at("new_turned_away")),
              total(s->ints.at("new_turned_away_by_hospital")));
}

// ---- 12. the cap on waiting in an acute bed -----------------------------------------------------

TEST(HospitalDischarge, WaitCapSendsPatientsHomeStillOnTheWaitingList) {
  // Few home beds (patients wait in hospital), a cap of 14 days, no rehabilitation beds.
  constexpr int kCap = 14;
  auto scenario = scenario_with({"simulation.end=2021-06-30",
                                 "hospital_system.discharge.max_wait_days=" + std::to_string(kCap),
                                 "policy_events=[" + institution_cut("2020-01-01", -60) + "]"});
  ElderModel model(scenario);
  const auto& delay_for = scenario->hospitals.delay_for;
  // Ids of the patients waiting in an acute bed whose cap falls in the next step.
  std::vector<std::uint64_t> due;
  std::vector<std::int64_t> home_and_waiting;  // per period: the due who left and still wait
  std::int64_t this_period = 0, longest = 0, due_seen = 0;
  const MemorySink sink = run_checking(model, [&](const sim::Step& step) {
    const People& p = model.people();
    const hospital::State& state = model.hospitals().state();
    std::sort(due.begin(), due.end());
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i] || !std::binary_search(due.begin(), due.end(), p.id[i])) continue;
      ++due_seen;
      EXPECT_FALSE(p.in_hospital(i)) << "still in an acute bed past the cap, id " << p.id[i];
      // Sent home at the cap (still waiting, no longer from a hospital bed), or given the place
      // (or gone from the list) at this step's care step and discharged.
      if (model.care().waits_for_new_place(p, i, delay_for)) {
        ++this_period;
        EXPECT_FALSE(p.care_flags[i] & kWaitsInHospital);
      }
    }
    due.clear();
    const sim::Day next_end = model.next_step() < model.calendar().n_steps()
                                  ? model.calendar().step(model.next_step()).end_day()
                                  : step.end_day();
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p.alive[i] || !p.in_hospital(i)) continue;
      const hospital::Stay& s = state.stay(p.stay[i]);
      if (!(s.flags & hospital::kDelayedDischarge) || (s.flags & hospital::kInRehabilitationBed))
        continue;
      longest = std::max<std::int64_t>(longest, step.end_day() - s.until);
      EXPECT_LE(step.end_day() - s.until, kCap) << "id " << p.id[i];
      if (s.until + kCap < next_end) due.push_back(p.id[i]);
    }
    if (step.ends_period) {
      home_and_waiting.push_back(this_period);
      this_period = 0;
    }
  });
  const Rows& capped = sink.ints.at("new_wait_cap_discharges");
  ASSERT_EQ(capped.size(), home_and_waiting.size());
  for (std::size_t t = 0; t < capped.size(); ++t) {
    EXPECT_EQ(sum_of(capped[t]), home_and_waiting[t]) << "period " << t;
    EXPECT_EQ(sum_of(capped[t]), sum_of(sink.ints.at("new_wait_cap_discharges_by_hospital")[t]));
  }
  EXPECT_GT(total(capped), 50);
  EXPECT_GT(due_seen, total(capped) - 1);
  EXPECT_EQ(longest, kCap);  // the cap binds
}

// ---- 13. cost -----------------------------------------------------------------------------------

TEST(HospitalCost, BedDaysAreChargedAtTheirTiersPriceToInsuranceAndPatient) {
  // Prices with fen, rehabilitation beds in use (a conversion and fewer home beds).
  const std::vector<std::string> base{
      "simulation.end=2020-12-31",
      "policy_events=[" + institution_cut("2020-01-01", -60) +
          ", {date: 2020-03-01, convert_hospital_beds: {tier: 2, percent: 20, to: "
          "rehabilitation}}]"};
  std::vector<std::string> priced = base, unpriced = base;
  priced.emplace_back(
      "hospital_system.cost={per_bed_day_by_tier: [100.25, 200.5, 300.75], "
      "rehabilitation_per_bed_day: 50.01, insurance_share: 0.7}");
  unpriced.emplace_back(
      "hospital_system.cost={per_bed_day_by_tier: [0, 0, 0], rehabilitation_per_bed_day: 0}");
  auto scenario = scenario_with(priced);
  ElderModel model(scenario);
  const MemorySink sink = run_in_memory(model);
  const MemorySink free_care = run(unpriced);
  const std::array<std::int64_t, 3> price{10025, 20050, 30075};  // fen
  const std::int64_t rehab_price = 5001;
  const auto nd = static_cast<std::size_t>(scenario->district_count());
  const Rows& acute = sink.ints.at("new_elderly_bed_days_by_hospital");
  const Rows& rehab = sink.ints.at("new_rehabilitation_bed_days_by_hospital");
  const auto& spent = sink.doubles.at("new_hospital_spending");
  ASSERT_EQ(spent.size(), 12u);
  for (std::size_t t = 0; t < spent.size(); ++t) {
    std::vector<std::int64_t> expected(nd, 0);
    for (std::size_t h = 0; h < acute[t].size(); ++h) {
      const HospitalSpec& hs = scenario->hospitals.hospitals[h];
      expected[static_cast<std::size_t>(hs.district)] +=
          acute[t][h] * price[static_cast<std::size_t>(hs.tier - 1)] + rehab[t][h] * rehab_price;
    }
    for (std::size_t d = 0; d < nd; ++d) {
      const std::int64_t insurance = std::llround(spent[t][d * kHospitalPayers] * 100);
      const std::int64_t patient = std::llround(spent[t][d * kHospitalPayers + 1] * 100);
      EXPECT_EQ(insurance + patient, expected[d]) << "period " << t << " district " << d;
      // 70% to insurance, rounded to the fen once per hospital and step.
      EXPECT_NEAR(static_cast<double>(insurance), 0.7 * static_cast<double>(expected[d]), 30)
          << "period " << t << " district " << d;
    }
  }
  EXPECT_GT(total(rehab), 0);
  EXPECT_GT(total(spent), 0.0);
  // Hospital care is kept apart from the spending on care, which does not change; without
  // prices nothing is booked.
  EXPECT_EQ(sink.doubles.at("new_spending"), free_care.doubles.at("new_spending"));
  EXPECT_EQ(total(free_care.doubles.at("new_hospital_spending")), 0.0);
}

}  // namespace
}  // namespace eldersim
