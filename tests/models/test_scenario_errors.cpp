// A corpus of bad scenario configurations: each must be rejected with the file, line and key path
// of the offending value and a message that says what is wrong, and none may simulate anything.
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

// How many diagnostics name `key_path`.
std::size_t count_key(const std::vector<Diagnostic>& list, std::string_view key_path) {
  std::size_t n = 0;
  for (const auto& d : list) n += d.key_path == key_path ? 1 : 0;
  return n;
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

// `text` with its line `line` (1-based) removed.
std::string without_line(const std::string& text, int line) {
  std::istringstream in(text);
  std::string out, l;
  for (int i = 1; std::getline(in, l); ++i)
    if (i != line) out += l + "\n";
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// ---- controls: the files the cases start from are valid --------------------------------------

TEST(ScenarioErrors, ControlsAreValid) {
  const TempDir dir;
  EXPECT_NO_THROW(parse_scenario(sim::load_configuration(extending(dir, "ok.yaml", ""), {})));
  EXPECT_NO_THROW(
      parse_scenario(sim::load_configuration(dir.write("tiny.yaml", kTinyScenario), {})));
}

// ---- unknown keys ------------------------------------------------------------------------------

TEST(ScenarioErrors, UnknownTopLevelKeySuggestsTheKnownOne) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "populaton:\n"      // 2
                              "  scale: 0.5\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "populaton", file.string(), 2,
                       "unknown key; did you mean 'population'?", 1));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, UnknownNestedKeySuggestsTheKnownOne) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"    // 2
                              "  scal: 0.5\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "population.scal", file.string(), 3,
                       "unknown key; did you mean 'scale'?", 3));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, UnknownKeyInsideANamedDistrict) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                               // 2
                              "  - {name: Liwan, older_populaton: 5}\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "districts[Liwan].older_populaton", file.string(), 3,
                       "did you mean 'older_population'?"));
}

// ---- wrong types and ranges --------------------------------------------------------------------

TEST(ScenarioErrors, TextWhereANumberIsExpected) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"     // 2
                              "  scale: big\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(
      HasError(errors, "population.scale", file.string(), 3, "expected a number, got \"big\"", 10));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, FractionWhereAWholeNumberIsExpected) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                                   // 2
                              "  - {name: Huadu, older_population: 12.5}\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "districts[Huadu].older_population", file.string(), 3,
                       "expected a whole number, got \"12.5\""));
}

TEST(ScenarioErrors, ScalarWhereAMappingIsExpected) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml", "population: 5\n");  // 2
  EXPECT_TRUE(HasError(errors_of(file), "population", file.string(), 2,
                       "expected a mapping of keys, got \"5\""));
}

TEST(ScenarioErrors, ScalarWhereAListIsExpected) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml", "districts: Yuexiu\n");  // 2
  EXPECT_TRUE(
      HasError(errors_of(file), "districts", file.string(), 2, "expected a list, got \"Yuexiu\""));
}

TEST(ScenarioErrors, NegativeDistrictCount) {
  const TempDir dir;
  // Named list items merge on `name`: only Yuexiu changes.
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                                  // 2
                              "  - {name: Yuexiu, older_population: -5}\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "districts[Yuexiu].older_population", file.string(), 3,
                       "must be >= 0, got -5", 38));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, ProbabilityAboveOne) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                                   // 2
                              "  - {name: Tianhe, registered_share: 1.5}\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "districts[Tianhe].registered_share", file.string(), 3,
                       "must be >= 0 and <= 1, got 1.5"));
}

TEST(ScenarioErrors, StepDaysZero) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"       // 2
                              "  step_days: 0\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "simulation.step_days", file.string(), 3,
                       "must be >= 1 and <= 366, got 0"));
}

TEST(ScenarioErrors, NegativeSeed) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"   // 2
                              "  seed: -1\n");  // 3
  EXPECT_TRUE(
      HasError(errors_of(file), "simulation.seed", file.string(), 3, "must be >= 0, got -1"));
}

TEST(ScenarioErrors, GompertzRateOutOfRange) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "mortality:\n"                          // 2
                              "  gompertz:\n"                         // 3
                              "    male: {m60: 2, slope: 0.091}\n");  // 4
  EXPECT_TRUE(HasError(errors_of(file), "mortality.gompertz.male.m60", file.string(), 4,
                       "must be >= 1e-06 and <= 1, got 2"));
}

