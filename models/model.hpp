#pragma once
// eldersim's model: the processes of design section 3 registered with the engine. The step
// below reads like the flow chart; each process lives in its own file.

#include <memory>

#include "models/metrics.hpp"
#include "models/world.hpp"
#include "sim/model.hpp"

namespace eldersim {

class ElderModel final : public sim::Model {
 public:
  explicit ElderModel(std::shared_ptr<const Scenario> scenario);

  const sim::Calendar& calendar() const override { return calendar_; }
  std::uint64_t seed() const override { return world_.seed; }
  std::vector<sim::DimensionSpec> dimensions() const override;
  std::vector<sim::SeriesSpec> series() const override;
  std::vector<std::pair<std::string, sim::h5::AttributeValue>> metadata() const override;
  std::vector<sim::StringTable> tables() const override;
  std::size_t agent_count() const override { return world_.people.size(); }
  void step(const sim::Step& step) override;
  void record_period(int period, sim::SeriesSink& sink) override;

  const World& world() const { return world_; }
  World& mutable_world() { return world_; }
  // Living people per district now (for invariant checks).
  Stocks stocks_on(sim::Day day);

 private:
  World world_;
  sim::Calendar calendar_;
  std::size_t initial_agents_;
  PeriodFlows flows_;
  std::vector<PeriodFlows> flow_scratch_;
  std::vector<PeriodFlows> health_scratch_;
  std::vector<Stocks> stock_scratch_;
};

// The definition the CLI runs: validate = parse the scenario; create = parse and build.
sim::ModelDefinition definition();

}  // namespace eldersim
