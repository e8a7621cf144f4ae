#include "models/elder_model.hpp"

#include <fmt/format.h>
#include <tbb/parallel_reduce.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "models/planning.hpp"
#include "models/synthesis.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/soa.hpp"
#include "sim/text.hpp"

namespace eldersim {

namespace {

using Kind = sim::SectionTimes::Kind;

std::vector<sim::DimensionSpec> dimensions_of(const Scenario& s) {
  std::vector<std::string> facilities, hospitals;
  for (const auto& f : s.care.facilities) facilities.push_back(f.name);
  for (const auto& h : s.hospitals.hospitals) hospitals.push_back(h.name);
  const std::vector<std::string> levels{"healthy", "mild", "moderate", "heavy", "severe"};
  return {
      {"district", s.district_names()},
      {"sex", {"male", "female"}},
      {"age_band", s.bands.labels()},
      {"adl_level", levels},
      {"adl_from", levels},
      {"adl_to", levels},
      {"service", {"home", "community", "institution"}},
      {"care_setting", {"none", "home", "community", "institution"}},
      {"death_setting", death_setting_names()},
      {"wait_end", care::wait_end_names()},
      {"wait_band", care::wait_band_names()},
      {"stay_end", care::stay_end_names()},
      {"stay_band", care::stay_band_names()},
      {"community_service", community_service_names()},
      {"payer", payer_names()},
      {"government_spending_type", government_spending_names()},
      {"hospital_payer", hospital_payer_names()},
      {"facility", facilities},
      {"hospital", hospitals},
      {"destination_district", s.district_names()},
  };
}

// Compaction pays once the dead are this share of the rows (they are skipped cheaply until then:
// at 2%, about one compaction a year at a death rate of 28 per 1000).
constexpr double kCompactShare = 0.02;

// The first words of a saved state, and what it must match.
constexpr std::uint64_t kStateMagic = 0x454C44455253494Dull;  // "ELDERSIM"
// 2: deaths by setting in the demography's period flows; 3: the care ledger's ended waits; 4:
// the LTC beneficiary days of the period's spending; 5: the hospitals' background patients and
// wait-cap discharges, and the hospital care of the period's spending; 6: LTC insurance take-up
// in the programmes, the care ledger's waits carried in; 7: the stays ended in institutions; 8:
// the second choices among the care flows.
constexpr std::uint32_t kStateVersion = 8;

}  // namespace

ElderModel::ElderModel(const std::shared_ptr<const Scenario>& scenario,
                       const sim::ExecutionSettings& settings)
    : ElderModel(scenario,
                 synthesize_population(
                     *scenario, scenario->simulation.population_seed,
                     settings.block_size > 0 ? settings.block_size : sim::kDefaultBlockSize,
                     static_cast<std::size_t>(entrants_over_run(*scenario))),
                 settings) {}

ElderModel::ElderModel(std::shared_ptr<const Scenario> scenario, People population,
                       const sim::ExecutionSettings& settings)
    : scenario_(std::move(scenario)),
      calendar_(scenario_->simulation.calendar),
      seed_(scenario_->simulation.seed),
      block_size_(settings.block_size > 0 ? settings.block_size : sim::kDefaultBlockSize),
      policy_(*scenario_),
      demography_(*scenario_),
      health_(*scenario_),
      care_(*scenario_),
      community_(*scenario_),
      hospitals_(*scenario_),
      finance_(static_cast<std::size_t>(scenario_->district_count())),
      ops_(people_, *scenario_, demography_, health_, care_.ledger(), hospitals_, dead_rows_),
      sweep_(block_size_),
      census_(scenario_->district_count(), scenario_->bands.count()),
      series_(dimensions_of(*scenario_)) {
  // Room for every row the run can append (untouched reserved memory costs nothing resident);
  // a synthesised population comes with it already.
  people_ = std::move(population);
  const std::size_t rows = people_.size() + static_cast<std::size_t>(entrants_over_run(*scenario_));
  if (people_.id.capacity() < rows) sim::reserve_rows(people_, rows);
  initial_agents_ = people_.size();
  declare_series();
}

void ElderModel::declare_series() {
  demography_.declare(series_, census_);
  health_.declare(series_, census_);
  care_.declare(series_, census_);
  community_.declare(series_, census_);
  hospitals_.declare(series_, census_);
  finance_.declare(series_);
}

std::vector<std::pair<std::string, sim::h5::AttributeValue>> ElderModel::metadata() const {
  const Scenario& s = *scenario_;
  return {{"scenario_name", s.name},
          {"city", s.city},
          {"description", s.description},
          {"scale", s.population.scale},
          {"population_seed", s.simulation.population_seed},
          {"min_age", static_cast<std::int32_t>(s.population.min_age)},
          {"n_agents_start", static_cast<std::int64_t>(initial_agents_)},
          {"rng_contract", std::string(kRngContract)},
          {"lane_kernel", std::string(sim::lane_kernel_name())},
          {"block_size", static_cast<std::int64_t>(block_size_)}};
}

std::vector<sim::StringTable> ElderModel::tables() const {
  const Scenario& s = *scenario_;
  sim::StringTable type{"facility_info", "type", {}}, district{"facility_info", "district", {}},
      ownership{"facility_info", "ownership", {}};
  for (const auto& f : s.care.facilities) {
    type.values.emplace_back(f.type == FacilityType::kInstitution ? "institution" : "community");
    district.values.push_back(s.districts[static_cast<std::size_t>(f.district)].name);
    ownership.values.emplace_back(f.ownership == Ownership::kPublic ? "public" : "private");
  }
  sim::StringTable h_district{"hospital_info", "district", {}}, tier{"hospital_info", "tier", {}},
      h_ownership{"hospital_info", "ownership", {}};
  for (const auto& h : s.hospitals.hospitals) {
    h_district.values.push_back(s.districts[static_cast<std::size_t>(h.district)].name);
    tier.values.push_back(std::to_string(h.tier));
    h_ownership.values.emplace_back(h.ownership == Ownership::kPublic ? "public" : "private");
  }
  return {type, district, ownership, h_district, tier, h_ownership};
}

// One step (design section 3), in order:
//   1. policy: facility openings and closings, dated events, supply response  (policy.cpp)
//   2. demography: the new cohort's birthdays in the step                     (demography.cpp)
//   3. the sweep, for every person: exposure, death, move, ADL transition,   (sweep.cpp)
//      the step's cost of care, whether they choose care, hospital admission
//   4. its events: deaths, moves, level changes                               (person_ops.cpp)
//   5. care: choices, waiting lists, allocation, providers' subsidies         (care.cpp)
//   6. hospital: stays ending (deaths, discharge into care or delayed),       (hospital.cpp)
//      admissions, bed-days; after the care step so that discharges see the places its
//      allocation left free
void ElderModel::step() {
  if (damaged_) throw std::logic_error("the model's state was not restored completely");
  if (next_step_ >= calendar_.n_steps()) throw std::logic_error("step after the last step");
  const sim::Step& s = calendar_.step(next_step_);
  care_.ledger().start_step(s.first_day);
  times_.run("policy", Kind::kSerial, [&] {
    policy_.step(s, care_, hospitals_, finance_.period(), people_);
    hospitals_.prepare_step(s, policy_.programme());
  });
  if (next_step_ == 0) warm_up_care(s);
  times_.run("entrants", Kind::kParallel, [&] { demography_.enter_cohorts(s, people_, seed_); });
  times_.run("sweep", Kind::kParallel, [&] { sweep(s); });
  PersonOps::Deaths deaths;
  times_.run("sweep events: deaths (rows)", Kind::kParallel,
             [&] { deaths = ops_.die_rows(events_.deaths, s); });
  times_.run("sweep events: deaths (ledger), moves", Kind::kSerial, [&] {
    ops_.die_settle(events_.deaths, deaths, s);
    apply_moves();
  });
  times_.run("sweep events: ADL changes", Kind::kParallel,
             [&] { ops_.change_levels(events_.level_changes); });
  care_step(s);
  hospital_step(s);
  ++next_step_;
}

void ElderModel::sweep(const sim::Step& s) {
  SweepInputs in{*scenario_, seed_, demography_, health_, care_, hospitals_, policy_.programme()};
  sweep_.run(s, people_, in, events_, finance_.period());
}

void ElderModel::apply_moves() {
  for (const auto& [i, to] : events_.moves) {
    ops_.move(i, to);
    if (people_.care_flags[i] & kChoiceDue) events_.care_due.push_back({i, true});
  }
}

void ElderModel::care_step(const sim::Step& s) {
  care::CareContext ctx{
      people_, ops_,  policy_.programme(), policy_.programme_version(), finance_.period(),
      seed_,   times_};
  care_.step(s, events_.care_due, ctx);
}

void ElderModel::hospital_step(const sim::Step& s) {
  care::CareContext care_ctx{
      people_, ops_,  policy_.programme(), policy_.programme_version(), finance_.period(),
      seed_,   times_};
  hospital::HospitalContext ctx{people_, ops_, care_, care_ctx, policy_.programme(), seed_, times_};
  hospitals_.step(s, events_.admission_candidates, ctx);
}

std::size_t ElderModel::living() const {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, people_.size(), 1 << 16), std::size_t{0},
      [&](const tbb::blocked_range<std::size_t>& r, std::size_t n) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) n += people_.alive[i];
        return n;
      },
      std::plus<>());
}