TEST(ScenarioErrors, ListItemOutOfRangeIsNamedByIndex) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "mortality:\n"                                         // 2
                              "  hazard_ratio_by_adl: [1.0, 1.44, 2.0, 3.0, 0]\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "mortality.hazard_ratio_by_adl[4]", file.string(), 3,
                       "must be > 0, got 0", 46));
}

TEST(ScenarioErrors, EntrantYearsOutsideTheSimulation) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "districts:\n"                                       // 2
                              "  - name: Liwan\n"                                  // 3
                              "    entrants_by_year: {2019: 100, 2025: 12.5}\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "districts[Liwan].entrants_by_year.2019", file.string(), 4,
                       "expected a simulated year (2020..2040) as key"));
  EXPECT_TRUE(HasError(errors, "districts[Liwan].entrants_by_year.2025", file.string(), 4,
                       "expected a whole number, got \"12.5\""));
}

// ---- dates -------------------------------------------------------------------------------------

TEST(ScenarioErrors, EndBeforeStart) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"          // 2
                              "  end: 2019-12-31\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "simulation.end", file.string(), 3,
                       "end date 2019-12-31 is before start date 2020-01-01", 8));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, InvalidCalendarDate) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"            // 2
                              "  start: 2021-02-30\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "simulation.start", file.string(), 3,
                       "expected a date YYYY-MM-DD, got \"2021-02-30\""));
}

// ---- choices -----------------------------------------------------------------------------------

TEST(ScenarioErrors, ReportingPeriodNotAChoice) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"                   // 2
                              "  reporting_period: weekly\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "simulation.reporting_period", file.string(), 3,
                       "\"weekly\" is not one of: month, quarter, year"));
  ASSERT_EQ(count_key(errors, "simulation.reporting_period"), 1u) << dump(errors);
  // Nothing is close enough to "weekly" to suggest.
  EXPECT_EQ(errors[0].message.find("did you mean"), std::string::npos) << errors[0].message;
}

TEST(ScenarioErrors, ReportingPeriodTypoSuggestsTheChoice) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "simulation:\n"                 // 2
                              "  reporting_period: mnth\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "simulation.reporting_period", file.string(), 3,
                       "\"mnth\" is not one of: month, quarter, year; did you mean 'month'?"));
}

// ---- districts referenced by migration ---------------------------------------------------------

TEST(ScenarioErrors, MigrationToAnUnknownDistrictSuggestsTheNearestName) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "migration:\n"                                         // 2
                              "  - {from: Liwan, to: Yuexu, annual_rate: 0.01}\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "migration[0].to", file.string(), 3,
                       "unknown district \"Yuexu\"; did you mean 'Yuexiu'?", 23));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, MigrationToTheSameDistrict) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "migration:\n"               // 2
                              "  - from: Liwan\n"          // 3
                              "    to: Liwan\n"            // 4
                              "    annual_rate: 0.01\n");  // 5
  EXPECT_TRUE(HasError(errors_of(file), "migration[0].to", file.string(), 4,
                       "a flow must go to another district"));
}

TEST(ScenarioErrors, MigrationWithoutDestinationAndBadRate) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "migration:\n"                                       // 2
                              "  - {from: Liwan, annual_rate: 0.02}\n"             // 3
                              "  - {from: Huadu, to: Nansha, annual_rate: 2}\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "migration[0].to", file.string(), 3, "missing required key"));
  EXPECT_TRUE(HasError(errors, "migration[1].annual_rate", file.string(), 4,
                       "must be >= 0 and <= 1, got 2"));
}

// ---- shares and list shapes --------------------------------------------------------------------

TEST(ScenarioErrors, AgeBandSharesNotSummingToOne) {
  const TempDir dir;
  const auto file = extending(
      dir, "bad.yaml",
      "population:\n"                                                                        // 2
      "  age_band_share: [0.5, 0.2214, 0.1927, 0.1285, 0.0771, 0.0457, 0.0157, 0.0043]\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "population.age_band_share", file.string(), 3,
                       "shares must add up to 1, they add up to 1.1854", 19));
}

