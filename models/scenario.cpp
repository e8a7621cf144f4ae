#include "models/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <numeric>

#include "models/demography.hpp"
#include "models/scenario_parts.hpp"
#include "sim/config_reader.hpp"
#include "sim/text.hpp"

namespace eldersim {

using sim::config::Map;
using sim::config::Value;
namespace cfg = sim::config;

std::string AgeBands::label(int band) const {
  const int lo = min_age + band * kWidth;
  if (band == count() - 1) return std::to_string(lo) + "+";
  return std::to_string(lo) + "-" + std::to_string(lo + kWidth - 1);
}

std::vector<std::string> AgeBands::labels() const {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count()));
  for (int b = 0; b < count(); ++b) out.push_back(label(b));
  return out;
}

std::vector<std::string> Scenario::district_names() const {
  std::vector<std::string> names;
  for (const auto& d : districts) names.push_back(d.name);
  return names;
}

namespace detail {

constexpr double kShareTolerance = 1e-3;

std::vector<double> read_shares(const Value& v, std::size_t length) {
  auto values = v.as_numbers(cfg::probability(), length);
  if (!values) return std::vector<double>(length, 1.0 / static_cast<double>(length));
  const double total = std::accumulate(values->begin(), values->end(), 0.0);
  if (std::abs(total - 1.0) > kShareTolerance) {
    v.error(fmt::format("shares must add up to 1, they add up to {:.6g}", total));
    return std::vector<double>(length, 1.0 / static_cast<double>(length));
  }
  for (double& x : *values) x /= total;
  return *values;
}

int district_index(const Scenario& s, const Value& v) {
  const auto name = v.as<std::string>();
  if (!name) return -1;
  for (std::size_t i = 0; i < s.districts.size(); ++i)
    if (s.districts[i].name == *name) return static_cast<int>(i);
  std::string message = "unknown district \"" + *name + "\"";
  if (const auto near = sim::closest_match(*name, s.district_names()); !near.empty())
    message += "; did you mean '" + near + "'?";
  v.error(message);
  return -1;
}

std::vector<int> district_indices(const Scenario& s, const Value& v) {
  std::vector<int> out;
  if (v.node() && v.node()->is_scalar()) {
    if (v.as<std::string>() == "all")
      for (int d = 0; d < s.district_count(); ++d) out.push_back(d);
    else
      v.error("give a list of district names, or all");
    return out;
  }
  for (const Value& d : v.as_list())
    if (const int di = district_index(s, d); di >= 0) out.push_back(di);
  return out;
}

}  // namespace detail

namespace {

using detail::district_index;
using detail::kShareTolerance;
using detail::read_shares;

// Reads a mapping of named shares (e.g. alone / with_spouse / with_children) adding up to one.
template <std::size_t N>
std::array<double, N> read_named_shares(Map& parent, const char* key,
                                        const std::array<const char*, N>& names,
                                        const std::array<double, N>& fallback) {
  const Value v = parent[key];
  if (!v.present()) return fallback;
  Map m = v.as_map();
  const std::size_t errors_before = m.diagnostics().count();
  std::array<double, N> out{};
  double total = 0;
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = m.require<double>(names[i], cfg::probability());
    total += out[i];
  }
  m.finish();
  if (m.diagnostics().count() != errors_before) return fallback;
  if (std::abs(total - 1.0) > kShareTolerance) {
    v.error(fmt::format("shares must add up to 1, they add up to {:.6g}", total));
    return fallback;
  }
  for (double& x : out) x /= total;
  return out;
}

void read_scenario_header(Map& root, Scenario& s) {
  Map m = root["scenario"].as_map();
  s.name = m.require<std::string>("name");
  s.city = m.get<std::string>("city", "");
  s.description = m.get<std::string>("description", "");
  m.finish();
  if (!root.has("scenario")) root.missing("scenario");
}

