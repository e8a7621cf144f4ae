#include "models/metrics.hpp"

#include <algorithm>
#include <limits>

#include "models/care.hpp"
#include "models/finance.hpp"
#include "models/hospital.hpp"
#include "sim/parallel.hpp"

namespace eldersim {

using sim::SeriesKind;
using sim::h5::Element;

std::vector<std::string> facility_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& f : scenario.care.facilities) names.push_back(f.name);
  return names;
}

std::vector<std::string> hospital_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& h : scenario.hospitals.hospitals) names.push_back(h.name);
  return names;
}

std::vector<sim::DimensionSpec> dimension_specs(const Scenario& scenario) {
  return {
      {"district", scenario.district_names()},
      {"sex", {"male", "female"}},
      {"age_band", scenario.bands.labels()},
      {"adl_level", {"healthy", "mild", "moderate", "heavy", "severe"}},
      {"adl_from", {"healthy", "mild", "moderate", "heavy", "severe"}},
      {"adl_to", {"healthy", "mild", "moderate", "heavy", "severe"}},
      {"service", {"home", "community", "institution"}},
      {"payer", payer_names()},
      {"government_spending_type", government_spending_names()},
      {"facility", facility_names(scenario)},
      {"hospital", hospital_names(scenario)},
      {"destination_district", scenario.district_names()},
  };
}

