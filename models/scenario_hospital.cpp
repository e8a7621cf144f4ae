// Reading the hospital system's part of a scenario (the hospital_system section, the
// programmes.medical_care lever and the hospital policy events). See docs/config.md.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "models/scenario_parts.hpp"
#include "sim/text.hpp"

namespace eldersim::detail {

using sim::config::Map;
using sim::config::Value;
namespace cfg = sim::config;

namespace {

// A number or a list of `N` numbers.
template <std::size_t N>
std::array<double, N> read_scalar_or_list(const Value& v, const cfg::Bounds& bounds,
                                          std::array<double, N> fallback) {
  if (!v.present()) return fallback;
  if (v.node()->is_sequence()) {
    if (const auto values = v.as_numbers(bounds, N))
      std::copy(values->begin(), values->end(), fallback.begin());
    return fallback;
  }
  if (const auto x = v.as<double>(bounds)) fallback.fill(*x);
  return fallback;
}

template <std::size_t N>
std::array<double, N> read_list(Map& m, const char* key, const cfg::Bounds& bounds,
                                std::array<double, N> fallback) {
  const Value v = m[key];
  if (!v.present()) return fallback;
  if (const auto values = v.as_numbers(bounds, N))
    std::copy(values->begin(), values->end(), fallback.begin());
  return fallback;
}

// Twelve monthly factors, normalised to a mean of one.
std::array<double, kMonths> read_seasonality(Map& m, const char* key) {
  auto factors =
      read_list<kMonths>(m, key, cfg::between(0, 10), {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  const double mean = std::accumulate(factors.begin(), factors.end(), 0.0) / kMonths;
  if (mean <= 0) {
    m[key].error("seasonal factors must not all be zero");
    return {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  }
  for (double& f : factors) f /= mean;
  return factors;
}

using MonthlyShares = std::array<double, kMonths>;

// background.occupancy_by_tier: three entries (tiers 1, 2, 3), each one share for every month or
// twelve monthly shares.
std::array<MonthlyShares, kHospitalTiers> read_background_by_tier(const Value& v) {
  std::array<MonthlyShares, kHospitalTiers> out{};
  if (!v.present()) return out;
  const auto items = v.as_list();
  if (!v.node()->is_sequence()) return out;  // as_list reported it
  if (items.size() != kHospitalTiers)
    v.error(fmt::format("needs {} entries (tiers 1, 2, 3), has {}", kHospitalTiers, items.size()));
  for (std::size_t k = 0; k < std::min<std::size_t>(items.size(), kHospitalTiers); ++k)
    out[k] = read_scalar_or_list<kMonths>(items[k], cfg::probability(), {});
  return out;
}

// The under-60 patients (hospital_system.background; docs/config.md).
BackgroundSpec read_background(const Value& v) {
  BackgroundSpec b;
  Map m = v.as_map();
  b.occupancy_by_tier = read_background_by_tier(m["occupancy_by_tier"]);
  b.mean_stay_days = m.get<double>("mean_stay_days", b.mean_stay_days, cfg::between(1, 365));
  b.annual_growth = m.get<double>("annual_growth", b.annual_growth, cfg::between(-0.5, 1));
  m.finish();
  return b;
}

// The price of the elderly's bed-days and who pays it (hospital_system.cost).
HospitalCostSpec read_cost(const Value& v) {
  HospitalCostSpec c;
  Map m = v.as_map();
  const cfg::Bounds yuan = cfg::between(0, limits::kYuanPerDay);
  c.per_bed_day_by_tier = read_list<kHospitalTiers>(m, "per_bed_day_by_tier", yuan, {0, 0, 0});
  c.rehabilitation_per_bed_day = m.get<double>("rehabilitation_per_bed_day", 0.0, yuan);
  c.insurance_share = m.get<double>("insurance_share", 0.0, cfg::probability());
  m.finish();
  return c;
}

HospitalSpec read_hospital(const Value& item, const Scenario& s,
                           const std::array<MonthlyShares, kHospitalTiers>& default_background) {
  Map m = item.as_map();
  HospitalSpec h;
  h.name = m.require<std::string>("name");
  if (m.has("name") && h.name.empty()) m["name"].error("a hospital needs a non-empty name");
  h.district = m.has("district") ? district_index(s, m["district"]) : (m.missing("district"), -1);
  h.tier = m.require<std::int32_t>("tier", cfg::between(1, kHospitalTiers));
  h.ownership = m.choice("ownership", {"public", "private"}, "public") == "private"
                    ? Ownership::kPrivate
                    : Ownership::kPublic;
  const cfg::Bounds beds = cfg::between(0, limits::kPlaces);
  h.beds = m.require<std::int64_t>("beds", beds);
  h.rehabilitation_beds = m.get<std::int64_t>("rehabilitation_beds", 0, beds);
  h.nursing_beds = m.get<std::int64_t>("nursing_beds", 0, beds);
  h.background_occupancy = read_scalar_or_list<kMonths>(
      m["background_occupancy"], cfg::probability(),
      default_background[static_cast<std::size_t>(std::clamp(h.tier, 1, kHospitalTiers) - 1)]);
  if (m.has("opens")) h.opens = m["opens"].as_date().value_or(h.opens);
  if (m.has("closes")) h.closes = m["closes"].as_date().value_or(h.closes);
  if (m.has("opens") && m.has("closes") && h.closes <= h.opens)
    m["closes"].error("must be after opens");
  m.finish();
  return h;
}

MedicalCareSpec::HomeService read_home_service(const Value& v,
                                               const MedicalCareSpec::HomeService& base) {
  MedicalCareSpec::HomeService out = base;
  Map m = v.as_map();
  out.min_level = m.get<std::int32_t>("min_level", base.min_level, cfg::between(0, 4));
  out.coverage = m.get<double>("coverage", base.coverage, cfg::probability());
  out.admission_ratio = m.get<double>("admission_ratio", base.admission_ratio, cfg::between(0, 10));
  m.finish();
  return out;
}

}  // namespace

int hospital_index(const Scenario& s, const Value& v) {
  return index_by_name(s.hospitals.hospitals, v, "hospital");
}

// A hospital's nursing ward is a care facility: an institution in the hospital's district whose
// beds are all nursing-type, chosen and allocated like any elderly home.
void add_nursing_ward(Scenario& s, HospitalSpec& h) {
  if (h.nursing_facility >= 0) return;
  FacilitySpec f;
  f.name = h.name + " nursing ward";
  f.type = FacilityType::kInstitution;
  f.district = h.district;
  f.ownership = h.ownership;
  f.places = h.nursing_beds;
  f.nursing_share = 1.0;
  f.hospital_ward = true;
  f.monthly_price = s.hospitals.nursing_ward_monthly_price;
  f.opens = h.opens;
  f.closes = h.closes;
  h.nursing_facility = static_cast<int>(s.care.facilities.size());
  s.care.facilities.push_back(std::move(f));
}

MedicalCareSpec read_medical_care(const Value& v, const MedicalCareSpec& base) {
  MedicalCareSpec out = base;
  Map m = v.as_map();
  if (const Value ri = m["residents"]; ri.present()) {
    // Keyed by how the home provides medical care, after its size (seed 004).
    Map r = ri.as_map();
    static const std::array<const char*, kHomeSizeClasses> classes{
        "contracted_clinic", "own_clinic", "medical_institution"};
    for (std::size_t c = 0; c < classes.size(); ++c) {
      const Value cv = r[classes[c]];
      if (!cv.present()) continue;
      Map cm = cv.as_map();
      out.resident_admission_ratio[c] =
          cm.get<double>("admission_ratio", base.resident_admission_ratio[c], cfg::between(0, 10));
      out.resident_referral_ratio[c] =
          cm.get<double>("referral_ratio", base.resident_referral_ratio[c], cfg::between(0, 10));
      cm.finish();
    }
    r.finish();
  }
  if (m.has("home_sickbeds"))
    out.home_sickbeds = read_home_service(m["home_sickbeds"], base.home_sickbeds);
  if (m.has("family_doctor"))
    out.family_doctor = read_home_service(m["family_doctor"], base.family_doctor);
  out.discharge_priority = m.get<bool>("discharge_priority", base.discharge_priority);
  m.finish();
  return out;
}

void read_hospitals(Map& root, Scenario& s) {
  const Value v = root["hospital_system"];
  if (!v.present()) return;
  Map m = v.as_map();
  HospitalSystemSpec& h = s.hospitals;
  const bool locations_checked = !s.care.facilities.empty();  // read_care required them
  h.enabled = m.get<bool>("enabled", true);
  {
    Map a = m["admissions"].as_map();
    if (!m.has("admissions")) m.missing("admissions");
    const auto bands = static_cast<std::size_t>(s.bands.count());
    if (const Value r = a["annual_rate_by_band"]; r.present()) {
      if (const auto rates = r.as_numbers(cfg::between(0, 20), bands))
        h.admission_rate_by_band = *rates;
    } else {
      a.missing("annual_rate_by_band");
    }
    if (h.admission_rate_by_band.size() != bands) h.admission_rate_by_band.assign(bands, 0.0);
    h.admission_ratio_by_adl =
        read_list<kAdlLevels>(a, "ratio_by_adl", cfg::between(0, 100), h.admission_ratio_by_adl);
    h.admission_seasonality = read_seasonality(a, "seasonality");
    if (const Value t = a["tier_share_by_adl"]; t.present()) {
      const auto rows = t.as_list();
      if (rows.size() != kAdlLevels)
        t.error(fmt::format("needs {} rows (one per ADL level), has {}", kAdlLevels, rows.size()));
      for (std::size_t l = 0; l < std::min<std::size_t>(rows.size(), kAdlLevels); ++l) {
        const auto shares = read_shares(rows[l], kHospitalTiers);
        std::copy(shares.begin(), shares.end(), h.tier_share_by_adl[l].begin());
      }
    } else {
      a.missing("tier_share_by_adl");
    }
    {
      const Value r = a["referral_up"];
      Map rm = r.as_map();
      h.referral_up[0] = rm.get<double>("from_tier_1", 0.0, cfg::probability());
      h.referral_up[1] = rm.get<double>("from_tier_2", 0.0, cfg::probability());
      rm.finish();
    }
    a.finish();
  }
  {
    Map st = m["stay"].as_map();
    if (!m.has("stay")) m.missing("stay");
    h.mean_stay_days =
        read_list<kHospitalTiers>(st, "mean_days_by_tier", cfg::between(1, 365), h.mean_stay_days);
    h.stay_ratio_by_adl =
        read_list<kAdlLevels>(st, "ratio_by_adl", cfg::between(0.1, 10), h.stay_ratio_by_adl);
    h.stay_log_sd = st.get<double>("log_sd", 0.6, cfg::between(0, 3));
    h.death_probability = read_list<kAdlLevels>(st, "death_probability_by_adl", cfg::probability(),
                                                h.death_probability);
    h.adl_decline =
        read_list<kAdlLevels>(st, "adl_decline_by_adl", cfg::probability(), h.adl_decline);
    if (h.adl_decline[kAdlLevels - 1] > 0)
      st["adl_decline_by_adl"].error("the last level (severe) cannot decline further: give 0");
    st.finish();
  }
  {
    Map d = m["discharge"].as_map();
    h.assessment_level =
        d.get<std::int32_t>("assessment_level", s.care.choice_level, cfg::between(0, 5));
    if (const Value df = d["delay_for"]; df.present()) {
      h.delay_for = {};
      for (const Value& item : df.as_list())
        if (const auto mode = item.as_choice({"home", "community", "institution"}))
          h.delay_for[*mode == "home"        ? kHomeCare
                      : *mode == "community" ? kCommunityCare
                                             : kInstitution] = true;
    }
    if (d.has("max_wait_days"))
      h.max_wait_days = d.get<std::int32_t>("max_wait_days", 0, cfg::between(0, 36525));
    d.finish();
  }
  {
    Map dv = m["diversion"].as_map();
    h.diversion_max_minutes =
        dv.get<double>("max_minutes", h.diversion_max_minutes, cfg::between(0, 1e6));
    dv.finish();
  }
  h.background = read_background(m["background"]);
  h.cost = read_cost(m["cost"]);
  {
    Map w = m["nursing_ward"].as_map();
    h.nursing_ward_monthly_price =
        read_list<kAdlLevels>(w, "monthly_price_by_level", cfg::between(0, limits::kYuan), {});
    w.finish();
  }
  for (const Value& item : m["hospitals"].as_list()) {
    HospitalSpec hs = read_hospital(item, s, h.background.occupancy_by_tier);
    for (const auto& other : h.hospitals)
      if (other.name == hs.name && !hs.name.empty())
        item.error("hospital name \"" + hs.name + "\" used twice");
    h.hospitals.push_back(std::move(hs));
  }
  if (h.hospitals.size() > 65534) m["hospitals"].error("at most 65534 hospitals");
  if (h.enabled && h.hospitals.empty() && m.has("enabled"))
    m["hospitals"].error("hospital_system is enabled but lists no hospitals");
  for (HospitalSpec& hs : h.hospitals)
    if (hs.nursing_beds > 0 && hs.district >= 0) add_nursing_ward(s, hs);
  // Diversion to the nearest hospital needs travel times, hence every district's location.
  if (!h.hospitals.empty() && s.districts.size() > 1 && !locations_checked)
    for (const District& d : s.districts)
      if (!d.has_location)
        m.diagnostics().error(d.where, "districts[" + d.name + "].location",
                              "required (lat, lon) when hospitals are configured: travel times "
                              "between districts are computed from it");
  m.finish();
}

}  // namespace eldersim::detail
