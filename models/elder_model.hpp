#pragma once
// eldersim's model: the processes of design section 3 composed into one step, which reads like
// the flow chart (elder_model.cpp); each process lives in its own file and owns its columns of
// the population (models/people.hpp) and its state.

#include <memory>
#include <string>
#include <vector>

#include "models/care.hpp"
#include "models/census.hpp"
#include "models/community_services.hpp"
#include "models/demography.hpp"
#include "models/finance.hpp"
#include "models/health.hpp"
#include "models/hospital.hpp"
#include "models/people.hpp"
#include "models/person_ops.hpp"
#include "models/policy.hpp"
#include "models/scenario.hpp"
#include "models/sweep.hpp"
#include "sim/model_api.hpp"

namespace eldersim {

class ElderModel final : public sim::Model {
 public:
  explicit ElderModel(const std::shared_ptr<const Scenario>& scenario,
                      const sim::ExecutionSettings& settings = {});
  // A model of a population given instead of synthesised (tests of one process on a cohort).
  ElderModel(std::shared_ptr<const Scenario> scenario, People population,
             const sim::ExecutionSettings& settings = {});
  ElderModel(const ElderModel&) = delete;
  ElderModel& operator=(const ElderModel&) = delete;

  // sim::Model
  const sim::Calendar& calendar() const override { return calendar_; }
  std::uint64_t seed() const override { return seed_; }
  sim::SeriesTable& series() override { return series_; }
  std::vector<std::pair<std::string, sim::h5::AttributeValue>> metadata() const override;
  std::vector<sim::StringTable> tables() const override;
  // The living (rows of the dead not yet compacted away excluded).
  std::size_t agent_count() const override { return people_.size() - dead_rows_; }
  int next_step() const override { return next_step_; }
  void step() override;
  void end_period(sim::SeriesSink& sink) override;
  std::vector<std::byte> save_state() const override;
  void restore_state(std::span<const std::byte> bytes) override;
  const sim::SectionTimes& section_times() const override { return times_; }

  // Read access for tests, benchmarks and tools.
  const Scenario& scenario() const { return *scenario_; }
  const People& people() const { return people_; }
  const Policy& policy() const { return policy_; }
  const care::CareSystem& care() const { return care_; }
  const hospital::Hospitals& hospitals() const { return hospitals_; }
  std::size_t living() const;
  // The period-end count on `day`, now.
  Census count(sim::Day day) const;

 private:
  void sweep(const sim::Step& step);
  void apply_moves();
  void care_step(const sim::Step& step);
  void warm_up_care(const sim::Step& first);  // models/warm_up.cpp
  int next_exit(std::size_t i, const DeathTable& deaths, const sim::Step& first, int from) const;
  std::vector<std::vector<std::uint32_t>> first_exits(const std::vector<std::uint32_t>& choosers,
                                                      const DeathTable& deaths,
                                                      const sim::Step& first, int steps) const;
  void hospital_step(const sim::Step& step);
  void clear_period_flows();
  void compact_if_worthwhile();
  void declare_series();

  std::shared_ptr<const Scenario> scenario_;
  sim::Calendar calendar_;
  std::uint64_t seed_;
  std::size_t block_size_;
  std::size_t initial_agents_ = 0;
  int next_step_ = 0;
  std::size_t dead_rows_ = 0;  // rows of the dead not compacted away yet
  bool damaged_ = false;       // a restore failed part way: the state is not to be used

  People people_;
  Policy policy_;
  Demography demography_;
  Health health_;
  care::CareSystem care_;
  CommunityServices community_;
  hospital::Hospitals hospitals_;
  Finance finance_;
  PersonOps ops_;

  Sweep sweep_;
  SweepEvents events_;
  Census census_;
  sim::SeriesTable series_;
  sim::SectionTimes times_;
};

// What a run of a scenario needs, estimated from the scenario alone, before anything is
// allocated (docs/performance.md: peak memory is about 64 bytes per agent plus 25 MiB).
struct SizeEstimate {
  double agents_at_start = 0;
  double entrants = 0;           // over the run; with the start, an upper bound on the rows
  double memory_bytes = 0;       // kBytesPerAgent per agent (start + entrants) + kFixedBytes
  std::size_t series_cells = 0;  // values of one period over every series
  int periods = 0;
  double output_bytes = 0;  // series_cells x periods x 8 bytes
  static constexpr double kBytesPerAgent = 64;
  static constexpr double kFixedBytes = 25.0 * (1 << 20);
};
SizeEstimate estimate_size(const Scenario& scenario);

// The memory a run may take: ELDERSIM_MEMORY_LIMIT_MIB if set (a documented override, for batch
// jobs and tests), else MemAvailable of /proc/meminfo, lowered to what the process's cgroup
// (memory.max less memory.current) still allows; 0 bytes when neither can be read.
struct MemoryLimit {
  double bytes = 0;
  std::string source;  // where the figure came from, for messages
};
MemoryLimit memory_limit();

// Throws sim::config::ConfigError, with the estimate, when the run cannot fit in `limit`.
void check_fits(const SizeEstimate& estimate, const MemoryLimit& limit,
                const sim::config::Document& doc);
// The estimate in three lines (agents, memory, output), as `eldersim validate` prints it.
std::string describe(const SizeEstimate& estimate, const MemoryLimit& limit);

// The definition the CLI runs: validate = parse the scenario and check that it fits (returning
// the estimate's description); create = the same, then build.
sim::ModelDefinition definition();

// Identifies the random-number contract of the model (sim/rng.hpp, models/random_events.hpp):
// results are comparable between builds with the same contract.
inline constexpr const char* kRngContract = "philox4x32-lanes/philox4x64-streams v2";

}  // namespace eldersim
