// Bad scenario configurations whose checks go beyond one message (the simple cases, one file
// each, are the corpus in tests/bad_inputs/, run by test_bad_inputs.cpp): controls, several
// files, every problem of a file reported together, and the command line's output.
//
// Most cases are small files that extend configs/guangzhou.yaml and change one thing: line 1 is
// the `extends:` line, so the body written by a test starts at line 2 (the comments next to each
// body give the line numbers the expectations use).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "sim/config_tree.hpp"
#include "sim/runner.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using sim::config::ConfigError;
using sim::config::Diagnostic;
using testing::config_path;
using testing::TempDir;

// Every diagnostic, one a line, for failure messages.
std::string dump(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += "\n  " + sim::config::to_string(d);
  return out.empty() ? "\n  (no diagnostics)" : out;
}

// Loads (with overrides) and parses a scenario that must be rejected; returns what was reported.
std::vector<Diagnostic> errors_of(const std::filesystem::path& path,
                                  const std::vector<std::string>& overrides = {}) {
  try {
    parse_scenario(sim::load_configuration(path, overrides));
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << path.string() << ": expected a ConfigError, the scenario was accepted";
  return {};
}

// Checks that `list` holds a diagnostic for `key_path` located in `file` at `line` (and `column`
// unless it is 0) whose message contains `text`.
::testing::AssertionResult HasError(const std::vector<Diagnostic>& list,
                                    const std::string& key_path, const std::string& file, int line,
                                    const std::string& text, int column = 0) {
  bool key_seen = false;
  for (const auto& d : list) {
    if (d.key_path != key_path) continue;
    key_seen = true;
    if (d.location.file == file && d.location.line == line &&
        (column == 0 || d.location.column == column) && d.message.find(text) != std::string::npos)
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << (key_seen ? "no matching diagnostic for key path '"
                                                    : "no diagnostic at all for key path '")
                                       << key_path << "' at " << file << ":" << line
                                       << (column ? ":" + std::to_string(column) : std::string())
                                       << " containing \"" << text << "\"; got:" << dump(list);
}

// Writes `name` into `dir`: an `extends:` line naming configs/guangzhou.yaml by absolute path,
// then `body`, whose first line is thus line 2.
std::filesystem::path extending(const TempDir& dir, const std::string& name,
                                const std::string& body) {
  return dir.write(name, "extends: " + config_path("guangzhou.yaml").string() + "\n" + body);
}

// A complete, valid scenario without `extends:`, small enough to read line by line.
constexpr const char* kTinyScenario =
    "scenario:\n"                                                       // 1
    "  name: tiny\n"                                                    // 2
    "simulation: {start: 2020-01-01, end: 2021-12-31, seed: 7}\n"       // 3
    "population:\n"                                                     // 4
    "  age_band_share: [0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.03, 0.02]\n"   // 5
    "  male_share_by_band: [0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.3, 0.3]\n"  // 6
    "  initial_adl_by_band:\n"                                          // 7
    "    - [1, 0, 0, 0, 0]\n"                                           // 8
    "    - [1, 0, 0, 0, 0]\n"                                           // 9
    "    - [1, 0, 0, 0, 0]\n"                                           // 10
    "    - [1, 0, 0, 0, 0]\n"                                           // 11
    "    - [0.9, 0.1, 0, 0, 0]\n"                                       // 12
    "    - [0.8, 0.1, 0.1, 0, 0]\n"                                     // 13
    "    - [0.7, 0.1, 0.1, 0.1, 0]\n"                                   // 14
    "    - [0.6, 0.1, 0.1, 0.1, 0.1]\n"                                 // 15
    "districts:\n"                                                      // 16
    "  - {name: North, older_population: 1000}\n"                       // 17
    "  - {name: South, older_population: 2000}\n"                       // 18
    "mortality:\n"                                                      // 19
    "  gompertz:\n"                                                     // 20
    "    male: {m60: 0.0154, slope: 0.091}\n"                           // 21
    "    female: {m60: 0.0092, slope: 0.101}\n";                        // 22

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The tiny scenario with locations and a small hospital system whose second hospital is named
// `second` (the corpus case hospital_system-name-twice names it General).
std::string tiny_with_hospitals(const std::string& second) {
  std::string text = replaced(kTinyScenario, "older_population: 1000}",
                              "older_population: 1000, location: {lat: 23.1, lon: 113.2}}");
  text = replaced(text, "older_population: 2000}",
                  "older_population: 2000, location: {lat: 22.9, lon: 113.4}}");
  return text +
         "hospital_system:\n"                                                                // 23
         "  admissions:\n"                                                                   // 24
         "    annual_rate_by_band: [0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.3]\n"               // 25
         "    tier_share_by_adl: [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]\n"  // 26
         "  stay: {mean_days_by_tier: [9, 9, 9]}\n"                                          // 27
         "  hospitals:\n"                                                                    // 28
         "    - {name: General, district: North, tier: 1, beds: 100}\n"                      // 29
         "    - {name: " +
         second + ", district: South, tier: 2, beds: 50}\n";  // 30
}

// ---- controls: the files the cases start from are valid --------------------------------------

TEST(ScenarioErrors, ControlsAreValid) {
  const TempDir dir;
  EXPECT_NO_THROW(parse_scenario(sim::load_configuration(extending(dir, "ok.yaml", ""), {})));
  EXPECT_NO_THROW(
      parse_scenario(sim::load_configuration(dir.write("tiny.yaml", kTinyScenario), {})));
  EXPECT_NO_THROW(parse_scenario(
      sim::load_configuration(dir.write("hospitals.yaml", tiny_with_hospitals("Central")), {})));
}

// ---- extends -----------------------------------------------------------------------------------

TEST(ScenarioErrors, ExtendsCycleIsReported) {
  const TempDir dir;
  const auto a = dir.write("a.yaml", "extends: b.yaml\n");
  const auto b = dir.write("b.yaml", "# b goes back to a\nextends: a.yaml\n");
  const auto errors = errors_of(a);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].key_path, "extends");
  EXPECT_NE(errors[0].message.find("files extend each other in a cycle"), std::string::npos)
      << errors[0].message;
  EXPECT_TRUE(errors[0].location.file == a.string() || errors[0].location.file == b.string())
      << errors[0].location.file;

  const auto self = dir.write("self.yaml", "extends: self.yaml\n");
  const auto self_errors = errors_of(self);
  ASSERT_EQ(self_errors.size(), 1u) << dump(self_errors);
  EXPECT_EQ(self_errors[0].key_path, "extends");
  EXPECT_EQ(self_errors[0].location.file, self.string());
}