// The date the districts' counts refer to (a census date) and the growth that carries them to
// the start (back from a census taken after it, forward from one before).
void read_count_date(Map& m, Scenario& s) {
  PopulationSpec& p = s.population;
  if (m.has("counted_on")) p.counted_on = m["counted_on"].as_date();
  p.growth_to_start = m.get<double>("growth_to_start", 0.0, cfg::between(-0.5, 0.5));
  if (m.has("growth_to_start") && !m.has("counted_on"))
    m["growth_to_start"].error("needs population.counted_on, the date the counts refer to");
  // A start that failed to read would only make the distance below wrong.
  if (!p.counted_on || m["counted_on"].diagnostics().failed("simulation.start")) return;
  const double years =
      static_cast<double>(*p.counted_on - s.simulation.calendar.start) / sim::kDaysPerYear;
  if (std::abs(years) > 10)
    m["counted_on"].error(
        fmt::format("is {:.1f} years from the start ({}): carry counts at most "
                    "10 years",
                    std::abs(years), sim::format_date(s.simulation.calendar.start)));
  p.start_factor = std::pow(1 + p.growth_to_start, -years);
}

void read_population(Map& root, Scenario& s) {
  if (!root.has("population")) root.missing("population");
  Map m = root["population"].as_map();
  PopulationSpec& p = s.population;
  p.scale = m.get<double>("scale", 1.0, {0.0, 10.0, true, false});
  p.min_age = m.get<std::int32_t>("min_age", 60, cfg::between(40, 90));
  if ((AgeBands::kOpenFrom - p.min_age) % AgeBands::kWidth != 0) {
    m["min_age"].error("must be 95 minus a multiple of 5 (reporting bands are five years wide)");
    p.min_age = 60;  // read the per-band lists against the default bands, not misleading ones
  }
  s.bands.min_age = p.min_age;
  const auto n_bands = static_cast<std::size_t>(std::max(1, s.bands.count()));

  p.age_band_share = std::vector<double>(n_bands, 1.0 / static_cast<double>(n_bands));
  if (m.has("age_band_share"))
    p.age_band_share = read_shares(m["age_band_share"], n_bands);
  else
    m.missing("age_band_share");
  p.male_share_by_band = std::vector<double>(n_bands, 0.5);
  if (m.has("male_share_by_band"))
    p.male_share_by_band = m["male_share_by_band"]
                               .as_numbers(cfg::probability(), n_bands)
                               .value_or(p.male_share_by_band);
  else
    m.missing("male_share_by_band");
  p.open_band_mean_years = m.get<double>("open_band_mean_years", 2.5, cfg::between(0.1, 15));
  read_count_date(m, s);
  p.living = read_named_shares<3>(m, "living_arrangement",
                                  {"alone", "with_spouse", "with_children"}, {0.0, 0.0, 1.0});
  p.income = read_named_shares<3>(m, "income_band", {"low", "middle", "high"}, {0.0, 1.0, 0.0});
  {
    Map t = m["targeted_groups"].as_map();
    p.no_family_support_share = t.get<double>("no_family_support", 0.0, cfg::probability());
    p.low_income_share = t.get<double>("low_income", 0.0, cfg::probability());
    if (p.low_income_share > p.income[kLowIncome] + 1e-12)
      t["low_income"].error(fmt::format(
          "low-income households ({}) are drawn from the low income band, which is only {}",
          p.low_income_share, p.income[kLowIncome]));
    t.finish();
  }
  const Value adl = m["initial_adl_by_band"];
  if (!adl.present()) m.missing("initial_adl_by_band");
  const auto rows = adl.as_list();
  if (adl.present() && rows.size() != n_bands)
    adl.error(fmt::format("expected one row per age band ({} rows: {}), got {}", n_bands,
                          fmt::join(s.bands.labels(), ", "), rows.size()));
  for (const auto& row : rows) {
    const auto shares = read_shares(row, kAdlLevels);
    std::array<double, kAdlLevels> r{};
    std::copy(shares.begin(), shares.end(), r.begin());
    p.initial_adl.push_back(r);
  }
  p.initial_adl.resize(n_bands, {1, 0, 0, 0, 0});
  m.finish();
}