Census ElderModel::count(sim::Day day) const {
  Census c;
  count_census(people_, *scenario_, day, care_.ledger(), hospitals_.state(), block_size_, c);
  return c;
}

// At a period's end, in this order: count the stocks, hand over every series' row, start the
// next period's flows afresh, and drop the dead once they are worth dropping.
void ElderModel::end_period(sim::SeriesSink& sink) {
  const sim::Step& last = calendar_.step(next_step_ - 1);
  if (!last.ends_period) throw std::logic_error("end_period before the period's last step");
  times_.run("period end: count", Kind::kParallel, [&] {
    const sim::Period& period = calendar_.period(last.period);
    count_census(people_, *scenario_, period.last_day, care_.ledger(), hospitals_.state(),
                 block_size_, census_);
    if (care_.enabled())
      community_.count(people_, period.last_day, period.last_day - period.first_day + 1,
                       policy_.programme(), seed_, block_size_, finance_.period());
  });
  times_.run("period end: record", Kind::kSerial, [&] {
    series_.record(sink);
    clear_period_flows();
  });
  times_.run("period end: compact", Kind::kParallel, [&] { compact_if_worthwhile(); });
}

void ElderModel::clear_period_flows() {
  demography_.flows().clear_period();
  health_.clear_period();
  care_.clear_period();
  hospitals_.clear_period();
  finance_.clear_period();
}

