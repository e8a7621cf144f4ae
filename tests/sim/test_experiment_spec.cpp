// The sweep file, parameter distributions, replicate seeds and the replicate intervals.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "sim/config_tree.hpp"
#include "sim/experiment_spec.hpp"
#include "sim/interval.hpp"
#include "tests/test_support.hpp"

namespace sim {
namespace {

using eldersim::testing::TempDir;

// A sweep file in a temporary directory next to a (dummy) baseline file.
ExperimentSpec read_text(const TempDir& dir, const std::string& text) {
  dir.write("base.yaml", "simulation: {seed: 5}\n");
  dir.write("other.yaml", "extends: base.yaml\n");
  return read_experiment(dir.write("sweep.yaml", text));
}

// The messages of a refused sweep file, each "key: message" with its line.
std::vector<std::string> errors_of(const TempDir& dir, const std::string& text) {
  try {
    read_text(dir, text);
  } catch (const config::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics())
      out.push_back(std::to_string(d.location.line) + " " + d.key_path + ": " + d.message);
    return out;
  }
  return {};
}

TEST(ExperimentSpec, ReadsScenariosGridAndParameters) {
  TempDir dir;
  const ExperimentSpec spec = read_text(dir,
                                        "baseline: base.yaml\n"
                                        "replicates: 4\n"
                                        "population: fixed\n"
                                        "scenarios:\n"
                                        "  - {name: a, config: other.yaml}\n"
                                        "  - {name: b, set: [x.y=2]}\n"
                                        "grid:\n"
                                        "  - {key: p.q, values: [1, 2]}\n"
                                        "  - {key: r, values: [low, high]}\n"
                                        "uncertain:\n"
                                        "  - {path: m.k, distribution: uniform, low: 1, high: 3,"
                                        " source: assumption}\n");
  EXPECT_EQ(spec.replicates, 4);
  EXPECT_EQ(spec.population, PopulationMode::kFixed);
  ASSERT_EQ(spec.scenarios.size(), 7u);  // baseline, a, b and 2 x 2 grid points
  EXPECT_EQ(spec.scenarios[0].name, "baseline");
  EXPECT_EQ(spec.scenarios[1].config.filename(), "other.yaml");
  EXPECT_EQ(spec.scenarios[2].config.filename(), "base.yaml");
  EXPECT_EQ(spec.scenarios[2].overrides, std::vector<std::string>{"x.y=2"});
  EXPECT_EQ(spec.scenarios[3].name, "q=1,r=low");  // the first key varies slowest
  EXPECT_EQ(spec.scenarios[4].name, "q=1,r=high");
  EXPECT_EQ(spec.scenarios[6].overrides, (std::vector<std::string>{"p.q=2", "r=high"}));
  ASSERT_EQ(spec.uncertain.size(), 1u);
  EXPECT_DOUBLE_EQ(central_value(spec.uncertain[0].distribution), 2.0);
}

TEST(ExperimentSpec, RefusesBadFilesNamingLineAndKey) {
  TempDir dir;
  EXPECT_EQ(errors_of(dir, "replicates: 2\n"),
            std::vector<std::string>{"1 baseline: missing required key"});
  const auto dup = errors_of(dir,
                             "baseline: base.yaml\nscenarios:\n  - {name: a, set: [x=1]}\n"
                             "  - {name: a, set: [x=2]}\n");
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_NE(dup[0].find("scenario a is named twice"), std::string::npos) << dup[0];
  EXPECT_EQ(dup[0].substr(0, 2), "4 ");
  const auto missing = errors_of(dir, "baseline: nothere.yaml\n");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("no such scenario file"), std::string::npos);
  const auto reserved =
      errors_of(dir, "baseline: base.yaml\nscenarios: [{name: baseline, set: [x=1]}]\n");
  ASSERT_EQ(reserved.size(), 1u);
  EXPECT_NE(reserved[0].find("kept for the baseline"), std::string::npos);
  const auto bad_override =
      errors_of(dir, "baseline: base.yaml\nscenarios: [{name: a, set: [x]}]\n");
  ASSERT_EQ(bad_override.size(), 1u);
  EXPECT_NE(bad_override[0].find("expected key.path=value"), std::string::npos);
  const auto triangle = errors_of(dir,
                                  "baseline: base.yaml\nuncertain:\n  - {path: a, distribution: "
                                  "triangular, low: 1, mode: 5, high: 3, source: s}\n");
  ASSERT_EQ(triangle.size(), 1u);
  EXPECT_NE(triangle[0].find("mode: must lie between low and high"), std::string::npos);
  const auto clash = errors_of(dir,
                               "baseline: base.yaml\nscenarios: [{name: a, set: [m.k=1]}]\n"
                               "uncertain: [{path: m.k, distribution: normal, mean: 1, sd: 0.1, "
                               "source: s}]\n");
  ASSERT_EQ(clash.size(), 1u);
  EXPECT_NE(clash[0].find("uncertain parameter"), std::string::npos);
  const auto unknown = errors_of(dir, "baseline: base.yaml\nreplicate: 3\n");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("replicates"), std::string::npos);  // the did-you-mean
  EXPECT_FALSE(errors_of(dir, "baseline: base.yaml\nreplicates: 0\n").empty());
  EXPECT_FALSE(
      errors_of(dir,
                "baseline: base.yaml\nuncertain: [{path: a, distribution: normal, mean: 1, "
                "sd: 0}]\n")
          .empty());  // sd > 0, and the source is required
}