void read_districts(Map& root, Scenario& s) {
  const Value list = root["districts"];
  if (!list.present()) root.missing("districts");
  const int first_year = sim::year_of(s.simulation.calendar.start);
  const int last_year = sim::year_of(s.simulation.calendar.end);
  for (const Value& item : list.as_list()) {
    Map m = item.as_map();
    District d;
    d.name = m.require<std::string>("name");
    d.where = item.location();
    if (m.has("name") && d.name.empty()) m["name"].error("a district needs a non-empty name");
    d.n_older = m.require<std::int64_t>("older_population", cfg::between(0, limits::kPeople));
    d.registered_share = m.get<double>("registered_share", 1.0, cfg::probability());
    d.home_care_hours_per_week =
        m.get<double>("home_care_hours_per_week", 0.0, cfg::between(0, limits::kHours));
    if (const Value loc = m["location"]; loc.present()) {
      Map l = loc.as_map();
      d.latitude = l.require<double>("lat", cfg::between(-90, 90));
      d.longitude = l.require<double>("lon", cfg::between(-180, 180));
      d.has_location = true;
      l.finish();
    }
    const Value by_year = m["entrants_by_year"];
    if (by_year.present()) {
      Map years = by_year.as_map();
      if (const cfg::Node* node = by_year.node(); node && node->is_map()) {
        for (const auto& e : node->entries) {
          const auto year = sim::parse_index(e.key);
          const Value v = years[e.key];
          if (!year || static_cast<int>(*year) < first_year ||
              static_cast<int>(*year) > last_year) {
            v.error(
                fmt::format("expected a simulated year ({}..{}) as key", first_year, last_year));
            continue;
          }
          d.entrants_by_year[static_cast<int>(*year)] =
              v.as<std::int64_t>(cfg::between(0, limits::kPeople)).value_or(0);
        }
      }
      years.finish();
    }
    for (const auto& other : s.districts)
      if (other.name == d.name && !d.name.empty()) m["name"].error("district name used twice");
    s.districts.push_back(std::move(d));
    m.finish();
  }
  if (list.present() && s.districts.empty()) list.error("at least one district is required");
  if (s.districts.size() > static_cast<std::size_t>(limits::kDistricts))
    list.error(fmt::format("{} districts; at most {}", s.districts.size(), limits::kDistricts));
}

void read_mortality(Map& root, Scenario& s) {
  if (!root.has("mortality")) root.missing("mortality");
  Map m = root["mortality"].as_map();
  const std::size_t errors_before = m.diagnostics().count();
  MortalitySpec& mort = s.mortality;
  {
    Map g = m["gompertz"].as_map();
    if (!m.has("gompertz")) m.missing("gompertz");
    const std::array<const char*, kSexes> sexes{"male", "female"};
    for (int sex = 0; sex < kSexes; ++sex) {
      Map gs = g[sexes[static_cast<std::size_t>(sex)]].as_map();
      if (!g.has(sexes[static_cast<std::size_t>(sex)]))
        g.missing(sexes[static_cast<std::size_t>(sex)]);
      mort.gompertz[static_cast<std::size_t>(sex)] = {
          gs.require<double>("m60", cfg::between(1e-6, 1)),
          gs.require<double>("slope", {0.0, 0.5, true, false})};
      gs.finish();
    }
    g.finish();
  }
  mort.improvement = m.get<double>("improvement", 1.0, {0.0, 2.0, true, false});
  mort.logistic_from_age = m.get<double>("logistic_from_age", 95.0, cfg::between(70, 110));
  if (const Value hr = m["hazard_ratio_by_adl"]; hr.present()) {
    if (auto v = hr.as_numbers(cfg::positive(), kAdlLevels))
      std::copy(v->begin(), v->end(), mort.hazard_ratio_by_adl.begin());
  }
  // The logistic tail starts from the Gompertz hazard at its joining age, which must be < 1/year.
  const bool values_ok = m.diagnostics().count() == errors_before;
  for (int sex = 0; sex < kSexes; ++sex) {
    const auto& g = mort.gompertz[static_cast<std::size_t>(sex)];
    const double at_join =
        mort.improvement * g.m60 * std::exp(g.slope * (mort.logistic_from_age - 60));
    if (values_ok && at_join >= 1.0)
      m["logistic_from_age"].error(
          fmt::format("the Gompertz hazard reaches {:.3g} per year at this age for {}; the "
                      "logistic tail needs it below 1",
                      at_join, sex == kMale ? "men" : "women"));
  }
  m.finish();
}

