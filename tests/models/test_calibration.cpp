// `eldersim calibrate` (docs/calibration.md) with the eldersim model: a fit recovers a parameter
// whose target was made with a known value under the same seeds; the fitted scenario file
// extends the baseline, merges into named list items and reproduces the fitted targets run by
// run; bad calibration files are refused with file, line and key.
#include <gtest/gtest.h>

#include <cmath>

#include "models/elder_model.hpp"
#include "sim/calibrate.hpp"
#include "sim/experiment.hpp"
#include "sim/h5.hpp"
#include "sim/run_backend.hpp"
#include "sim/runner.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::TempDir;

constexpr std::uint64_t kRoot = 7;
const std::string kEnd = "simulation.end=2021-06-30";

// The 60+ death rate per 1000 over the first half of 2021, in replicate r of a sweep with root
// seed kRoot, run as the calibration runs it (same seeds, same overrides).
double death_rate(const std::filesystem::path& config, int r,
                  const std::vector<std::string>& more = {}) {
  sim::RunJob job{config.string(), "", {}, "", 0};
  job.overrides = {
      "simulation.seed=" + std::to_string(sim::replicate_seed(kRoot, r)),
      "simulation.population_seed=" +
          std::to_string(sim::population_seed(kRoot, r, sim::PopulationMode::kPerReplicate)),
      kEnd};
  job.overrides.insert(job.overrides.end(), more.begin(), more.end());
  std::atomic<bool> stop{false};
  const auto definition = eldersim::definition();
  auto outcome = sim::execute_job(definition, job, {1, 0}, stop);
  EXPECT_TRUE(outcome.record) << outcome.error;
  sim::Quantity q;
  q.of = {"new_deaths", {}, sim::OverPeriods::kSum};
  q.per = sim::SeriesSum{"n_alive", {}, sim::OverPeriods::kMean};
  q.multiply = 1000;
  q.from_year = q.to_year = 2021;
  return sim::evaluate(q, *outcome.record);
}

std::string calibration_text(const std::string& parameters, double target, double tolerance) {
  return "name: test\nbaseline: " + testing::config_path("guangzhou-small.yaml").string() +
         "\nreplicates: 2\nseed: " + std::to_string(kRoot) + "\nset: [" + kEnd +
         "]\nparameters:\n" + parameters +
         "targets:\n  - name: death_rate\n    series: new_deaths\n    over_periods: sum\n"
         "    per: {series: n_alive}\n    multiply: 1000\n    years: 2021\n    value: " +
         std::to_string(target) + "\n    tolerance: " + std::to_string(tolerance) +
         "\n    source: made with improvement 0.45\n";
}

sim::CalibrationResult calibrate(const std::filesystem::path& file, const TempDir& dir,
                                 int max_evaluations = 0) {
  const auto definition = eldersim::definition();
  std::atomic<bool> stop{false};
  sim::LocalBackend backend(definition, 2, 1, stop);
  sim::CalibrationRequest request;
  request.calibration_file = file;
  request.out_path = dir.path() / "fit.h5";
  request.fitted_path = dir.path() / "fit.yaml";
  request.max_evaluations = max_evaluations;
  return sim::run_calibration(definition, request, backend);
}

TEST(Calibration, RecoversAParameterWhoseTargetWasMadeWithAKnownValue) {
  const auto baseline = testing::config_path("guangzhou-small.yaml");
  const double target = (death_rate(baseline, 0, {"mortality.improvement=0.45"}) +
                         death_rate(baseline, 1, {"mortality.improvement=0.45"})) /
                        2;
  TempDir dir;
  const auto file = dir.write(
      "cal.yaml",
      calibration_text("  - {path: mortality.improvement, low: 0.2, high: 0.8, start: 0.3}\n",
                       target, 0.05));
  const sim::CalibrationResult r = calibrate(file, dir);
  ASSERT_EQ(r.fitted.size(), 1u);
  EXPECT_NEAR(r.fitted[0], 0.45, 0.01);
  EXPECT_GT(r.objective_at_start, 100.0);  // at 0.3 the rate is a third lower: far outside
  EXPECT_LT(r.objective, 1.0);
  EXPECT_LE(std::abs((r.at_fit[0][0] + r.at_fit[0][1]) / 2 - target), 0.05);
  // Every run belongs to an evaluation; a point evaluated twice is run once.
  EXPECT_LE(r.runs, static_cast<std::size_t>(2 * r.search.evaluations));
  EXPECT_EQ(r.runs % 2, 0u);

  // The fitted file extends the baseline with the fitted value and, run with the calibration's
  // seeds, gives the simulated targets of the fit, replicate by replicate.
  const auto fitted = dir.path() / "fit.yaml";
  const auto doc = sim::load_configuration(fitted, {});
  const auto* value = sim::config::find_path(doc.root, "mortality.improvement");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(std::stod(value->scalar), r.fitted[0]);
  for (int rep = 0; rep < 2; ++rep)
    EXPECT_EQ(death_rate(fitted, rep), r.at_fit[0][static_cast<std::size_t>(rep)]) << rep;

  // The sweep file holds the search and the start against the fit.
  const auto stats = testing::read_numbers(dir.path() / "fit.h5", "calibration",
                                           "parameter_low_high_start_fitted");
  EXPECT_EQ(stats, (std::vector<double>{0.2, 0.8, 0.3, r.fitted[0]}));
  const auto at_fit =
      testing::read_numbers(dir.path() / "fit.h5", "calibration", "simulated_at_fit");
  EXPECT_EQ(at_fit, r.at_fit[0]);
  const auto search = testing::read_numbers(dir.path() / "fit.h5", "calibration", "search");
  EXPECT_EQ(search.size(), 2 * r.search.history.size());
}

