// Planning mode (docs/planning.md): the search finds the known answer of a case that can be
// worked out by hand, and the lever adds what it says.
#include <gtest/gtest.h>

#include <cmath>

#include "models/elder_model.hpp"
#include "models/planning.hpp"
#include "sim/h5.hpp"
#include "sim/plan.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::TempDir;

sim::PlanResult plan(const std::filesystem::path& file, const std::filesystem::path& out) {
  const auto definition = eldersim::definition();
  std::atomic<bool> stop{false};
  sim::LocalBackend backend(definition, 2, 1, stop);
  sim::PlanRequest request;
  request.plan_file = file;
  request.out_path = out;
  request.overrides = {"simulation.end=2021-12-31"};
  return sim::run_plan(definition, request, backend);
}

// Nursing-type beds per 100 people 60+ in two districts, at least 4 in 2021. The places are
// supply: the beds B needed are worked out from the run with nothing added, year by year:
// mean over months of 100 (B0 + b) / alive >= 2, where b = round(A x scale) agent-beds.
TEST(Planning, FindsTheKnownAnswerOfASupplyTarget) {
  TempDir dir;
  const auto file = dir.write(
      "plan.yaml", "baseline: " + testing::config_path("guangzhou-small.yaml").string() +
                       "\nreplicates: 2\nadd: {kind: nursing_beds, districts: [Yuexiu, Nansha], "
                       "from: 2020-03-01, max: 20000, resolution: 1}\n"
                       "target: {series: nursing_beds_per_100, at_least: 4.0, from_year: 2021}\n");
  const auto out = dir.path() / "plan.h5";
  const sim::PlanResult result = plan(file, out);
  ASSERT_EQ(result.units, (std::vector<std::string>{"Yuexiu", "Nansha"}));
  const auto f = sim::h5::File::open_read_only(out);
  const auto districts = f.root().open_group("dims").read_strings("district");
  const auto periods = f.root().open_group("dims").read_strings("period_start");
  const auto per100 =
      testing::read_numbers(out, "series", "nursing_beds_per_100");  // 2 x 2 x P x D
  const auto alive = testing::read_numbers(out, "series", "n_alive");
  const double scale = 0.01;
  const std::size_t P = periods.size(), D = districts.size();
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t u = 0; u < 2; ++u) {
      const auto d = static_cast<std::size_t>(
          std::find(districts.begin(), districts.end(), result.units[u]) - districts.begin());
      // From the "nothing added" run: mean(100 B0/alive) + b mean(100/alive) >= 4 in 2021.
      double base = 0, per_bed = 0;
      int n = 0;
      for (std::size_t p = 0; p < P; ++p) {
        if (periods[p].substr(0, 4) != "2021") continue;
        const std::size_t at = ((0 * 2 + r) * P + p) * D + d;
        base += per100[at], per_bed += 100.0 / alive[at], ++n;
      }
      const double needed = std::ceil((4.0 - base / n) / (per_bed / n) - 1e-9);  // agent-beds
      // The fewest real beds A with round(A x scale) >= needed.
      const auto expected = static_cast<std::int64_t>(std::ceil((needed - 0.5) / scale));
      EXPECT_EQ(result.answer[r][u], expected) << result.units[u] << " replicate " << r;
      EXPECT_TRUE(result.holds_at_answer[r][u]);
    }
  // The planned facility is on the facility axis with the places found, scaled.
  const auto facilities = f.root().open_group("dims").read_strings("facility");
  const auto it = std::find(facilities.begin(), facilities.end(), "planned nursing beds Yuexiu");
  ASSERT_NE(it, facilities.end());
  const auto places =
      testing::read_numbers(out, "facilities", "n_places_by_facility");  // 2 x R x P x F
  const std::size_t F = facilities.size(), k = static_cast<std::size_t>(it - facilities.begin());
  EXPECT_EQ(places[((1 * 2 + 0) * P + P - 1) * F + k],
            std::round(static_cast<double>(result.answer[0][0]) * scale));
  EXPECT_EQ(places[((0 * 2 + 0) * P + P - 1) * F + k], 0.0);  // nothing added
  // The search and the cost are stored.
  EXPECT_EQ(testing::read_numbers(out, "plan", "answer").size(), 4u);
  EXPECT_GT(testing::read_numbers(out, "plan", "search").size(), 0u);
  EXPECT_EQ(f.root().open_group("plan").read_strings("cost_by"),
            (std::vector<std::string>{"government", "ltc_insurance", "out_of_pocket"}));
}

TEST(Planning, ATargetOutOfReachIsReportedNotGuessed) {
  TempDir dir;
  const auto file = dir.write(
      "plan.yaml", "baseline: " + testing::config_path("guangzhou-small.yaml").string() +
                       "\nadd: {kind: nursing_beds, districts: [Nansha], max: 100}\n"
                       "target: {series: nursing_beds_per_100, at_least: 50, from_year: 2021}\n");
  const sim::PlanResult result = plan(file, dir.path() / "p.h5");
  EXPECT_EQ(result.answer[0][0], -1);
  EXPECT_NE(sim::describe_plan(result).find("0/1"), std::string::npos);
}

TEST(Planning, RefusesBadPlanFiles) {
  TempDir dir;
  const auto refused = [&](const std::string& add, const std::string& target) {
    const auto file =
        dir.write("bad.yaml", "baseline: " + testing::config_path("guangzhou-small.yaml").string() +
                                  "\nadd: " + add + "\ntarget: " + target + "\n");
    try {
      sim::read_plan(file, read_capacity_lever, {});
    } catch (const sim::config::ConfigError& e) {
      return sim::config::to_string(e.diagnostics().front());
    }
    return std::string();
  };
  const std::string ok_target = "{series: n_unmet, at_most: 5, from_year: 2021}";
  EXPECT_NE(refused("{kind: nursing_beds, max: 10, districts: [Atlantis]}", ok_target)
                .find("no district Atlantis"),
            std::string::npos);
  EXPECT_NE(refused("{kind: beds, max: 10}", ok_target).find("kind"), std::string::npos);
  EXPECT_NE(refused("{kind: home_care_hours, max: 10, from: 2021-01-01}", ok_target)
                .find("no dated lever"),
            std::string::npos);
  EXPECT_NE(refused("{kind: nursing_beds, max: 10}",
                    "{series: n_unmet, at_most: 5, at_least: 1, from_year: 2021}")
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(refused("{kind: nursing_beds}", ok_target).find("max"), std::string::npos);
}

TEST(Planning, CitywidePlacesAddUpExactly) {
  const auto doc = sim::load_configuration(testing::config_path("guangzhou-small.yaml"), {});
  sim::config::Diagnostics diag;
  const auto node = sim::config::parse_yaml("{kind: day_care_places}", "t");
  sim::config::Map add(&node, "add", {"t", 1, 1}, diag);
  const sim::CapacityLever lever = read_capacity_lever(doc, add, true);
  ASSERT_EQ(lever.units, std::vector<std::string>{"city"});
  sim::RunJob job;
  const std::vector<std::int64_t> amount{1001};
  lever.apply(job, amount);
  // 11 planned centres whose places add up to 1001.
  std::int64_t total = 0;
  int centres = 0;
  for (std::size_t at = job.overlay.find("places: "); at != std::string::npos;
       at = job.overlay.find("places: ", at + 1)) {
    total += std::stoll(job.overlay.substr(at + 8));
    ++centres;
  }
  EXPECT_EQ(centres, 11);
  EXPECT_EQ(total, 1001);
  EXPECT_NE(job.overlay.find("type: community"), std::string::npos);
}

}  // namespace
}  // namespace eldersim