TEST(ExperimentSeeds, DependOnRootAndReplicateOnly) {
  // Pinned values: a change of the seed rule changes every sweep and must be deliberate.
  EXPECT_EQ(replicate_seed(20200101, 0), replicate_seed(20200101, 0));
  EXPECT_NE(replicate_seed(20200101, 0), replicate_seed(20200101, 1));
  EXPECT_NE(replicate_seed(20200101, 0), replicate_seed(20200102, 0));
  for (int r = 0; r < 100; ++r) EXPECT_LT(replicate_seed(~0ull, r), 1ull << 63);
  EXPECT_EQ(population_seed(7, 3, PopulationMode::kPerReplicate), replicate_seed(7, 3));
  EXPECT_EQ(population_seed(7, 3, PopulationMode::kFixed),
            population_seed(7, 4, PopulationMode::kFixed));
  EXPECT_NE(population_seed(7, 3, PopulationMode::kFixed), replicate_seed(7, 3));
}

TEST(ExperimentSeeds, ParameterDrawsAreCommonAndFollowTheDistribution) {
  ExperimentSpec spec;
  spec.uncertain.push_back({"a", Uniform{2, 4}, "s"});
  spec.uncertain.push_back({"b", Triangular{0, 1, 3}, "s"});
  double sum = 0;
  constexpr int kReplicates = 4000;
  for (int r = 0; r < kReplicates; ++r) {
    const auto v = parameter_values(spec, 11, r);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_GE(v[0], 2.0);
    EXPECT_LT(v[0], 4.0);
    EXPECT_GE(v[1], 0.0);
    EXPECT_LE(v[1], 3.0);
    sum += v[1];
  }
  // Triangular(0, 1, 3) has mean 4/3 and sd about 0.62: 4000 draws are within 0.05.
  EXPECT_NEAR(sum / kReplicates, 4.0 / 3.0, 0.05);
  EXPECT_EQ(parameter_values(spec, 11, 5), parameter_values(spec, 11, 5));
  EXPECT_NE(parameter_values(spec, 11, 5), parameter_values(spec, 12, 5));
  spec.parameter_draws = false;
  EXPECT_EQ(parameter_values(spec, 11, 5),
            (std::vector<double>{3.0, quantile(Triangular{0, 1, 3}, 0.5)}));
}

TEST(Distributions, QuantilesMatchTheirDefinitions) {
  EXPECT_NEAR(quantile(Normal{10, 2}, 0.975), 10 + 2 * 1.959964, 1e-5);
  EXPECT_NEAR(quantile(LogNormal{0, 0.5}, 0.5), 1.0, 1e-12);
  EXPECT_NEAR(quantile(Uniform{1, 3}, 0.25), 1.5, 1e-12);
  EXPECT_NEAR(quantile(Beta{2, 2, 10, 20}, 0.5), 15.0, 1e-9);  // symmetric
  // Triangular(0, 1, 2): F(x) = x^2 / 2 below the mode.
  EXPECT_NEAR(quantile(Triangular{0, 1, 2}, 0.125), 0.5, 1e-12);
  EXPECT_EQ(describe(Normal{1, 0.5}), "normal(mean=1, sd=0.5)");
}

TEST(Interval, StudentTNotNormal) {
  EXPECT_NEAR(t_quantile_975(1), 12.7062, 1e-4);
  EXPECT_NEAR(t_quantile_975(2), 4.30265, 1e-5);
  EXPECT_NEAR(t_quantile_975(9), 2.26216, 1e-5);
  const std::vector<double> x{1, 2, 3};  // mean 2, s = 1
  const Interval i = mean_interval(x);
  EXPECT_DOUBLE_EQ(i.mean, 2.0);
  EXPECT_NEAR(i.hi - i.mean, 4.30265 / std::sqrt(3.0), 1e-5);
  EXPECT_NEAR(i.mean - i.lo, i.hi - i.mean, 1e-12);
  EXPECT_EQ(i.n, 3u);
}

TEST(Interval, LeavesOutNaNAndNeedsTwoValues) {
  const double nan = std::nan("");
  const std::vector<double> x{nan, 4, nan};
  const Interval one = mean_interval(x);
  EXPECT_DOUBLE_EQ(one.mean, 4.0);
  EXPECT_TRUE(std::isnan(one.lo));
  EXPECT_EQ(one.n, 1u);
  EXPECT_TRUE(std::isnan(mean_interval(std::vector<double>{nan}).mean));
  // Paired: only the replicates where both are finite; a constant shift has zero width.
  const std::vector<double> a{5, 7, nan, 9}, b{4, 6, 1, 8};
  const Interval d = paired_difference(a, b);
  EXPECT_DOUBLE_EQ(d.mean, 1.0);
  EXPECT_DOUBLE_EQ(d.lo, 1.0);
  EXPECT_DOUBLE_EQ(d.hi, 1.0);
  EXPECT_EQ(d.n, 3u);
}

}  // namespace
}  // namespace sim