void ElderModel::compact_if_worthwhile() {
  if (static_cast<double>(dead_rows_) < kCompactShare * static_cast<double>(people_.size())) return;
  const sim::RowMap map = sim::compact_rows(people_, std::span<const std::uint8_t>(people_.alive));
  care_.remap_rows(map);
  hospitals_.remap_rows(map);
  dead_rows_ = 0;
}

std::vector<std::byte> ElderModel::save_state() const {
  sim::OutArchive ar;
  auto& self = const_cast<ElderModel&>(*this);  // serialize() lists fields; saving only reads
  std::uint64_t seed = seed_;
  auto shape = std::array<std::int64_t, 4>{scenario_->district_count(), scenario_->facility_count(),
                                           scenario_->hospital_count(), calendar_.n_steps()};
  ar(kStateMagic, kStateVersion, seed, shape, self.next_step_, self.dead_rows_, self.people_);
  ar(self.policy_, self.demography_, self.health_, self.care_, self.hospitals_, self.finance_);
  return ar.take();
}

void ElderModel::restore_state(std::span<const std::byte> bytes) {
  sim::InArchive ar(bytes);
  std::uint64_t magic = 0, seed = 0;
  std::uint32_t version = 0;
  std::array<std::int64_t, 4> shape{};
  ar(magic, version);
  if (magic != kStateMagic || version != kStateVersion)
    throw sim::ArchiveError("not a saved eldersim state of this version");
  ar(seed, shape);
  const auto expected =
      std::array<std::int64_t, 4>{scenario_->district_count(), scenario_->facility_count(),
                                  scenario_->hospital_count(), calendar_.n_steps()};
  if (seed != seed_ || shape != expected)
    throw sim::ArchiveError("the saved state belongs to another scenario or seed");
  damaged_ = true;  // until every part is read
  ar(next_step_, dead_rows_, people_);
  ar(policy_, demography_, health_, care_, hospitals_, finance_);
  if (!ar.at_end()) throw sim::ArchiveError("the saved state has data after its end");
  damaged_ = false;
}

