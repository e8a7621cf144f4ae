// Reading the care system's part of a scenario: health, care, programmes, policy_events, and the
// travel times between districts. See docs/config.md for every key.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/scenario_parts.hpp"
#include "sim/text.hpp"

namespace eldersim::detail {

using sim::config::Map;
using sim::config::Value;
namespace cfg = sim::config;

namespace {

const std::vector<std::string> kModeNames{"none", "home", "community", "institution"};

template <std::size_t N>
std::array<double, N> read_fixed(Map& m, const char* key, const cfg::Bounds& bounds,
                                 const std::array<double, N>& fallback, bool required) {
  const Value v = m[key];
  if (!v.present()) {
    if (required) m.missing(key);
    return fallback;
  }
  std::array<double, N> out = fallback;
  if (const auto values = v.as_numbers(bounds, N))
    std::copy(values->begin(), values->end(), out.begin());
  return out;
}

std::uint8_t read_groups(const Value& v) {
  static const std::vector<std::string> names{"no_family_support", "oldest_old", "living_alone",
                                              "low_income"};
  std::uint8_t groups = 0;
  for (const Value& item : v.as_list()) {
    const auto name = item.as_choice(names);
    if (!name) continue;
    const auto i = std::find(names.begin(), names.end(), *name) - names.begin();
    groups = static_cast<std::uint8_t>(groups | (1u << i));
  }
  return groups;
}

std::array<bool, kCareModes> read_modes(const Value& v) {
  std::array<bool, kCareModes> modes{};
  for (const Value& item : v.as_list())
    if (const auto name = item.as_choice({"home", "community", "institution"}))
      modes[static_cast<std::size_t>(std::find(kModeNames.begin(), kModeNames.end(), *name) -
                                     kModeNames.begin())] = true;
  return modes;
}

// {public: x, private: y}
std::array<double, 2> read_by_ownership(Map& parent, const char* key) {
  std::array<double, 2> out{};
  const Value v = parent[key];
  if (!v.present()) return out;
  Map m = v.as_map();
  out[0] = m.get<double>("public", 0.0, cfg::between(0, limits::kYuan));
  out[1] = m.get<double>("private", 0.0, cfg::between(0, limits::kYuan));
  m.finish();
  return out;
}

FacilitySpec read_facility(const Value& item, const Scenario& s) {
  Map m = item.as_map();
  FacilitySpec f;
  f.name = m.require<std::string>("name");
  if (m.has("name") && f.name.empty()) m["name"].error("a facility needs a non-empty name");
  f.type = m.choice("type", {"institution", "community"}, "institution") == "community"
               ? FacilityType::kCommunity
               : FacilityType::kInstitution;
  f.district = m.has("district") ? district_index(s, m["district"]) : (m.missing("district"), -1);
  f.ownership = m.choice("ownership", {"public", "private"}, "public") == "private"
                    ? Ownership::kPrivate
                    : Ownership::kPublic;
  f.places = m.require<std::int64_t>("places", cfg::between(0, limits::kPlaces));
  if (f.type == FacilityType::kCommunity && m.has("nursing_share"))
    m["nursing_share"].error("only institutions have nursing-type beds");
  f.nursing_share = m.get<double>("nursing_share", f.type == FacilityType::kInstitution ? 1.0 : 0.0,
                                  cfg::probability());
  const bool has_levels = m.has("monthly_price_by_level"), has_flat = m.has("monthly_price");
  if (has_levels && has_flat)
    m["monthly_price"].error("give monthly_price or monthly_price_by_level, not both");
  if (has_levels) {
    f.monthly_price = read_fixed<kAdlLevels>(m, "monthly_price_by_level",
                                             cfg::between(0, limits::kYuan), {}, true);
  } else {
    const double price = m.require<double>("monthly_price", cfg::between(0, limits::kYuan));
    f.monthly_price.fill(price);
  }
  f.respite_beds = m.get<std::int64_t>("respite_beds", 0, cfg::between(0, limits::kPlaces));
  f.homes = m.get<std::int64_t>("homes", 1, cfg::between(1, 1e7));
  f.in_district_changes = m.get<bool>("in_district_changes", true);
  if (m.has("opens")) f.opens = m["opens"].as_date().value_or(f.opens);
  if (m.has("closes")) f.closes = m["closes"].as_date().value_or(f.closes);
  if (m.has("opens") && m.has("closes") && f.closes <= f.opens)
    m["closes"].error("must be after opens");
  m.finish();
  return f;
}

}  // namespace

int facility_index(const Scenario& s, const Value& v) {
  return index_by_name(s.care.facilities, v, "facility");
}

SubsidySpec read_subsidies(const Value& v) {
  // Institution amounts at the top level, community centres' under `community`.
  const auto read_provider = [](Map& m) {
    ProviderSubsidySpec p;
    p.construction_per_new_bed = read_by_ownership(m, "construction_per_new_bed");
    p.operating_per_bed_month = read_by_ownership(m, "operating_per_bed_month");
    p.per_person_served_month = read_by_ownership(m, "per_person_served_month");
    return p;
  };
  SubsidySpec out;
  Map m = v.as_map();
  out.institution = read_provider(m);
  if (const Value c = m["community"]; c.present()) {
    Map cm = c.as_map();
    out.community = read_provider(cm);
    cm.finish();
  }
  m.finish();
  return out;
}

std::vector<VoucherSpec> read_vouchers(const Value& v) {
  std::vector<VoucherSpec> out;
  for (const Value& item : v.as_list()) {
    Map m = item.as_map();
    VoucherSpec voucher;
    voucher.name = m.get<std::string>("name", "");
    if (!m.has("groups")) m.missing("groups");
    voucher.groups = read_groups(m["groups"]);
    if (!m.has("modes")) m.missing("modes");
    voucher.modes = read_modes(m["modes"]);
    voucher.monthly_amount = m.require<double>("monthly_amount", cfg::between(0, limits::kYuan));
    for (const VoucherSpec& other : out)
      if (!voucher.name.empty() && other.name == voucher.name)
        m["name"].error("voucher name \"" + voucher.name + "\" used twice");
    m.finish();
    out.push_back(voucher);
  }
  return out;
}

std::vector<PurchasedServicesSpec> read_purchased_services(const Value& v) {
  std::vector<PurchasedServicesSpec> out;
  for (const Value& item : v.as_list()) {
    Map m = item.as_map();
    PurchasedServicesSpec ps;
    if (!m.has("groups")) m.missing("groups");
    ps.groups = read_groups(m["groups"]);
    ps.hours_per_week = m.require<double>("hours_per_week", cfg::between(0, 168));
    m.finish();
    out.push_back(ps);
  }
  return out;
}

// Keys not given keep the values of `base`.
HomeSupportSpec read_home_support(const Value& v, const HomeSupportSpec& base) {
  HomeSupportSpec out = base;
  Map m = v.as_map();
  if (const Value mod = m["modification"]; mod.present()) {
    Map mm = mod.as_map();
    if (mm.has("groups")) out.modification_groups = read_groups(mm["groups"]);
    out.modification_min_level =
        mm.get<std::int32_t>("min_level", base.modification_min_level, cfg::between(0, 4));
    out.modification_grant =
        mm.get<double>("grant", base.modification_grant, cfg::between(0, limits::kYuan));
    out.modification_utility = mm.get<double>("utility", base.modification_utility,
                                              cfg::between(-limits::kUtility, limits::kUtility));
    mm.finish();
  }
  if (m.has("meals"))
    m["meals"].error(
        "canteen meals are programmes.meals (a meal price and what each group pays of it); "
        "their use is care.community_services.canteens");
  m.finish();
  return out;
}

// Keys not given keep the values of `base`; tiers, if given, replace the base's.
MealSubsidySpec read_meals(const Value& v, const MealSubsidySpec& base) {
  MealSubsidySpec out = base;
  Map m = v.as_map();
  bool price_read = true;  // a price that failed its check is not held against the tiers
  if (const Value price = m["meal_price"]; price.present()) {
    const auto value = price.as<double>(cfg::between(0, limits::kYuanPerDay));
    price_read = value.has_value();
    out.meal_price = value.value_or(base.meal_price);
  }
  out.registered_only = m.get<bool>("registered_only", base.registered_only);
  // Tiers kept from the base (a set_meals event with a lower price) are held to it too.
  if (price_read && m.has("meal_price") && !m.has("elder_pays"))
    for (std::size_t t = 0; t < out.tiers.size(); ++t)
      if (out.tiers[t].elder_pays > out.meal_price)
        m["meal_price"].error(fmt::format("is below what tier {} of elder_pays pays ({} yuan)", t,
                                          out.tiers[t].elder_pays));
  if (const Value tiers = m["elder_pays"]; tiers.present()) {
    out.tiers.clear();
    for (const Value& item : tiers.as_list()) {
      Map t = item.as_map();
      MealPriceTier tier;
      if (t.has("groups")) tier.groups = read_groups(t["groups"]);
      tier.elder_pays = t.require<double>("pays", cfg::between(0, limits::kYuanPerDay));
      if (price_read && t.has("pays") && tier.elder_pays > out.meal_price)
        t["pays"].error(fmt::format("is above the meal price ({} yuan)", out.meal_price));
      t.finish();
      out.tiers.push_back(tier);
    }
  }
  m.finish();
  return out;
}

// Keys not given keep the values of `base`.
LtcInsuranceSpec read_ltc(const Value& v, const LtcInsuranceSpec& base) {
  LtcInsuranceSpec out = base;
  Map m = v.as_map();
  out.enrolment_share = m.get<double>("enrolment_share", base.enrolment_share, cfg::probability());
  out.eligible_from_level =
      m.get<std::int32_t>("eligible_from_level", base.eligible_from_level, cfg::between(0, 5));
  if (m.has("daily_benefit"))
    out.daily_benefit =
        read_per_mode(m, "daily_benefit", 0.0, cfg::between(0, limits::kYuanPerDay));
  out.copay = m.get<double>("copay", base.copay, cfg::probability());
  out.take_up = m.get<double>("take_up", base.take_up, cfg::probability());
  m.finish();
  return out;
}

std::array<double, kCareModes> read_per_mode(Map& parent, const char* key, double fallback,
                                             const cfg::Bounds& bounds) {
  std::array<double, kCareModes> out{0, fallback, fallback, fallback};
  const Value v = parent[key];
  if (!v.present()) return out;
  Map m = v.as_map();
  for (int mode = kHomeCare; mode < kCareModes; ++mode)
    out[static_cast<std::size_t>(mode)] =
        m.get<double>(kModeNames[static_cast<std::size_t>(mode)], fallback, bounds);
  m.finish();
  return out;
}

void compute_travel_times(Map& root, Scenario& s) {
  // Straight-line distance between district centres times a detour factor, at a door-to-door
  // speed, plus a fixed time (assumptions; see configs and docs/config.md).
  Map t = root["travel"].as_map();
  const double base = t.get<double>("base_minutes", 10.0, cfg::between(0, limits::kMinutes));
  const double per_km =
      t.get<double>("minutes_per_km", 2.0, cfg::between(0, limits::kMinutes / 10));
  t.finish();
  const int n = s.district_count();
  s.travel_minutes.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const auto& da = s.districts[static_cast<std::size_t>(a)];
      const auto& db = s.districts[static_cast<std::size_t>(b)];
      constexpr double kEarthRadiusKm = 6371.0, kRad = std::numbers::pi / 180;
      const double dlat = (db.latitude - da.latitude) * kRad,
                   dlon = (db.longitude - da.longitude) * kRad;
      const double h = std::pow(std::sin(dlat / 2), 2) + std::cos(da.latitude * kRad) *
                                                             std::cos(db.latitude * kRad) *
                                                             std::pow(std::sin(dlon / 2), 2);
      const double km = 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
      s.travel_minutes[static_cast<std::size_t>(a) * static_cast<std::size_t>(n) +
                       static_cast<std::size_t>(b)] = base + per_km * km;
    }
}