void read_entrants(Map& root, Scenario& s) {
  Map m = root["entrants"].as_map();
  s.entrants.first_year_share = m.get<double>("first_year_share", 0.0, cfg::between(0, 1));
  s.entrants.annual_growth = m.get<double>("annual_growth", 0.0, cfg::between(-0.5, 1));
  m.finish();
}

void read_migration(Map& root, Scenario& s) {
  for (const Value& item : root["migration"].as_list()) {
    Map m = item.as_map();
    MigrationFlow f;
    f.from = m.has("from") ? district_index(s, m["from"]) : (m.missing("from"), -1);
    f.to = m.has("to") ? district_index(s, m["to"]) : (m.missing("to"), -1);
    f.annual_rate = m.require<double>("annual_rate", cfg::between(0, 1));
    if (f.from >= 0 && f.from == f.to) m["to"].error("a flow must go to another district");
    m.finish();
    if (f.from >= 0 && f.to >= 0) s.migration.push_back(f);
  }
}

// At most limits::kHorizonYears from start to end: a longer run is almost surely a typo in a
// year (2400 for 2040), and its calendar and output grow with it.
void check_horizon(Map& root, const Scenario& s) {
  const sim::CalendarSpec& c = s.simulation.calendar;
  constexpr double kDaysPerYear = 365.25;
  const double years = static_cast<double>(c.end - c.start + 1) / kDaysPerYear;
  if (years > limits::kHorizonYears + 1e-9) {
    Map m = root["simulation"].as_map();
    m["end"].error(fmt::format(
        "the run would cover {:.0f} years ({} to {}); at most {} years are "
        "simulated",
        years, sim::format_date(c.start), sim::format_date(c.end), limits::kHorizonYears));
  }
}

// Where a key of the merged tree was written, for checks made after reading.
const cfg::Node* node_at(const cfg::Node& root, std::initializer_list<std::string_view> keys) {
  const cfg::Node* n = &root;
  for (const auto key : keys) {
    const cfg::Node::Entry* e = n->find(key);
    if (!e) return nullptr;
    n = &e->value;
  }
  return n;
}

// The named item of a list in the merged tree (its location), or null.
const cfg::Node* item_named(const cfg::Node* list, std::string_view name) {
  if (!list || !list->is_sequence()) return nullptr;
  for (const auto& item : list->items)
    if (item.item_name() == name) return &item;
  return nullptr;
}