std::vector<sim::SeriesSpec> series_specs() {
  const std::vector<std::string> d{"district"};
  const std::vector<std::string> dsa{"district", "sex", "age_band"};
  return {
      {"n_alive", d, Element::kInt64, SeriesKind::kStock, "people",
       "People alive at the end of the period"},
      {"n_alive_by_sex_age", dsa, Element::kInt64, SeriesKind::kStock, "people",
       "People alive at the end of the period by sex and age band"},
      {"n_adl",
       {"district", "adl_level"},
       Element::kInt64,
       SeriesKind::kStock,
       "people",
       "People alive at the end of the period by ADL level"},
      {"mean_age", d, Element::kFloat64, SeriesKind::kMean, "years",
       "Mean age of the people alive at the end of the period"},
      {"new_deaths", d, Element::kInt64, SeriesKind::kFlow, "people", "Deaths in the period"},
      {"new_deaths_by_sex_age", dsa, Element::kInt64, SeriesKind::kFlow, "people",
       "Deaths in the period by sex and age band (age at the middle of the step)"},
      {"person_years", dsa, Element::kFloat64, SeriesKind::kFlow, "years",
       "Person-years lived in the period (exposure for death rates: new_deaths / person_years)"},
      {"new_entrants", d, Element::kInt64, SeriesKind::kFlow, "people",
       "People reaching the minimum age (population.min_age, 60 by default) in the period"},
      {"new_migrants_in", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Moves into the district from another simulated district"},
      {"new_migrants_out", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Moves out of the district to another simulated district"},
      {"new_adl_transitions",
       {"district", "adl_from", "adl_to"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Changes of ADL level in the period, by level before and after"},
      // Care: who is where (stocks at the period's last day).
      {"n_home", d, Element::kInt64, SeriesKind::kStock, "people",
       "People receiving formal home care"},
      {"n_community", d, Element::kInt64, SeriesKind::kStock, "people",
       "People in community care (day-care centres)"},
      {"n_institution", d, Element::kInt64, SeriesKind::kStock, "people",
       "People living in an institution (elderly home), by their own district (the home may be "
       "elsewhere)"},
      {"n_no_care", d, Element::kInt64, SeriesKind::kStock, "people",
       "People at home without formal care (family or none)"},
      {"share_home", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Share of people 60+ cared for at home, with or without formal services: the 90 of 9064"},
      {"share_community", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Share of people 60+ in community care: the 6 of 9064"},
      {"share_institution", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Share of people 60+ in institutions: the 4 of 9064"},
      {"n_need", d, Element::kInt64, SeriesKind::kStock, "people",
       "People in need of care (ADL level >= care.need_level)"},
      {"n_unmet", d, Element::kInt64, SeriesKind::kStock, "people",
       "People in need of care without any formal care (waiting or not)"},
      {"coverage", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Share of people in need who receive formal care: 1 - n_unmet / n_need"},
      {"n_waiting",
       {"district", "service"},
       Element::kInt64,
       SeriesKind::kStock,
       "people",
       "People on a waiting list, by the service waited for and the person's district"},
      {"new_admissions",
       {"district", "service"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Admissions to a service in the period"},
      {"new_admissions_after_wait",
       {"district", "service"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Admissions in the period of people who had been waiting"},
      {"mean_wait_days",
       {"district", "service"},
       Element::kFloat64,
       SeriesKind::kMean,
       "days",
       "Mean completed wait of the admissions after a wait in the period (NaN if none)"},
      {"new_reneges",
       {"district", "service"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "People who gave up waiting (after care.renege_days) and chose again"},
      {"institution_occupancy", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Occupied beds / beds of the open institutions in the district (NaN if none)"},
      {"nursing_bed_occupancy", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Occupied nursing-type beds / nursing-type beds (NaN if none)"},
      {"community_occupancy", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Occupied day-care places / places (NaN if none)"},
      {"home_care_utilisation", d, Element::kFloat64, SeriesKind::kStock, "share",
       "Home-care worker hours allocated / hours available (NaN if none)"},
      {"beds_per_1000", d, Element::kFloat64, SeriesKind::kStock, "beds per 1000 people 60+",
       "Institution beds in the district per 1000 people 60+ living there"},
      {"nursing_beds_per_100", d, Element::kFloat64, SeriesKind::kStock, "beds per 100 people 60+",
       "Nursing-type institution beds per 100 people 60+"},
      {"respite_beds_per_100_in_need", d, Element::kFloat64, SeriesKind::kStock,
       "beds per 100 people in need",
       "Respite beds of the open community centres per 100 people in need (seed 004 asks for 3 "
       "per 100 disabled)"},
      {"spending",
       {"district", "payer"},
       Element::kFloat64,
       SeriesKind::kFlow,
       "yuan",
       "Spending on care in the period by payer (government, LTC insurance, out of pocket)"},
      {"government_spending",
       {"district", "government_spending_type"},
       Element::kFloat64,
       SeriesKind::kFlow,
       "yuan",
       "Government spending in the period by instrument"},
      // Per facility.
      {"facility_places",
       {"facility"},
       Element::kInt64,
       SeriesKind::kStock,
       "places",
       "Places (beds or day-care places) at the period end; 0 when closed",
       "facilities"},
      {"facility_occupied",
       {"facility"},
       Element::kInt64,
       SeriesKind::kStock,
       "people",
       "Places occupied at the period end",
       "facilities"},
      {"facility_waiting",
       {"facility"},
       Element::kInt64,
       SeriesKind::kStock,
       "people",
       "People waiting for the facility at the period end",
       "facilities"},
      {"facility_admissions",
       {"facility"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Admissions in the period",
       "facilities"},
      {"facility_mean_wait_days",
       {"facility"},
       Element::kFloat64,
       SeriesKind::kMean,
       "days",
       "Mean completed wait of admissions after a wait in the period (NaN if none)",
       "facilities"},
      // Hospitals by district: "by residence" counts patients by their own district, the others
      // count what happens in the district's hospitals.
      {"new_hospital_admissions", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Hospital admissions in the period, by the patient's district"},
      {"new_hospital_admissions_by_sex_age", dsa, Element::kInt64, SeriesKind::kFlow, "people",
       "Hospital admissions by the patient's district, sex and age band (rates: divide by "
       "person_years)"},
      {"new_hospital_admissions_by_origin",
       {"district", "destination_district"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Hospital admissions by the patient's district (rows) and the hospital's district "
       "(columns); rows sum to new_hospital_admissions; sum over a year's periods for the yearly "
       "referral matrix"},
      {"new_referrals", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Admissions referred one tier up, by the patient's district"},
      {"new_turned_away", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Patients who found no hospital with a free bed, by their district"},
      {"new_hospital_deaths", d, Element::kInt64, SeriesKind::kFlow, "people",
       "Deaths in hospital (also counted in new_deaths), by the patient's district"},
      {"n_inpatients", d, Element::kInt64, SeriesKind::kStock, "people",
       "People in hospital at the end of the period, by their district"},
      {"n_delayed_discharge", d, Element::kInt64, SeriesKind::kStock, "people",
       "People in hospital waiting for a care place at the end of the period, by their district"},
      {"n_hospital_beds", d, Element::kInt64, SeriesKind::kStock, "beds",
       "Acute beds of the open hospitals in the district at the period end (all ages)"},
      {"hospital_bed_days", d, Element::kFloat64, SeriesKind::kFlow, "bed-days",
       "Acute bed-days used by elderly patients in the district's hospitals (delayed discharge "
       "included)"},
      {"hospital_occupancy", d, Element::kFloat64, SeriesKind::kMean, "share",
       "Elderly acute bed-days / acute bed-days available in the district's hospitals (NaN if "
       "none)"},
      {"hospital_occupancy_total", d, Element::kFloat64, SeriesKind::kMean, "share",
       "Acute bed-days used by all ages (elderly plus background under-60 use) / bed-days "
       "available (NaN if none)"},
      {"delayed_discharge_days", d, Element::kFloat64, SeriesKind::kFlow, "bed-days",
       "Acute bed-days used by patients medically ready to leave who wait for a care place "
       "(bed-blocking), in the district's hospitals"},
      {"rehabilitation_bed_days", d, Element::kFloat64, SeriesKind::kFlow, "bed-days",
       "Rehabilitation bed-days used by patients waiting for a care place"},
      {"mean_length_of_stay", d, Element::kFloat64, SeriesKind::kMean, "days",
       "Mean length (admission to discharge or death, delays included) of the stays ending in "
       "the period in the district's hospitals (NaN if none)"},
      // Per hospital.
      {"hospital_beds",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kStock,
       "beds",
       "Acute beds at the period end; 0 when closed",
       "hospitals"},
      {"hospital_rehabilitation_beds",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kStock,
       "beds",
       "Rehabilitation beds at the period end",
       "hospitals"},
      {"hospital_new_admissions",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Elderly admissions in the period",
       "hospitals"},
      {"hospital_referred_in",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Admissions referred one tier up",
       "hospitals"},
      {"hospital_diverted",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Patients for whom this was the first choice, admitted elsewhere because it was full",
       "hospitals"},
      {"hospital_turned_away",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Patients for whom this was the first choice and no hospital had a free bed",
       "hospitals"},
      {"hospital_deaths",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Elderly deaths in the hospital",
       "hospitals"},
      {"hospital_elderly_bed_days",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "bed-days",
       "Acute bed-days used by elderly patients",
       "hospitals"},
      {"hospital_elderly_occupancy",
       {"hospital"},
       Element::kFloat64,
       SeriesKind::kMean,
       "share",
       "Elderly acute bed-days / acute bed-days available (NaN if none)",
       "hospitals"},
      {"hospital_total_occupancy",
       {"hospital"},
       Element::kFloat64,
       SeriesKind::kMean,
       "share",
       "Acute bed-days used by all ages / bed-days available (NaN if none)",
       "hospitals"},
      {"hospital_peak_occupied",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kStock,
       "beds",
       "Most acute beds occupied (all ages) on any day of the period",
       "hospitals"},
      {"hospital_delayed_discharge_days",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "bed-days",
       "Acute bed-days used by patients waiting for a care place",
       "hospitals"},
      {"hospital_rehabilitation_bed_days",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "bed-days",
       "Rehabilitation bed-days used by patients waiting for a care place",
       "hospitals"},
      {"hospital_stays_ended",
       {"hospital"},
       Element::kInt64,
       SeriesKind::kFlow,
       "people",
       "Stays ending in the period (discharge or death): the weights of "
       "hospital_mean_length_of_stay",
       "hospitals"},
      {"hospital_mean_length_of_stay",
       {"hospital"},
       Element::kFloat64,
       SeriesKind::kMean,
       "days",
       "Mean length of the stays ending in the period, delays included (NaN if none)",
       "hospitals"},
  };
}

PeriodFlows::PeriodFlows(const Scenario& s)
    : n_districts(s.district_count()), n_bands(s.bands.count()) {
  const auto cells = static_cast<std::size_t>(n_districts * kSexes * n_bands);
  const auto nd = static_cast<std::size_t>(n_districts);
  const auto nf = static_cast<std::size_t>(s.facility_count());
  deaths.assign(cells, 0);
  exposure_days.assign(cells, 0);
  entrants.assign(nd, 0);
  migrants_out.assign(nd, 0);
  migrants_in.assign(nd, 0);
  adl_transitions.assign(nd * kAdlLevels * kAdlLevels, 0);
  for (auto* v : {&admissions, &admitted_from_wait, &wait_days, &reneges})
    v->assign(nd * kCareModes, 0);
  for (auto* v : {&facility_admissions, &facility_admitted_from_wait, &facility_wait_days})
    v->assign(nf, 0);
  spending.assign(nd * kPayers, 0.0);
  government.assign(nd * kGovernmentSpendingTypes, 0.0);
  const auto nh = static_cast<std::size_t>(s.hospital_count());
  for (auto* v : hospital_columns(*this)) v->assign(nh, 0);
  hospital_peak_occupied.assign(nh, 0);
  hospital_admissions_by_cell.assign(cells, 0);
  for (auto* v : {&referrals, &turned_away, &hospital_deaths_by_district}) v->assign(nd, 0);
  admissions_by_origin.assign(nd * nd, 0);
}

namespace {
template <class T>
void add_into(std::vector<T>& to, const std::vector<T>& from) {
  for (std::size_t i = 0; i < to.size(); ++i) to[i] += from[i];
}
template <class T>
void zero(std::vector<T>& v) {
  std::fill(v.begin(), v.end(), T{});
}
}  // namespace

void PeriodFlows::clear() {
  for (auto* v : {&deaths, &exposure_days, &entrants, &migrants_out, &migrants_in, &adl_transitions,
                  &admissions, &admitted_from_wait, &wait_days, &reneges, &facility_admissions,
                  &facility_admitted_from_wait, &facility_wait_days})
    zero(*v);
  zero(spending), zero(government);
  for (auto* v : hospital_columns(*this)) zero(*v);
  zero(hospital_peak_occupied);
}

void PeriodFlows::merge(const PeriodFlows& o) {
  add_into(deaths, o.deaths), add_into(exposure_days, o.exposure_days);
  add_into(entrants, o.entrants), add_into(migrants_out, o.migrants_out);
  add_into(migrants_in, o.migrants_in), add_into(adl_transitions, o.adl_transitions);
  add_into(admissions, o.admissions), add_into(admitted_from_wait, o.admitted_from_wait);
  add_into(wait_days, o.wait_days), add_into(reneges, o.reneges);
  add_into(facility_admissions, o.facility_admissions);
  add_into(facility_admitted_from_wait, o.facility_admitted_from_wait);
  add_into(facility_wait_days, o.facility_wait_days);
  add_into(spending, o.spending), add_into(government, o.government);
  const auto mine = hospital_columns(*this);
  const auto theirs = hospital_columns(o);
  for (std::size_t k = 0; k < mine.size(); ++k) add_into(*mine[k], *theirs[k]);
  for (std::size_t h = 0; h < hospital_peak_occupied.size(); ++h)
    hospital_peak_occupied[h] = std::max(hospital_peak_occupied[h], o.hospital_peak_occupied[h]);
}

Stocks::Stocks(int districts, int bands) : n_districts(districts), n_bands(bands) {
  const auto nd = static_cast<std::size_t>(districts);
  alive.assign(nd * kSexes * static_cast<std::size_t>(bands), 0);
  adl.assign(nd * kAdlLevels, 0);
  age_days.assign(nd, 0);
  in_mode.assign(nd * kCareModes, 0);
  need.assign(nd, 0);
  unmet.assign(nd, 0);
  waiting.assign(nd * kCareModes, 0);
  inpatients.assign(nd, 0);
  delayed.assign(nd, 0);
}

std::int64_t Stocks::alive_in(int district) const {
  std::int64_t n = 0;
  for (int s = 0; s < kSexes; ++s)
    for (int b = 0; b < n_bands; ++b) n += alive[cell(district, s, b)];
  return n;
}

void Stocks::clear() {
  for (auto* v :
       {&alive, &adl, &age_days, &in_mode, &need, &unmet, &waiting, &inpatients, &delayed})
    zero(*v);
}

void Stocks::merge(const Stocks& o) {
  add_into(alive, o.alive), add_into(adl, o.adl), add_into(age_days, o.age_days);
  add_into(in_mode, o.in_mode), add_into(need, o.need), add_into(unmet, o.unmet);
  add_into(waiting, o.waiting), add_into(inpatients, o.inpatients), add_into(delayed, o.delayed);
}

Stocks count_stocks(const People& people, const Scenario& scenario, sim::Day day,
                    std::vector<Stocks>& scratch) {
  const int nd = scenario.district_count(), nb = scenario.bands.count();
  const int need_level = scenario.care.need_level;
  Stocks total(nd, nb);
  sim::parallel_accumulate(
      people.size(), scratch, total, [&] { return Stocks(nd, nb); },
      [&](std::size_t begin, std::size_t end, Stocks& acc) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!people.alive[i]) continue;
          const int d = people.district[i];
          const std::int32_t age_days = day - people.birth_day[i];
          acc.alive[acc.cell(d, people.sex[i], scenario.bands.band_of_age_days(age_days))] += 1;
          acc.adl[static_cast<std::size_t>(d * kAdlLevels + people.adl[i])] += 1;
          acc.age_days[static_cast<std::size_t>(d)] += age_days;
          acc.in_mode[static_cast<std::size_t>(d * kCareModes + people.care_mode[i])] += 1;
          acc.waiting[static_cast<std::size_t>(d * kCareModes + people.wait_mode[i])] += 1;
          if (people.hospital[i] != kNoHospital) {
            acc.inpatients[static_cast<std::size_t>(d)] += 1;
            if (people.hospital_flags[i] & kDelayedDischarge)
              acc.delayed[static_cast<std::size_t>(d)] += 1;
          }
          if (people.adl[i] >= need_level) {
            acc.need[static_cast<std::size_t>(d)] += 1;
            if (people.care_mode[i] == kNoCare) acc.unmet[static_cast<std::size_t>(d)] += 1;
          }
        }
      });
  return total;
}

namespace {
double ratio(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

void record_hospitals(const Scenario& scenario, const PeriodFlows& flows, const Stocks& stocks,
                      const HospitalState& state, sim::SeriesSink& sink) {
  const auto nd = static_cast<std::size_t>(scenario.district_count());
  const auto nh = static_cast<std::size_t>(scenario.hospital_count());
  std::vector<std::int64_t> admissions(nd, 0);
  for (std::size_t d = 0; d < nd; ++d)
    for (std::size_t k = 0; k < nd; ++k) admissions[d] += flows.admissions_by_origin[d * nd + k];
  sink.put("new_hospital_admissions", admissions);
  sink.put("new_hospital_admissions_by_sex_age", flows.hospital_admissions_by_cell);
  sink.put("new_hospital_admissions_by_origin", flows.admissions_by_origin);
  sink.put("new_referrals", flows.referrals);
  sink.put("new_turned_away", flows.turned_away);
  sink.put("new_hospital_deaths", flows.hospital_deaths_by_district);
  sink.put("n_inpatients", stocks.inpatients);
  sink.put("n_delayed_discharge", stocks.delayed);

  std::vector<std::int64_t> beds(nd, 0), h_beds(nh), h_rehab(nh);
  std::vector<double> bed_days(nd, 0), background(nd, 0), capacity(nd, 0), delayed(nd, 0),
      rehab(nd, 0), stays(nd, 0), stay_days(nd, 0);
  std::vector<double> h_occ(nh), h_occ_total(nh), h_los(nh);
  for (std::size_t h = 0; h < nh; ++h) {
    const auto d = static_cast<std::size_t>(scenario.hospitals.hospitals[h].district);
    const HospitalUnitState& u = state.units[h];
    h_beds[h] = u.open ? u.beds : 0;
    h_rehab[h] = u.open ? u.rehabilitation_beds : 0;
    beds[d] += h_beds[h];
    const auto bd = static_cast<double>(flows.hospital_bed_days[h]);
    const auto bg = static_cast<double>(flows.hospital_background_bed_days[h]);
    const auto cap = static_cast<double>(flows.hospital_capacity_bed_days[h]);
    bed_days[d] += bd, background[d] += bg, capacity[d] += cap;
    delayed[d] += static_cast<double>(flows.hospital_delayed_days[h]);
    rehab[d] += static_cast<double>(flows.hospital_rehabilitation_bed_days[h]);
    stays[d] += static_cast<double>(flows.hospital_discharges[h]);
    stay_days[d] += static_cast<double>(flows.hospital_stay_days[h]);
    h_occ[h] = ratio(bd, cap);
    h_occ_total[h] = ratio(bd + bg, cap);
    h_los[h] = ratio(static_cast<double>(flows.hospital_stay_days[h]),
                     static_cast<double>(flows.hospital_discharges[h]));
  }
  std::vector<double> occ(nd), occ_total(nd), los(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    occ[d] = ratio(bed_days[d], capacity[d]);
    occ_total[d] = ratio(bed_days[d] + background[d], capacity[d]);
    los[d] = ratio(stay_days[d], stays[d]);
  }
  sink.put("n_hospital_beds", beds);
  sink.put("hospital_bed_days", bed_days);
  sink.put("hospital_occupancy", occ);
  sink.put("hospital_occupancy_total", occ_total);
  sink.put("delayed_discharge_days", delayed);
  sink.put("rehabilitation_bed_days", rehab);
  sink.put("mean_length_of_stay", los);
  sink.put("hospital_beds", h_beds);
  sink.put("hospital_rehabilitation_beds", h_rehab);
  sink.put("hospital_new_admissions", flows.hospital_admissions);
  sink.put("hospital_referred_in", flows.hospital_referred_in);
  sink.put("hospital_diverted", flows.hospital_diverted);
  sink.put("hospital_turned_away", flows.hospital_turned_away);
  sink.put("hospital_deaths", flows.hospital_deaths);
  sink.put("hospital_elderly_bed_days", flows.hospital_bed_days);
  sink.put("hospital_elderly_occupancy", h_occ);
  sink.put("hospital_total_occupancy", h_occ_total);
  sink.put("hospital_peak_occupied", flows.hospital_peak_occupied);
  sink.put("hospital_delayed_discharge_days", flows.hospital_delayed_days);
  sink.put("hospital_rehabilitation_bed_days", flows.hospital_rehabilitation_bed_days);
  sink.put("hospital_stays_ended", flows.hospital_discharges);
  sink.put("hospital_mean_length_of_stay", h_los);
}
}  // namespace

void record_period(const Scenario& scenario, const PeriodFlows& flows, const Stocks& stocks,
                   const CareState& care, const HospitalState& hospitals, sim::SeriesSink& sink) {
  const int nd = stocks.n_districts;
  std::vector<std::int64_t> n_alive(static_cast<std::size_t>(nd));
  std::vector<std::int64_t> new_deaths(static_cast<std::size_t>(nd), 0);
  std::vector<double> mean_age(static_cast<std::size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    const auto i = static_cast<std::size_t>(d);
    n_alive[i] = stocks.alive_in(d);
    mean_age[i] = n_alive[i] > 0 ? static_cast<double>(stocks.age_days[i]) /
                                       static_cast<double>(n_alive[i]) / sim::kDaysPerYear
                                 : 0.0;
    for (int s = 0; s < kSexes; ++s)
      for (int b = 0; b < flows.n_bands; ++b) new_deaths[i] += flows.deaths[flows.cell(d, s, b)];
  }
  std::vector<double> person_years(flows.exposure_days.size());
  std::transform(flows.exposure_days.begin(), flows.exposure_days.end(), person_years.begin(),
                 [](std::int64_t days) { return static_cast<double>(days) / sim::kDaysPerYear; });
  sink.put("n_alive", n_alive);
  sink.put("n_alive_by_sex_age", stocks.alive);
  sink.put("n_adl", stocks.adl);
  sink.put("mean_age", mean_age);
  sink.put("new_deaths", new_deaths);
  sink.put("new_deaths_by_sex_age", flows.deaths);
  sink.put("person_years", person_years);
  sink.put("new_entrants", flows.entrants);
  sink.put("new_migrants_in", flows.migrants_in);
  sink.put("new_migrants_out", flows.migrants_out);
  sink.put("new_adl_transitions", flows.adl_transitions);

  // Care by district.
  const auto n = static_cast<std::size_t>(nd);
  std::vector<std::int64_t> by_mode[kCareModes];
  for (auto& v : by_mode) v.assign(n, 0);
  std::vector<double> share_home(n), share_community(n), share_institution(n), coverage(n);
  std::vector<std::int64_t> waiting(n * 3), admissions(n * 3), after_wait(n * 3), reneges(n * 3);
  std::vector<double> mean_wait(n * 3);
  for (std::size_t d = 0; d < n; ++d) {
    for (int m = 0; m < kCareModes; ++m)
      by_mode[m][d] = stocks.in_mode[d * kCareModes + static_cast<std::size_t>(m)];
    const double alive = static_cast<double>(n_alive[d]);
    share_community[d] = ratio(static_cast<double>(by_mode[kCommunityCare][d]), alive);
    share_institution[d] = ratio(static_cast<double>(by_mode[kInstitution][d]), alive);
    share_home[d] = alive > 0 ? 1 - share_community[d] - share_institution[d]
                              : std::numeric_limits<double>::quiet_NaN();
    coverage[d] = ratio(static_cast<double>(stocks.need[d] - stocks.unmet[d]),
                        static_cast<double>(stocks.need[d]));
    for (int m = kHomeCare; m < kCareModes; ++m) {
      const std::size_t out = d * 3 + static_cast<std::size_t>(m - 1),
                        in = d * kCareModes + static_cast<std::size_t>(m);
      waiting[out] = stocks.waiting[in];
      admissions[out] = flows.admissions[in];
      after_wait[out] = flows.admitted_from_wait[in];
      reneges[out] = flows.reneges[in];
      mean_wait[out] = ratio(static_cast<double>(flows.wait_days[in]),
                             static_cast<double>(flows.admitted_from_wait[in]));
    }
  }
  sink.put("n_home", by_mode[kHomeCare]);
  sink.put("n_community", by_mode[kCommunityCare]);
  sink.put("n_institution", by_mode[kInstitution]);
  sink.put("n_no_care", by_mode[kNoCare]);
  sink.put("share_home", share_home);
  sink.put("share_community", share_community);
  sink.put("share_institution", share_institution);
  sink.put("n_need", stocks.need);
  sink.put("n_unmet", stocks.unmet);
  sink.put("coverage", coverage);
  sink.put("n_waiting", waiting);
  sink.put("new_admissions", admissions);
  sink.put("new_admissions_after_wait", after_wait);
  sink.put("mean_wait_days", mean_wait);
  sink.put("new_reneges", reneges);

  // Capacity by district, from the facilities' state at the period end.
  std::vector<double> beds(n), nursing_beds(n), occupied(n), occupied_nursing(n), places_c(n),
      occupied_c(n), respite_beds(n);
  const auto nf = scenario.care.facilities.size();
  std::vector<std::int64_t> f_places(nf), f_occupied(nf), f_waiting(nf);
  std::vector<double> f_wait(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    const FacilitySpec& spec = scenario.care.facilities[f];
    const FacilityState& fs = care.facilities[f];
    const auto d = static_cast<std::size_t>(spec.district);
    f_places[f] = fs.open ? fs.places : 0;
    f_occupied[f] = care.occupied[f];
    f_waiting[f] = care.waiting[f];
    f_wait[f] = ratio(static_cast<double>(flows.facility_wait_days[f]),
                      static_cast<double>(flows.facility_admitted_from_wait[f]));
    if (!fs.open) continue;
    if (spec.type == FacilityType::kInstitution) {
      beds[d] += static_cast<double>(fs.places);
      nursing_beds[d] += static_cast<double>(fs.nursing_places);
      occupied[d] += static_cast<double>(care.occupied[f]);
      occupied_nursing[d] += static_cast<double>(care.occupied_nursing[f]);
    } else {
      places_c[d] += static_cast<double>(fs.places);
      respite_beds[d] += static_cast<double>(fs.respite_beds);
      occupied_c[d] += static_cast<double>(care.occupied[f]);
    }
  }
  std::vector<double> occ(n), occ_nursing(n), occ_c(n), home_util(n), per_1000(n), per_100(n),
      respite(n);
  for (std::size_t d = 0; d < n; ++d) {
    occ[d] = ratio(occupied[d], beds[d]);
    occ_nursing[d] = ratio(occupied_nursing[d], nursing_beds[d]);
    occ_c[d] = ratio(occupied_c[d], places_c[d]);
    home_util[d] = ratio(care.home_hours_used[d], care.home_hours[d]);
    per_1000[d] = ratio(1000 * beds[d], static_cast<double>(n_alive[d]));
    per_100[d] = ratio(100 * nursing_beds[d], static_cast<double>(n_alive[d]));
    respite[d] = ratio(100 * respite_beds[d], static_cast<double>(stocks.need[d]));
  }
  sink.put("institution_occupancy", occ);
  sink.put("nursing_bed_occupancy", occ_nursing);
  sink.put("community_occupancy", occ_c);
  sink.put("home_care_utilisation", home_util);
  sink.put("beds_per_1000", per_1000);
  sink.put("nursing_beds_per_100", per_100);
  sink.put("respite_beds_per_100_in_need", respite);
  sink.put("spending", flows.spending);
  sink.put("government_spending", flows.government);
  sink.put("facility_places", f_places);
  sink.put("facility_occupied", f_occupied);
  sink.put("facility_waiting", f_waiting);
  sink.put("facility_admissions", flows.facility_admissions);
  sink.put("facility_mean_wait_days", f_wait);
  record_hospitals(scenario, flows, stocks, hospitals, sink);
}

}  // namespace eldersim