SizeEstimate estimate_size(const Scenario& s) {
  SizeEstimate e;
  for (const District& d : s.districts)
    e.agents_at_start += static_cast<double>(s.agents_at_start(d));
  e.entrants = expected_entrants(s);
  e.memory_bytes =
      (e.agents_at_start + e.entrants) * SizeEstimate::kBytesPerAgent + SizeEstimate::kFixedBytes;
  // The series as the model declares them, from processes built without a population (their
  // tables grow with districts, facilities and hospitals only).
  Demography demography(s);
  Health health(s);
  care::CareSystem care(s);
  CommunityServices community(s);
  hospital::Hospitals hospitals(s);
  Finance finance(static_cast<std::size_t>(s.district_count()));
  Census census(s.district_count(), s.bands.count());
  sim::SeriesTable series(dimensions_of(s));
  demography.declare(series, census);
  health.declare(series, census);
  care.declare(series, census);
  community.declare(series, census);
  hospitals.declare(series, census);
  finance.declare(series);
  std::map<std::string, std::size_t> sizes;
  for (const auto& d : series.dimensions()) sizes[d.name] = d.labels.size();
  for (const auto& spec : series.specs()) {
    std::size_t cells = 1;
    for (const auto& d : spec.dims) cells *= sizes.at(d);
    e.series_cells += cells;
  }
  e.periods = sim::Calendar(s.simulation.calendar).n_periods();
  e.output_bytes = static_cast<double>(e.series_cells) * e.periods * 8.0;
  return e;
}

namespace {

// The first number of `key` in a /proc-style file ("MemAvailable:  123 kB"), or nullopt.
std::optional<double> read_number(const char* path, std::string_view key = {}) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!key.empty() && line.rfind(key, 0) != 0) continue;
    const std::string rest = key.empty() ? line : line.substr(key.size());
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) return std::nullopt;  // "max": no limit
    return v;
  }
  return std::nullopt;
}

std::string bytes_text(double bytes) {
  constexpr double kMiB = 1 << 20, kGiB = kMiB * 1024, kTiB = kGiB * 1024;
  if (bytes >= kTiB) return fmt::format("{:.1f} TiB", bytes / kTiB);
  if (bytes >= kGiB) return fmt::format("{:.1f} GiB", bytes / kGiB);
  return fmt::format("{:.0f} MiB", std::ceil(bytes / kMiB));
}

std::string count_text(double n) {
  if (n < 1e15) return sim::with_thousands(static_cast<long long>(n));
  return fmt::format("{:.3g}", n);
}

}  // namespace