// Every facility is one label of the output's facility axis: a hospital's nursing ward (named
// "<hospital> nursing ward") must not take the name of a configured facility.
void check_names(const cfg::Document& doc, const Scenario& s, cfg::Diagnostics& diagnostics) {
  const cfg::Node* facilities = node_at(doc.root, {"care", "facilities"});
  const cfg::Node* hospitals = node_at(doc.root, {"hospital_system", "hospitals"});
  for (const HospitalSpec& h : s.hospitals.hospitals) {
    if (h.nursing_facility < 0) continue;
    const std::string& ward = s.care.facilities[static_cast<std::size_t>(h.nursing_facility)].name;
    for (const FacilitySpec& f : s.care.facilities) {
      if (f.hospital_ward || f.name != ward) continue;
      const cfg::Node* at = item_named(facilities, f.name);
      const cfg::Node* hospital = item_named(hospitals, h.name);
      diagnostics.error(at ? at->location : (hospital ? hospital->location : doc.root.location),
                        "care.facilities[" + f.name + "]",
                        "facility name \"" + f.name +
                            "\" is also the name of the nursing ward of "
                            "hospital \"" +
                            h.name + "\": every facility needs its own name");
    }
  }
}

// A run must have someone to simulate, and must stay within the row and money limits; whether it
// fits this machine's memory is checked where the model is built (models/elder_model.cpp).
void check_sizes(Map& root, const Scenario& s) {
  double start = 0, older = 0;
  for (const District& d : s.districts) {
    older += static_cast<double>(d.n_older);
    start += static_cast<double>(s.agents_at_start(d));
  }
  Map population = root["population"].as_map();
  if (start < 1) {
    const Value scale = population["scale"];
    (scale.present() ? scale : root["districts"])
        .error(fmt::format("no one to simulate: {} people aged {}+ (the districts' "
                           "older_population) at a scale of {} round to 0 agents; at least 1 is "
                           "needed",
                           sim::with_thousands(static_cast<long long>(older)), s.population.min_age,
                           s.population.scale));
    return;
  }
  const double entrants = expected_entrants(s);
  if (start + entrants > limits::kAgents) {
    Map e = root["entrants"].as_map();
    const Value growth = e["annual_growth"];
    const bool by_entrants = entrants > start;
    (by_entrants && growth.present() ? growth : population["scale"])
        .error(fmt::format("the run would hold {:.3g} agents ({:.3g} at the start and {:.3g} "
                           "entrants to {}); at most {:.0e} can be simulated",
                           start + entrants, start, entrants,
                           sim::format_date(s.simulation.calendar.end), limits::kAgents));
  }
  double places = 0, beds = 0;
  for (const FacilitySpec& f : s.care.facilities)
    if (!f.hospital_ward) places += static_cast<double>(f.places + f.respite_beds);
  for (const HospitalSpec& h : s.hospitals.hospitals)
    beds += static_cast<double>(h.beds + h.rehabilitation_beds + h.nursing_beds);
  if (places * s.population.scale > limits::kTotalPlaces)
    root["care"].as_map()["facilities"].error(
        fmt::format("{:.3g} places in all (after scaling); at most {:.0e}",
                    places * s.population.scale, limits::kTotalPlaces));
  if (beds * s.population.scale > limits::kTotalPlaces)
    root["hospital_system"].as_map()["hospitals"].error(
        fmt::format("{:.3g} beds in all (after scaling); at most {:.0e}", beds * s.population.scale,
                    limits::kTotalPlaces));
}

}  // namespace

Scenario parse_scenario(const sim::config::Document& doc) {
  cfg::Diagnostics diagnostics;
  Map root(&doc.root, "", doc.root.location, diagnostics);
  Scenario s;
  read_scenario_header(root, s);
  s.simulation = sim::read_simulation(root);
  check_horizon(root, s);
  read_population(root, s);
  read_districts(root, s);
  read_mortality(root, s);
  read_entrants(root, s);
  read_migration(root, s);
  detail::compute_travel_times(root, s);
  detail::read_health(root, s);
  detail::read_care(root, s);
  detail::read_hospitals(root, s);
  detail::read_programmes(root, s);
  detail::read_policy_events(root, s);
  root.finish();
  check_names(doc, s, diagnostics);
  // The sizes are worth checking only when every value could be read.
  if (diagnostics.ok()) check_sizes(root, s);
  diagnostics.throw_if_any();
  return s;
}

}  // namespace eldersim