TEST(ScenarioErrors, MaleSharesWithOneBandMissing) {
  const TempDir dir;
  const auto file = extending(
      dir, "bad.yaml",
      "population:\n"                                                                    // 2
      "  male_share_by_band: [0.486, 0.481, 0.4711, 0.4562, 0.4265, 0.3967, 0.357]\n");  // 3
  EXPECT_TRUE(HasError(errors_of(file), "population.male_share_by_band", file.string(), 3,
                       "expected a list of 8 numbers, got 7"));
}

TEST(ScenarioErrors, InitialAdlWithARowMissingAndARowTooShort) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"                                     // 2
                              "  initial_adl_by_band:\n"                          // 3
                              "    - [0.9167, 0.0352, 0.0228, 0.0134, 0.0119]\n"  // 4
                              "    - [0.8751, 0.0528, 0.0342, 0.0201, 0.0178]\n"  // 5
                              "    - [0.8171, 0.0773, 0.0500, 0.0295, 0.0261]\n"  // 6
                              "    - [0.7401, 0.1098, 0.0711, 0.0419, 0.0371]\n"  // 7
                              "    - [0.6450, 0.1500, 0.0971, 0.0572, 0.0507]\n"  // 8
                              "    - [0.5368, 0.1957, 0.1267, 0.0746, 0.0662]\n"  // 9
                              "    - [0.4248, 0.2430, 0.1573, 0.0927]\n");        // 10
  const auto errors = errors_of(file);
  // The list is reported where it starts (its first item), naming the bands it needs.
  EXPECT_TRUE(HasError(errors, "population.initial_adl_by_band", file.string(), 4,
                       "expected one row per age band (8 rows: 60-64, 65-69, 70-74, 75-79, "
                       "80-84, 85-89, 90-94, 95+), got 7"));
  EXPECT_TRUE(HasError(errors, "population.initial_adl_by_band[6]", file.string(), 10,
                       "expected a list of 5 numbers, got 4"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ScenarioErrors, NamedSharesNotSummingToOne) {
  const TempDir dir;
  const auto file =
      extending(dir, "bad.yaml",
                "population:\n"  // 2
                "  living_arrangement: {alone: 0.5, with_spouse: 0.42, with_children: 0.48}\n");
  const auto errors = errors_of(file);
  ASSERT_EQ(count_key(errors, "population.living_arrangement"), 1u) << dump(errors);
  for (const auto& d : errors) {
    if (d.key_path != "population.living_arrangement") continue;
    EXPECT_NE(d.message.find("shares must add up to 1, they add up to 1.4"), std::string::npos)
        << d.message;
  }
  // Where it is reported: see MergedMappingsAreReportedInTheOverridingFile (skipped, a bug).
}

TEST(ScenarioErrors, LowIncomeShareAboveTheLowIncomeBand) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"            // 2
                              "  targeted_groups:\n"     // 3
                              "    low_income: 0.5\n");  // 4
  EXPECT_TRUE(HasError(errors_of(file), "population.targeted_groups.low_income", file.string(), 4,
                       "drawn from the low income band, which is only 0.2"));
}

TEST(ScenarioErrors, MinAgeNotOnABandBoundary) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"      // 2
                              "  min_age: 62\n");  // 3
  const auto errors = errors_of(file);
  EXPECT_TRUE(
      HasError(errors, "population.min_age", file.string(), 3, "must be 95 minus a multiple of 5"));
  // The per-band lists are then read against the default bands, so no misleading follow-on
  // errors about their lengths.
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, GompertzHazardTooHighWhereTheLogisticTailStarts) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "mortality:\n"                  // 2
                              "  improvement: 1.9\n"          // 3
                              "  logistic_from_age: 110\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "mortality.logistic_from_age", file.string(), 4,
                       "the Gompertz hazard reaches 2.77 per year at this age for men"));
  EXPECT_TRUE(HasError(errors, "mortality.logistic_from_age", file.string(), 4, "for women"));
}

// ---- missing keys (a complete file without `extends:`) ---------------------------------------