void read_health(Map& root, Scenario& s) {
  const Value v = root["health"];
  if (!v.present()) return;  // levels stay as drawn
  Map m = v.as_map();
  HealthSpec& h = s.health;
  h.enabled = m.get<bool>("enabled", true);
  {
    Map o = m["onset"].as_map();
    if (!m.has("onset")) m.missing("onset");
    h.onset_rate_at_65 = o.require<double>("rate_at_65", cfg::between(0, 10));
    h.onset_age_slope = o.get<double>("age_slope", 0.0, cfg::between(-1, 1));
    h.onset_female_ratio = o.get<double>("female_ratio", 1.0, cfg::between(0, 10));
    const auto shares = read_shares(o["share_by_level"], 4);
    if (!o.has("share_by_level")) o.missing("share_by_level");
    std::copy(shares.begin(), shares.end(), h.onset_share.begin());
    o.finish();
  }
  {
    Map p = m["progression"].as_map();
    if (!m.has("progression")) m.missing("progression");
    h.progression_rate_at_65 = read_fixed<3>(p, "rate_at_65", cfg::between(0, 10), {}, true);
    h.progression_age_slope = p.get<double>("age_slope", 0.0, cfg::between(-1, 1));
    h.progression_female_ratio = p.get<double>("female_ratio", 1.0, cfg::between(0, 10));
    p.finish();
  }
  {
    Map r = m["recovery"].as_map();
    if (!m.has("recovery")) m.missing("recovery");
    h.recovery_rate_at_65 = read_fixed<4>(r, "rate_at_65", cfg::between(0, 10), {}, true);
    h.recovery_age_slope = r.get<double>("age_slope", 0.0, cfg::between(-1, 1));
    h.recovery_female_ratio = r.get<double>("female_ratio", 1.0, cfg::between(0, 10));
    r.finish();
  }
  m.finish();
}