// A parameter inside a named list item (one district's value) is written as a list with an item
// of that name, which merges into the baseline's item: the other districts stay as they are.
TEST(Calibration, TheFittedFileMergesIntoNamedListItems) {
  TempDir dir;
  const auto file = dir.write(
      "cal.yaml",
      calibration_text("  - {path: mortality.improvement, low: 0.2, high: 0.8, start: 0.3}\n"
                       "  - {path: districts.Nansha.registered_share, low: 0.5, high: 1}\n"
                       "  - {path: mortality.hazard_ratio_by_adl.2, low: 1.5, high: 2.5}\n",
                       30, 1));
  const sim::CalibrationResult r = calibrate(file, dir, 4);
  EXPECT_EQ(r.search.evaluations, 4);  // the first simplex only
  EXPECT_EQ(r.start[1], 0.8446);       // from the baseline
  const auto fitted = sim::load_configuration(dir.path() / "fit.yaml", {});
  const auto base = sim::load_configuration(testing::config_path("guangzhou-small.yaml"), {});
  const auto* districts = sim::config::find_path(fitted.root, "districts");
  ASSERT_NE(districts, nullptr);
  EXPECT_EQ(districts->items.size(), sim::config::find_path(base.root, "districts")->items.size());
  EXPECT_EQ(
      std::stod(sim::config::find_path(fitted.root, "districts.Nansha.registered_share")->scalar),
      r.fitted[1]);
  EXPECT_EQ(sim::config::find_path(fitted.root, "districts.Yuexiu.registered_share")->scalar,
            "0.8446");
  EXPECT_EQ(sim::config::find_path(fitted.root, "districts.Nansha.older_population")->scalar,
            sim::config::find_path(base.root, "districts.Nansha.older_population")->scalar);
  // A list of numbers by index: the whole list, with the one entry fitted.
  const auto* ratios = sim::config::find_path(fitted.root, "mortality.hazard_ratio_by_adl");
  ASSERT_NE(ratios, nullptr);
  ASSERT_EQ(ratios->items.size(), 5u);
  EXPECT_EQ(std::stod(ratios->items[2].scalar), r.fitted[2]);
  EXPECT_EQ(ratios->items[4].scalar, "4.45");
  // The runs of the fit ran with the fitted values (the resolved configuration of each scenario's
  // first replicate is stored), and the start runs with the start values.
  const auto file_h5 = sim::h5::File::open_read_only(dir.path() / "fit.h5");
  const auto resolved = file_h5.root().open_group("scenarios").read_strings("config_resolved");
  ASSERT_EQ(resolved.size(), 2u);
  const auto value_in = [&](std::size_t s, const std::string& path) {
    return std::stod(
        sim::config::find_path(sim::config::parse_yaml(resolved[s], "resolved"), path)->scalar);
  };
  for (std::size_t j = 0; j < 3; ++j) {
    const std::string path = j == 0   ? "mortality.improvement"
                             : j == 1 ? "districts.Nansha.registered_share"
                                      : "mortality.hazard_ratio_by_adl.2";
    EXPECT_EQ(value_in(0, path), r.start[j]) << path;
    EXPECT_EQ(value_in(1, path), r.fitted[j]) << path;
  }
}