TEST(ScenarioErrors, MissingRequiredKeys) {
  const TempDir dir;
  // No `districts:` (lines 16-18) and no scenario name (line 2 becomes a city).
  std::string text = replaced(kTinyScenario, "  name: tiny\n", "  city: Tinytown\n");
  for (int line = 18; line >= 16; --line) text = without_line(text, line);
  const auto file = dir.write("bad.yaml", text);
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "districts", file.string(), 1, "missing required key"));
  // Reported at the `scenario` mapping, whose first entry is on line 2.
  EXPECT_TRUE(HasError(errors, "scenario.name", file.string(), 2, "missing required key"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ScenarioErrors, DistrictNameUsedTwice) {
  const TempDir dir;
  const auto file =
      dir.write("bad.yaml", replaced(kTinyScenario, "{name: South,", "{name: North,"));  // line 18
  EXPECT_TRUE(HasError(errors_of(file), "districts[North].name", file.string(), 18,
                       "district name used twice"));
}

// ---- YAML structure ----------------------------------------------------------------------------

TEST(ScenarioErrors, DuplicateKeyInOneMapping) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"     // 2
                              "  scale: 0.5\n"    // 3
                              "  scale: 0.6\n");  // 4
  EXPECT_TRUE(HasError(errors_of(file), "population.scale", file.string(), 4,
                       "key appears twice in the same mapping", 3));
}

TEST(ScenarioErrors, YamlSyntaxErrorIsReportedWithItsLine) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "population:\n"       // 2
                              "  scale: 0.5\n"      // 3
                              "   min_age: 60\n");  // 4: indented one column too far
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "", file.string(), 4, "YAML syntax: illegal map value"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, FileThatIsNotAMapping) {
  const TempDir dir;
  const auto file = dir.write("bad.yaml", "- a\n- b\n");
  EXPECT_TRUE(
      HasError(errors_of(file), "", file.string(), 1, "a scenario file must be a mapping of keys"));
}

// ---- extends -----------------------------------------------------------------------------------

TEST(ScenarioErrors, ExtendsAMissingFile) {
  const TempDir dir;
  const auto file = dir.write("bad.yaml",
                              "# a scenario on top of a file that is not there\n"  // 1
                              "extends: nowhere.yaml\n");                          // 2
  EXPECT_TRUE(HasError(errors_of(file), "extends", file.string(), 2,
                       "no such file: " + (dir.path() / "nowhere.yaml").string(), 10));
}

TEST(ScenarioErrors, ExtendsMustNameOneFile) {
  const TempDir dir;
  const auto file = dir.write("bad.yaml", "extends: [a.yaml, b.yaml]\n");
  EXPECT_TRUE(
      HasError(errors_of(file), "extends", file.string(), 1, "expected the path of one YAML file"));
}

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

// A mapping changed by an extending file is reported in that file, not in the base.
TEST(ScenarioErrors, MergedMappingsAreReportedInTheOverridingFile) {
  const TempDir dir;
  const auto shares = extending(dir, "shares.yaml",
                                "population:\n"                           // 2
                                "  living_arrangement: {alone: 0.5}\n");  // 3
  EXPECT_TRUE(HasError(errors_of(shares), "population.living_arrangement", shares.string(), 3,
                       "shares must add up to 1, they add up to 1.4"));
  const auto name = extending(dir, "name.yaml", "scenario: {name: ~}\n");  // 2
  EXPECT_TRUE(HasError(errors_of(name), "scenario.name", name.string(), 2, "missing required key"));
}

// A missing per-band list is reported once, as missing.
TEST(ScenarioErrors, MissingListIsReportedOnce) {
  const TempDir dir;
  const auto file = dir.write("bad.yaml", without_line(kTinyScenario, 5));  // age_band_share
  const auto errors = errors_of(file);
  EXPECT_EQ(count_key(errors, "population.age_band_share"), 1u) << dump(errors);
  EXPECT_TRUE(
      HasError(errors, "population.age_band_share", file.string(), 5, "missing required key"));
}

// ---- --set overrides ---------------------------------------------------------------------------