// A number for every district, or a mapping from district names to numbers with `default` for
// the districts it does not name (without it, every district must be named).
std::vector<double> read_by_district(const Value& v, const Scenario& s, const cfg::Bounds& bounds) {
  std::vector<double> out(static_cast<std::size_t>(s.district_count()), 0.0);
  if (v.node() && v.node()->is_scalar()) {
    std::fill(out.begin(), out.end(), v.as<double>(bounds).value_or(0.0));
    return out;
  }
  Map m = v.as_map();
  const bool has_default = m.has("default");
  const double fallback = m.get<double>("default", 0.0, bounds);
  for (std::size_t d = 0; d < out.size(); ++d) {
    const std::string& name = s.districts[d].name;
    out[d] = has_default ? m.get<double>(name, fallback, bounds) : m.require<double>(name, bounds);
  }
  m.finish();
  return out;
}

CommunityServicesSpec read_community_services(const Value& v, const Scenario& s) {
  CommunityServicesSpec out;
  Map m = v.as_map();
  if (const Value cv = m["canteens"]; cv.present()) {
    Map k = cv.as_map();
    CanteenSpec& c = out.canteens;
    const cfg::Bounds utility = cfg::between(-limits::kUtility, limits::kUtility);
    c.enabled = k.get<bool>("enabled", true);
    c.constant = k.require<double>("constant", utility);
    c.per_level = read_fixed<kAdlLevels>(k, "per_adl_level", utility, {}, false);
    c.age_80_plus = k.get<double>("age_80_plus", 0.0, utility);
    c.living_alone = k.get<double>("living_alone", 0.0, utility);
    c.per_yuan_paid = k.get<double>("per_yuan_paid", 0.0, cfg::between(-limits::kUtility, 0));
    c.per_10_walk_minutes =
        k.get<double>("per_10_walk_minutes", 0.0, cfg::between(-limits::kUtility, 0));
    if (!k.has("walk_minutes")) k.missing("walk_minutes");
    c.walk_minutes = read_by_district(k["walk_minutes"], s, cfg::between(0, limits::kMinutes));
    c.meals_per_week = k.require<double>("meals_per_week", cfg::between(0, 21));
    k.finish();
  }
  if (const Value cv = m["centre_visits"]; cv.present()) {
    Map k = cv.as_map();
    out.centre_visits.share_by_level =
        read_fixed<kAdlLevels>(k, "share_by_level", cfg::probability(), {}, true);
    k.finish();
  }
  m.finish();
  return out;
}