MemoryLimit memory_limit() {
  if (const char* env = std::getenv("ELDERSIM_MEMORY_LIMIT_MIB"); env && *env) {
    char* end = nullptr;
    const double mib = std::strtod(env, &end);
    if (end != env && *end == '\0' && mib > 0)
      return {mib * (1 << 20), fmt::format("ELDERSIM_MEMORY_LIMIT_MIB={}", env)};
  }
  MemoryLimit limit;
  if (const auto kib = read_number("/proc/meminfo", "MemAvailable:"))
    limit = {*kib * 1024, "available on this machine (MemAvailable)"};
  const auto max = read_number("/sys/fs/cgroup/memory.max");
  const auto current = read_number("/sys/fs/cgroup/memory.current");
  if (max && current && (limit.bytes == 0 || *max - *current < limit.bytes))
    limit = {std::max(0.0, *max - *current), "left to this process's cgroup (memory.max)"};
  return limit;
}

std::string describe(const SizeEstimate& e, const MemoryLimit& limit) {
  return fmt::format(
      "  agents: {} at the start, {} entrants, at most {} in all\n"
      "  memory: about {}{}\n"
      "  output: about {} ({} values a period x {} periods)\n",
      count_text(e.agents_at_start), count_text(e.entrants),
      count_text(e.agents_at_start + e.entrants), bytes_text(e.memory_bytes),
      limit.bytes > 0 ? " of " + bytes_text(limit.bytes) + " " + limit.source : std::string(),
      bytes_text(e.output_bytes), sim::with_thousands(static_cast<long long>(e.series_cells)),
      e.periods);
}

void check_fits(const SizeEstimate& e, const MemoryLimit& limit, const sim::config::Document& doc) {
  if (limit.bytes <= 0 || e.memory_bytes <= limit.bytes) return;
  // Reported at the knob that makes the run this big: the scale, or the entrants' growth when
  // the entrants dwarf the start.
  const bool by_entrants = e.entrants > 10 * e.agents_at_start;
  const auto find = [&](std::string_view section, std::string_view key)
      -> std::pair<const sim::config::Node*, const sim::config::Node::Entry*> {
    const sim::config::Node::Entry* s = doc.root.find(section);
    if (!s) return {nullptr, nullptr};
    return {&s->value, s->value.find(key)};
  };
  const auto [section, entry] =
      by_entrants ? find("entrants", "annual_growth") : find("population", "scale");
  const std::string key = by_entrants ? "entrants.annual_growth" : "population.scale";
  const sim::config::Location where = entry     ? entry->value.location
                                      : section ? section->location
                                                : doc.root.location;
  throw sim::config::ConfigError(
      where, entry ? key : std::string(by_entrants ? "entrants" : "population"),
      fmt::format("the run would need about {} of memory ({} agents: {} at the start and {} "
                  "entrants, at {:.0f} bytes each, plus {}), more than the {} {}; lower "
                  "population.scale, the entrants or the horizon",
                  bytes_text(e.memory_bytes), count_text(e.agents_at_start + e.entrants),
                  count_text(e.agents_at_start), count_text(e.entrants),
                  SizeEstimate::kBytesPerAgent, bytes_text(SizeEstimate::kFixedBytes),
                  bytes_text(limit.bytes), limit.source));
}

sim::ModelDefinition definition() {
  return {"eldersim",
          [](const sim::config::Document& doc) {
            const Scenario s = parse_scenario(doc);
            const SizeEstimate e = estimate_size(s);
            const MemoryLimit limit = memory_limit();
            check_fits(e, limit, doc);
            return describe(e, limit);
          },
          [](const sim::config::Document& doc,
             const sim::ExecutionSettings& settings) -> std::unique_ptr<sim::Model> {
            auto scenario = std::make_shared<const Scenario>(parse_scenario(doc));
            check_fits(estimate_size(*scenario), memory_limit(), doc);
            return std::make_unique<ElderModel>(std::move(scenario), settings);
          },
          read_capacity_lever};
}

}  // namespace eldersim