TEST(ScenarioErrors, BadOverrideNamesTheSetSourceAndKey) {
  const auto errors = errors_of(config_path("guangzhou-small.yaml"), {"population.scale=-1"});
  EXPECT_TRUE(HasError(errors, "population.scale", "--set population.scale=-1", 0,
                       "must be > 0 and <= 10, got -1"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, OverrideOfANamedDistrict) {
  const auto errors =
      errors_of(config_path("guangzhou-small.yaml"), {"districts.Yuexiu.older_population=-5"});
  EXPECT_TRUE(HasError(errors, "districts[Yuexiu].older_population",
                       "--set districts.Yuexiu.older_population=-5", 0, "must be >= 0, got -5"));
}

TEST(ScenarioErrors, OverrideOfAnUnknownDistrict) {
  const auto errors =
      errors_of(config_path("guangzhou-small.yaml"), {"districts.Nowhere.older_population=5"});
  EXPECT_TRUE(HasError(errors, "districts.Nowhere", "--set districts.Nowhere.older_population=5", 0,
                       "no list item with this name or index"));
}

TEST(ScenarioErrors, OverrideOfAnUnknownKeySuggestsTheKnownOne) {
  const auto errors = errors_of(config_path("guangzhou-small.yaml"), {"population.scal=0.5"});
  EXPECT_TRUE(HasError(errors, "population.scal", "--set population.scal=0.5", 0,
                       "unknown key; did you mean 'scale'?"));
}

TEST(ScenarioErrors, OverrideWithoutValue) {
  const auto errors = errors_of(config_path("guangzhou-small.yaml"), {"population.scale"});
  EXPECT_TRUE(HasError(errors, "", "--set population.scale", 0, "expected key.path=value"));
}

// A YAML syntax error in an override's value names the override and its key.
TEST(ScenarioErrors, OverrideWithBadYamlNamesItsKey) {
  const auto errors = errors_of(config_path("guangzhou-small.yaml"), {"population.scale=[1"});
  EXPECT_TRUE(HasError(errors, "population.scale", "--set population.scale=[1", 0, "YAML syntax"));
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

TEST(ScenarioErrors, CommunityCentresHaveNoNursingBeds) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "care:\n"                                // 2
                              "  facilities:\n"                        // 3
                              "    - name: Liwan community centres\n"  // 4
                              "      nursing_share: 0.5\n");           // 5
  EXPECT_TRUE(HasError(errors_of(file), "care.facilities[Liwan community centres].nursing_share",
                       file.string(), 5, "only institutions have nursing-type beds"));
}

TEST(ScenarioErrors, PolicyEventNamesAnUnknownFacilityOrNoAction) {
  const TempDir dir;
  const auto file =
      extending(dir, "bad.yaml",
                "policy_events:\n"                                                    // 2
                "  - date: 2025-01-01\n"                                              // 3
                "    set_places: {facilities: [Yuexiu privat homes], percent: 10}\n"  // 4
                "  - date: 2019-01-01\n"                                              // 5
                "    set_ltc_insurance: {copay: 0.3}\n"                               // 6
                "  - date: 2026-01-01\n");                                            // 7
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "policy_events[0].set_places.facilities[0]", file.string(), 4,
                       "did you mean 'Yuexiu private homes'?"));
  EXPECT_TRUE(HasError(errors, "policy_events[1].date", file.string(), 5, "before the start"));
  EXPECT_TRUE(HasError(errors, "policy_events[2]", file.string(), 7, "exactly one action"));
}

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

// ---- hospital system ---------------------------------------------------------------------------