void read_care(Map& root, Scenario& s) {
  const Value v = root["care"];
  if (!v.present()) return;
  Map m = v.as_map();
  CareSpec& c = s.care;
  c.enabled = m.get<bool>("enabled", true);
  c.choice_level = m.get<std::int32_t>("choice_level", 1, cfg::between(0, 4));
  c.need_level = m.get<std::int32_t>("need_level", 2, cfg::between(1, 4));
  c.nursing_level = m.get<std::int32_t>("nursing_level", 2, cfg::between(0, 5));
  c.review_days = m.get<std::int32_t>("review_days", 365, cfg::between(7, 3650));
  c.warm_up_years = m.get<double>("warm_up_years", 0.0, cfg::between(0, 20));
  {
    const auto renege = read_per_mode(m, "renege_days", 90.0, cfg::between(1, 3650));
    for (int mode = 0; mode < kCareModes; ++mode)
      c.renege_days[static_cast<std::size_t>(mode)] =
          static_cast<int>(renege[static_cast<std::size_t>(mode)]);
  }
  c.unlimited_capacity = m.get<bool>("unlimited_capacity", false);
  c.priority_to_targeted = m.get<bool>("priority_to_targeted", true);
  {
    Map h = m["home_care"].as_map();
    if (!m.has("home_care")) m.missing("home_care");
    c.home.hours_per_week_by_level =
        read_fixed<kAdlLevels>(h, "hours_per_week_by_level", cfg::between(0, 168), {}, true);
    c.home.hourly_price = h.require<double>("hourly_price", cfg::between(0, limits::kYuanPerHour));
    h.finish();
  }
  {
    Map ch = m["choice"].as_map();
    if (!m.has("choice")) m.missing("choice");
    ChoiceSpec& k = c.choice;
    const cfg::Bounds utility = cfg::between(-limits::kUtility, limits::kUtility);
    k.constant = read_per_mode(ch, "constant", 0.0, utility);
    {
      Map pm = ch["price_per_1000_yuan"].as_map();
      if (!ch.has("price_per_1000_yuan")) ch.missing("price_per_1000_yuan");
      k.price_per_1000_by_income = {pm.require<double>("low", cfg::between(-20, 0)),
                                    pm.require<double>("middle", cfg::between(-20, 0)),
                                    pm.require<double>("high", cfg::between(-20, 0))};
      pm.finish();
    }
    k.travel_per_10_minutes = ch.get<double>("travel_per_10_minutes", 0.0, cfg::between(-20, 0));
    k.per_adl_level = read_per_mode(ch, "per_adl_level", 0.0, utility);
    k.living_alone = read_per_mode(ch, "living_alone", 0.0, utility);
    k.age_80_plus = read_per_mode(ch, "age_80_plus", 0.0, utility);
    k.low_income = read_per_mode(ch, "low_income", 0.0, utility);
    k.high_income = read_per_mode(ch, "high_income", 0.0, utility);
    k.inertia = ch.get<double>("inertia", 0.0, cfg::between(0, 20));
    if (const Value second = ch["second_choice"]; second.present()) {
      Map sc = second.as_map();
      k.second_choice = sc.get<bool>("enabled", true);
      k.second_choice_max_loss =
          sc.require<double>("max_utility_loss", cfg::between(0, limits::kUtility));
      sc.finish();
    }
    ch.finish();
  }
  if (m.has("community_services"))
    c.community_services = read_community_services(m["community_services"], s);
  for (const Value& item : m["facilities"].as_list()) {
    FacilitySpec f = read_facility(item, s);
    for (const auto& other : c.facilities)
      if (other.name == f.name && !f.name.empty())
        item.error("facility name \"" + f.name + "\" used twice");
    c.facilities.push_back(std::move(f));
  }
  if (c.facilities.size() > 65534) m["facilities"].error("at most 65534 facilities");
  // Choices across districts need travel times, hence every district's location.
  if (!c.facilities.empty() && s.districts.size() > 1)
    for (const District& d : s.districts)
      if (!d.has_location)
        m.diagnostics().error(d.where, "districts[" + d.name + "].location",
                              "required (lat, lon) when care facilities are configured: travel "
                              "times between districts are computed from it");
  if (const Value sr = m["supply_response"]; sr.present()) {
    Map r = sr.as_map();
    SupplyResponseSpec& x = c.supply_response;
    x.enabled = r.get<bool>("enabled", true);
    x.review_days = r.get<std::int32_t>("review_days", 91, cfg::between(7, 3650));
    x.lag_days = r.get<std::int32_t>("lag_days", 365, cfg::between(0, 3650));
    x.occupancy_to_expand = r.get<double>("occupancy_to_expand", 0.9, cfg::probability());
    x.occupancy_to_shrink = r.get<double>("occupancy_to_shrink", 0.5, cfg::probability());
    x.step_share = r.get<double>("step_share", 0.1, cfg::between(0, 1));
    x.monthly_cost_per_place =
        r.get<double>("monthly_cost_per_place", 1200, cfg::between(0, limits::kYuan));
    if (x.occupancy_to_shrink >= x.occupancy_to_expand)
      r["occupancy_to_shrink"].error("must be below occupancy_to_expand");
    r.finish();
  }
  m.finish();
}