// A target in years the runs do not reach is refused after the first runs, naming it, rather
// than fitted to NaN.
TEST(Calibration, ATargetOutsideTheSimulatedYearsIsRefused) {
  TempDir dir;
  std::string text = calibration_text(
      "  - {path: mortality.improvement, low: 0.2, high: 0.8, start: 0.3}\n", 28, 1);
  text.replace(text.find("years: 2021"), 11, "years: 2030");
  const auto file = dir.write("cal.yaml", text);
  try {
    (void)calibrate(file, dir, 2);
    ADD_FAILURE() << "accepted";
  } catch (const sim::config::ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].key_path, "targets[death_rate].years");
    EXPECT_EQ(e.diagnostics()[0].location.file, file.string());
    EXPECT_GT(e.diagnostics()[0].location.line, 0);
    EXPECT_NE(e.diagnostics()[0].message.find("2020 to 2021"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "fit.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "fit.h5"));
}

// A file of held-out figures has no parameters: it is checked (a file only when asked for),
// never fitted.
TEST(Calibration, AFileOfHeldOutTargetsIsCheckedNotFitted) {
  TempDir dir;
  std::string text = calibration_text("", 28, 1);
  text.replace(text.find("parameters:\n"), 12, "");
  const auto file = dir.write("held.yaml", text);
  const auto definition = eldersim::definition();
  std::atomic<bool> stop{false};
  sim::LocalBackend backend(definition, 2, 1, stop);
  sim::CalibrationRequest request;
  request.calibration_file = file;
  request.fitted_path = dir.path() / "held.yaml.fit";
  EXPECT_THROW((void)sim::run_calibration(definition, request, backend), sim::config::ConfigError);
  request.check_only = true;
  const sim::CalibrationResult quiet = sim::run_calibration(definition, request, backend);
  EXPECT_TRUE(quiet.check_only);
  EXPECT_EQ(quiet.runs, 2u);
  // Nothing written but the calibration file itself.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
  request.out_path = dir.path() / "held.h5";
  const sim::CalibrationResult r = sim::run_calibration(definition, request, backend);
  EXPECT_EQ(r.at_fit, quiet.at_fit);  // the same seeds, the same values
  EXPECT_EQ(r.at_fit[0].size(), 2u);
  EXPECT_EQ(sim::all_targets_met(r.spec, r),
            std::abs((r.at_fit[0][0] + r.at_fit[0][1]) / 2 - 28) <= 1);
  const auto f = sim::h5::File::open_read_only(request.out_path);
  EXPECT_EQ(f.root().open_group("dims").read_strings("scenario"),
            (std::vector<std::string>{"configured"}));
  EXPECT_FALSE(std::filesystem::exists(request.fitted_path));
}

// Each bad file gives a ConfigError with a diagnostic at the key named.
void expect_refused(const std::string& text, const std::string& key, const std::string& words) {
  TempDir dir;
  const auto file = dir.write("cal.yaml", text);
  try {
    (void)sim::read_calibration(file, {});
    ADD_FAILURE() << "accepted:\n" << text;
  } catch (const sim::config::ConfigError& e) {
    bool found = false;
    for (const auto& d : e.diagnostics())
      if (d.key_path == key && d.message.find(words) != std::string::npos && d.location.line > 0 &&
          d.location.file == file.string())
        found = true;
    EXPECT_TRUE(found) << "expected '" << words << "' at " << key << ", got: " << e.what();
  }
}

TEST(Calibration, BadFilesAreRefusedWithFileLineAndKey) {
  const std::string ok_parameter = "  - {path: mortality.improvement, low: 0.2, high: 0.8}\n";
  const std::string good = calibration_text(ok_parameter, 28, 1);
  ASSERT_NO_THROW((void)sim::read_calibration(TempDir().write("cal.yaml", good), {}));
  expect_refused(
      calibration_text("  - {path: mortality.improvement, low: 0.8, high: 0.2}\n", 28, 1),
      "parameters[0].high", "must be above low");
  expect_refused(calibration_text(
                     "  - {path: mortality.improvement, low: 0.5, high: 0.8, start: 0.3}\n", 28, 1),
                 "parameters[0].start", "outside");
  expect_refused(calibration_text("  - {path: mortality.no_such_key, low: 0, high: 1}\n", 28, 1),
                 "parameters[0].path", "no number");
  expect_refused(calibration_text(ok_parameter + ok_parameter, 28, 1), "parameters[1].path",
                 "listed twice");
  expect_refused(calibration_text(ok_parameter, 28, 0), "targets[death_rate].tolerance", "");
  expect_refused(good +
                     "  - name: death_rate\n    series: n_alive\n    years: 2021\n"
                     "    value: 1\n    tolerance: 1\n    source: x\n",
                 "targets[death_rate].name", "listed twice");
  std::string reversed = good;
  reversed.replace(reversed.find("years: 2021"), 11, "years: [2021, 2020]");
  expect_refused(reversed, "targets[death_rate].years", "before");
  std::string bad_choice = good;
  bad_choice.replace(bad_choice.find("over_periods: sum"), 17, "over_periods: total");
  expect_refused(bad_choice, "targets[death_rate].over_periods", "");
  std::string sets_parameter = good;
  sets_parameter.replace(sets_parameter.find("set: ["), 6, "set: [mortality.improvement=0.4, ");
  expect_refused(sets_parameter, "set", "being fitted");
  expect_refused(good + "serach: {max_evaluations: 3}\n", "serach", "");
  std::string scaled_ratio = good;
  scaled_ratio.replace(scaled_ratio.find("multiply: 1000"), 14, "multiply: 1000\n    real: true");
  expect_refused(scaled_ratio, "targets[death_rate].real", "no scaling");
}

}  // namespace
}  // namespace eldersim
