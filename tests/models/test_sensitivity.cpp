// `eldersim sensitivity` with the eldersim model (docs/sensitivity.md): the parameter that sets
// the death rate ranks first on it, far above one that cannot move it; every point runs with
// the same seeds, so the effect of that parameter is exactly zero; the file holds the design,
// the outputs and the indices; bad files are refused with file, line and key.
#include <gtest/gtest.h>

#include <cmath>

#include "models/elder_model.hpp"
#include "sim/h5.hpp"
#include "sim/run_backend.hpp"
#include "sim/sensitivity.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::TempDir;

std::string sensitivity_text(const std::string& extra = "") {
  return "name: test\nbaseline: " + testing::config_path("guangzhou-small.yaml").string() +
         "\nseed: 5\nset: [simulation.end=2020-12-31]\ndesign: {trajectories: 3, levels: 4}\n"
         "parameters:\n"
         "  - {path: mortality.improvement, distribution: uniform, low: 0.3, high: 0.5, "
         "source: test}\n"
         "  - {path: entrants.annual_growth, distribution: uniform, low: 0, high: 0.02, "
         "source: test}\n"
         "outputs:\n"
         "  - {name: death_rate, series: new_deaths, over_periods: sum, per: {series: n_alive}, "
         "multiply: 1000, years: 2020}\n" +
         extra;
}

TEST(Sensitivity, RanksTheParameterThatSetsAnOutputFirst) {
  TempDir dir;
  const auto file = dir.write("s.yaml", sensitivity_text());
  const auto definition = eldersim::definition();
  std::atomic<bool> stop{false};
  sim::LocalBackend backend(definition, 2, 1, stop);
  sim::SensitivityRequest request;
  request.sensitivity_file = file;
  request.out_path = dir.path() / "s.h5";
  const sim::SensitivityResult r = sim::run_sensitivity(definition, request, backend);
  ASSERT_EQ(r.y.size(), 9u);  // 3 trajectories of 3 points
  EXPECT_EQ(r.runs, 9u);
  // A higher improvement factor means a higher hazard: about +20 per 1000 over the range (0.3 to
  // 0.5 is a third more deaths at a rate near 28), so mu* per unit of quantile is about 20.
  EXPECT_GT(r.indices.mu[0][0], 10.0);
  // Entrants arrive in the first year at the same rate whatever the growth (growth starts the
  // year after), and with common random numbers the deaths of 2020 do not move at all.
  EXPECT_EQ(r.indices.mu_star[0][1], 0.0);
  // Values are the quantiles of the design's levels: for uniform(0.3, 0.5), 0.325 ... 0.475.
  for (const auto& x : r.values) {
    const double level = (x[0] - 0.3) / 0.2 * 4 - 0.5;
    EXPECT_NEAR(level, std::round(level), 1e-9);
  }
  const auto stored = testing::read_numbers(request.out_path, "sensitivity", "mu_star");
  EXPECT_EQ(stored, (std::vector<double>{r.indices.mu_star[0][0], r.indices.mu_star[0][1]}));
  const auto design = testing::read_numbers(request.out_path, "sensitivity", "design_value");
  EXPECT_EQ(design.size(), 18u);
  EXPECT_EQ(design[0], r.values[0][0]);
}

void expect_refused(const std::string& text, const std::string& key) {
  TempDir dir;
  const auto file = dir.write("s.yaml", text);
  try {
    (void)sim::read_sensitivity(file);
    ADD_FAILURE() << "accepted:\n" << text;
  } catch (const sim::config::ConfigError& e) {
    bool found = false;
    for (const auto& d : e.diagnostics())
      if (d.key_path == key && d.location.line > 0 && d.location.file == file.string())
        found = true;
    EXPECT_TRUE(found) << "expected an error at " << key << ", got: " << e.what();
  }
}

TEST(Sensitivity, BadFilesAreRefusedWithFileLineAndKey) {
  ASSERT_NO_THROW((void)sim::read_sensitivity(TempDir().write("s.yaml", sensitivity_text())));
  std::string odd = sensitivity_text();
  odd.replace(odd.find("levels: 4"), 9, "levels: 5");
  expect_refused(odd, "design.levels");
  std::string reversed = sensitivity_text();
  reversed.replace(reversed.find("low: 0.3, high: 0.5"), 19, "low: 0.5, high: 0.3");
  expect_refused(reversed, "parameters[0].high");
  expect_refused(sensitivity_text("  - {name: death_rate, series: n_alive, years: 2020}\n"),
                 "outputs[death_rate].name");
  std::string sets = sensitivity_text();
  sets.replace(sets.find("set: ["), 6, "set: [entrants.annual_growth=0, ");
  expect_refused(sets, "set");
  expect_refused(sensitivity_text() + "desing: {}\n", "desing");
}

}  // namespace
}  // namespace eldersim