void read_programmes(Map& root, Scenario& s) {
  Map m = root["programmes"].as_map();
  ProgrammeSpec& p = s.programmes;
  if (m.has("subsidies")) p.subsidies = read_subsidies(m["subsidies"]);
  p.vouchers = read_vouchers(m["vouchers"]);
  p.purchased_services = read_purchased_services(m["purchased_services"]);
  if (m.has("home_support")) p.home_support = read_home_support(m["home_support"], {});
  if (m.has("meals")) p.meals = read_meals(m["meals"], {});
  if (m.has("ltc_insurance")) p.ltc = read_ltc(m["ltc_insurance"], {});
  if (m.has("medical_care")) p.medical = read_medical_care(m["medical_care"], {});
  m.finish();
}

// The dates of an event: its own, and with `repeat: {every_years: N, until: DATE}` every N
// years after it up to that date (a trend as yearly steps).
std::vector<sim::Day> read_repeat(Map& m, sim::Day first) {
  std::vector<sim::Day> dates{first};
  if (!m.has("repeat")) return dates;
  Map r = m["repeat"].as_map();
  const int every = r.require<std::int32_t>("every_years", cfg::between(1, 50));
  const sim::Day until = r.require_date("until");
  if (r.has("until") && until < first)
    r["until"].error(fmt::format("is before the event's date ({})", sim::format_date(first)));
  r.finish();
  for (int k = 1; every > 0; ++k) {
    const sim::Day next = sim::years_later(first, k * every);
    if (next > until) break;
    dates.push_back(next);
  }
  return dates;
}