// A cycle of `extends:` is reported at the `extends:` line that closes it.
TEST(ScenarioErrors, ExtendsCycleNamesTheLineThatClosesIt) {
  const TempDir dir;
  const auto a = dir.write("a.yaml", "extends: b.yaml\n");
  const auto b = dir.write("b.yaml", "# b goes back to a\nextends: a.yaml\n");
  EXPECT_TRUE(HasError(errors_of(a), "extends", b.string(), 2, "cycle"));
  const auto self = dir.write("self.yaml", "extends: self.yaml\n");
  EXPECT_TRUE(HasError(errors_of(self), "extends", self.string(), 1, "cycle"));
}

// ---- several problems at once ------------------------------------------------------------------

TEST(ScenarioErrors, EveryProblemInAFileIsReported) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "populaton:\n"                                         // 2
                              "  scale: 0.5\n"                                       // 3
                              "simulation:\n"                                        // 4
                              "  step_days: 0\n"                                     // 5
                              "  reporting_period: mnth\n"                           // 6
                              "districts:\n"                                         // 7
                              "  - {name: Tianhe, registered_share: 1.5}\n"          // 8
                              "migration:\n"                                         // 9
                              "  - {from: Liwan, to: Yuexu, annual_rate: 0.01}\n");  // 10
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "populaton", file.string(), 2, "did you mean 'population'?"));
  EXPECT_TRUE(HasError(errors, "simulation.step_days", file.string(), 5, "must be >= 1"));
  EXPECT_TRUE(
      HasError(errors, "simulation.reporting_period", file.string(), 6, "did you mean 'month'?"));
  EXPECT_TRUE(HasError(errors, "districts[Tianhe].registered_share", file.string(), 8,
                       "must be >= 0 and <= 1"));
  EXPECT_TRUE(HasError(errors, "migration[0].to", file.string(), 10, "did you mean 'Yuexiu'?"));
  EXPECT_EQ(errors.size(), 5u) << dump(errors);
}