TEST(ScenarioErrors, HospitalInAnUnknownDistrictSuggestsTheNearestName) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"                                  // 2
                              "  hospitals:\n"                                      // 3
                              "    - {name: Yuexiu tertiary, district: Yuexu}\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.hospitals[Yuexiu tertiary].district", file.string(),
                       4, "unknown district \"Yuexu\"; did you mean 'Yuexiu'?"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, HospitalTierOutOfRange) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"                        // 2
                              "  hospitals:\n"                            // 3
                              "    - {name: Liwan primary, tier: 4}\n"    // 4
                              "    - {name: Liwan private, tier: 0}\n");  // 5
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.hospitals[Liwan primary].tier", file.string(), 4,
                       "must be >= 1 and <= 3, got 4"));
  EXPECT_TRUE(HasError(errors, "hospital_system.hospitals[Liwan private].tier", file.string(), 5,
                       "must be >= 1 and <= 3, got 0"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

// The tiny scenario with locations and a small hospital system whose second hospital (line 30)
// is named `second`.
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

TEST(ScenarioErrors, HospitalNameUsedTwice) {
  const TempDir dir;
  EXPECT_NO_THROW(parse_scenario(
      sim::load_configuration(dir.write("ok.yaml", tiny_with_hospitals("Central")), {})));
  const auto file = dir.write("bad.yaml", tiny_with_hospitals("General"));
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.hospitals[General]", file.string(), 30,
                       "hospital name \"General\" used twice"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, TierSharesWithARowMissingAndARowNotSummingToOne) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"              // 2
                              "  admissions:\n"                 // 3
                              "    tier_share_by_adl:\n"        // 4
                              "      - [0.35, 0.40, 0.25]\n"    // 5
                              "      - [0.30, 0.40, 0.30]\n"    // 6
                              "      - [0.25, 0.40, 0.45]\n"    // 7
                              "      - [0.20, 0.40, 0.40]\n");  // 8
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.admissions.tier_share_by_adl", file.string(), 5,
                       "needs 5 rows (one per ADL level), has 4"));
  EXPECT_TRUE(HasError(errors, "hospital_system.admissions.tier_share_by_adl[2]", file.string(), 7,
                       "shares must add up to 1, they add up to 1.1"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ScenarioErrors, SevereLevelCannotDeclineInHospital) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"                                          // 2
                              "  stay:\n"                                                   // 3
                              "    adl_decline_by_adl: [0.05, 0.05, 0.04, 0.03, 0.02]\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.stay.adl_decline_by_adl", file.string(), 4,
                       "the last level (severe) cannot decline further: give 0"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, AdmissionSeasonalityAllZero) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"                                         // 2
                              "  admissions:\n"                                            // 3
                              "    seasonality: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.admissions.seasonality", file.string(), 4,
                       "seasonal factors must not all be zero"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, BedConversionNeedsEitherBedsOrPercent) {
  const TempDir dir;
  const auto file = extending(
      dir, "bad.yaml",
      "policy_events:\n"                                                                     // 2
      "  - date: 2025-01-01\n"                                                               // 3
      "    convert_hospital_beds: {hospitals: [Yuexiu tertiary], beds: 100, percent: 10}\n"  // 4
      "  - date: 2025-01-01\n"                                                               // 5
      "    convert_hospital_beds: {tier: 2, to: rehabilitation}\n");                         // 6
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "policy_events[0].convert_hospital_beds.beds", file.string(), 4,
                       "give either beds or percent"));
  EXPECT_TRUE(HasError(errors, "policy_events[1].convert_hospital_beds.beds", file.string(), 6,
                       "give either beds or percent"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ScenarioErrors, BedConversionOfAnUnknownHospitalSuggestsTheNearestName) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "policy_events:\n"        // 2
                              "  - date: 2025-01-01\n"  // 3
                              "    convert_hospital_beds: {hospitals: [Yuexiu tertiary, Yuexiu "
                              "tertary], beds: 100}\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "policy_events[0].convert_hospital_beds.hospitals[1]", file.string(),
                       4, "unknown hospital \"Yuexiu tertary\"; did you mean 'Yuexiu tertiary'?"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

TEST(ScenarioErrors, UnknownKeyUnderHospitalSystemSuggestsTheKnownOne) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"                          // 2
                              "  backgound_occupancy: 0.6\n"                // 3
                              "  discharge: {delay_fr: [institution]}\n");  // 4
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.backgound_occupancy", file.string(), 3,
                       "unknown key; did you mean 'background_occupancy'?"));
  EXPECT_TRUE(HasError(errors, "hospital_system.discharge.delay_fr", file.string(), 4,
                       "unknown key; did you mean 'delay_for'?"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ScenarioErrors, HospitalClosesBeforeItOpens) {
  const TempDir dir;
  const auto file = extending(dir, "bad.yaml",
                              "hospital_system:\n"            // 2
                              "  hospitals:\n"                // 3
                              "    - name: Zengcheng new\n"   // 4
                              "      district: Zengcheng\n"   // 5
                              "      tier: 3\n"               // 6
                              "      beds: 2000\n"            // 7
                              "      opens: 2026-01-01\n"     // 8
                              "      closes: 2025-01-01\n");  // 9
  const auto errors = errors_of(file);
  EXPECT_TRUE(HasError(errors, "hospital_system.hospitals[Zengcheng new].closes", file.string(), 9,
                       "must be after opens"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

}  // namespace
}  // namespace eldersim