// The dated changes of one list (policy_events or trends), each with its repeats.
std::vector<PolicyEvent> read_event_list(const Value& list, Scenario& s) {
  const sim::Day start = s.simulation.calendar.start;
  std::vector<PolicyEvent> events;
  const auto kinds = lever_kinds();
  for (const Value& item : list.as_list()) {
    Map m = item.as_map();
    PolicyEvent e;
    e.date = m.require_date("date");
    // Events after the end are accepted and never applied, so a scenario can be run over a
    // shorter horizon with --set simulation.end=...; events before the start are an error.
    if (m.has("date") && e.date < start)
      m["date"].error(fmt::format("is before the start of the run ({})", sim::format_date(start)));
    e.description = m.get<std::string>("description", "");
    std::vector<std::string> names;
    int found = 0;
    for (const LeverKind& k : kinds) {
      names.emplace_back(k.name);
      const Value action = m[k.name];
      if (!action.present()) continue;
      ++found;
      e.action = std::string(k.name);
      e.lever = k.parse(action, s);
    }
    if (found != 1)
      item.error(fmt::format("a policy event needs exactly one action ({}), found {}",
                             fmt::join(names, ", "), found));
    const std::vector<sim::Day> dates = read_repeat(m, e.date);
    m.finish();
    for (const sim::Day day : dates) {
      PolicyEvent copy = e;
      copy.date = day;
      events.push_back(std::move(copy));
    }
  }
  return events;
}

// The baseline's trends (`trends`: supply growing on its published trend, commitments already
// scheduled) and the scenario's policy (`policy_events`): two lists, so that a scenario that
// extends a baseline and gives its own policy_events keeps the baseline's trends (lists replace
// as a whole). Applied in date order; on the same date trends first, each list in file order.
void read_policy_events(Map& root, Scenario& s) {
  std::vector<PolicyEvent> events = read_event_list(root["trends"], s);
  std::vector<PolicyEvent> policy = read_event_list(root["policy_events"], s);
  events.insert(events.end(), std::make_move_iterator(policy.begin()),
                std::make_move_iterator(policy.end()));
  std::stable_sort(events.begin(), events.end(),
                   [](const PolicyEvent& a, const PolicyEvent& b) { return a.date < b.date; });
  s.policy_events = std::move(events);
}

}  // namespace eldersim::detail