TEST(ScenarioErrors, ProblemsInTheFileAndInOverridesAreReportedTogether) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"       // 2
                              "  step_days: 0\n");  // 3
  const auto errors = errors_of(file, {"population.scale=0", "mortality.improvement=x"});
  EXPECT_TRUE(HasError(errors, "simulation.step_days", file.string(), 3, "must be >= 1"));
  EXPECT_TRUE(HasError(errors, "population.scale", "--set population.scale=0", 0, "must be > 0"));
  EXPECT_TRUE(HasError(errors, "mortality.improvement", "--set mortality.improvement=x", 0,
                       "expected a number, got \"x\""));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

// ---- the command line --------------------------------------------------------------------------

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the eldersim binary with `args` in `cwd`, keeping stdout and stderr in `logs`.
CommandResult run_eldersim(const std::filesystem::path& cwd, const std::filesystem::path& logs,
                           const std::string& args) {
  const auto out = logs / "stdout.txt";
  const auto err = logs / "stderr.txt";
  const std::string command = "cd '" + cwd.string() + "' && '" + std::string(ELDERSIM_BINARY) +
                              "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

TEST(ScenarioErrorsCli, ValidateExitsWithTwoAndPrintsFileLineColumnAndKey) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"     // 2
                              "  scale: big\n");  // 3
  const auto r = run_eldersim(dir.path(), dir.path(), "validate '" + file.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(
      r.err.find(file.string() + ":3:10: error: population.scale: expected a number, got \"big\""),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 problem found; nothing was simulated."), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(": ok"), std::string::npos) << r.out;
}

TEST(ScenarioErrorsCli, ValidateReportsABadOverride) {
  const TempDir dir;
  const auto r = run_eldersim(
      dir.path(), dir.path(),
      "validate '" + config_path("guangzhou-small.yaml").string() + "' --set population.scale=-1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--set population.scale=-1: error: population.scale: must be > 0"),
            std::string::npos)
      << r.err;
}

TEST(ScenarioErrorsCli, ValidateReportsEveryProblem) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "populaton: {}\n"        // 2
                              "simulation:\n"          // 3
                              "  step_days: 0\n"       // 4
                              "  end: 2019-01-01\n");  // 5
  const auto r = run_eldersim(dir.path(), dir.path(), "validate '" + file.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(file.string() + ":2:1: error: populaton: unknown key"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(file.string() + ":4:14: error: simulation.step_days:"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(file.string() + ":5:8: error: simulation.end:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 problems found; nothing was simulated."), std::string::npos) << r.err;
}

TEST(ScenarioErrorsCli, RunOfABadConfigWritesNoOutput) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                                  // 2
                              "  - {name: Yuexiu, older_population: -5}\n");  // 3
  const auto work = dir.path() / "work";
  std::filesystem::create_directories(work);

  // With an explicit output path.
  const auto out = work / "out.h5";
  auto r = run_eldersim(work, dir.path(),
                        "-q run '" + file.string() + "' -o '" + out.string() + "' --threads 1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(file.string() + ":3:38: error: districts[Yuexiu].older_population:"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  // With the default output path (results/<name>.h5 under the working directory), and a YAML
  // syntax error this time.
  const auto broken = extending(dir, "broken.yaml",
                                "population:\n"       // 2
                                "  scale: 0.5\n"      // 3
                                "   min_age: 60\n");  // 4
  r = run_eldersim(work, dir.path(), "-q run '" + broken.string() + "' --threads 1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(broken.string() + ":4:"), std::string::npos) << r.err;

  // Nothing at all was written: no output, no partial or temporary file, no results directory.
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(work))
    left.push_back(entry.path().filename().string());
  EXPECT_TRUE(left.empty()) << "left behind: " << ::testing::PrintToString(left);
}

// ---- care system ------------------------------------------------------------------------------

TEST(ScenarioErrors, DistrictsNeedALocationForTravelTimes) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                       // 2
                              "  - {name: Nansha, location: ~}\n"  // 3
                              "care:\n"                            // 4
                              "  facilities: []\n"                 // 5
                              "hospital_system:\n"                 // 6
                              "  hospitals: []\n");                // 7
  // With no facilities or hospitals no travel is needed: valid. With the default facilities:
  // an error.
  EXPECT_NO_THROW(parse_scenario(sim::load_configuration(file, {})));
  const auto with_homes = extending(dir, "bad2.yaml",
                                    "districts:\n"                         // 2
                                    "  - {name: Nansha, location: ~}\n");  // 3
  EXPECT_TRUE(HasError(errors_of(with_homes), "districts[Nansha].location", with_homes.string(), 3,
                       "required (lat, lon)"));
}

}  // namespace
}  // namespace eldersim
