#pragma once
// Helpers shared by the tests: paths, temporary directories, scenarios from YAML text, and an
// in-memory sink that keeps every series row a model hands over.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/scenario.hpp"
#include "sim/model.hpp"
#include "sim/runner.hpp"

namespace eldersim::testing {

inline std::filesystem::path source_dir() {
  return ELDERSIM_SOURCE_DIR;
}
inline std::filesystem::path config_path(const std::string& name) {
  return source_dir() / "configs" / name;
}

// A fresh directory under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("eldersim-" + std::string(info ? info->test_suite_name() : "x") + "-" +
             std::string(info ? info->name() : "y") + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// The Guangzhou small scenario with overrides, parsed.
inline Scenario small_scenario(const std::vector<std::string>& overrides = {}) {
  return parse_scenario(sim::load_configuration(config_path("guangzhou-small.yaml"), overrides));
}

// The same, shared, for building a model.
inline std::shared_ptr<const Scenario> scenario_with(const std::vector<std::string>& overrides) {
  return std::make_shared<const Scenario>(small_scenario(overrides));
}

// Keeps every row handed over, per series, in period order.
class MemorySink final : public sim::SeriesSink {
 public:
  void put(std::string_view series, std::span<const std::int64_t> row) override {
    ints[std::string(series)].emplace_back(row.begin(), row.end());
  }
  void put(std::string_view series, std::span<const double> row) override {
    doubles[std::string(series)].emplace_back(row.begin(), row.end());
  }
  std::map<std::string, std::vector<std::vector<std::int64_t>>> ints;
  std::map<std::string, std::vector<std::vector<double>>> doubles;
};

// Runs a model through its whole calendar into a MemorySink.
inline MemorySink run_in_memory(ElderModel& model) {
  MemorySink sink;
  for (const auto& step : model.calendar().steps()) {
    model.step(step);
    if (step.ends_period) model.record_period(step.period, sink);
  }
  return sink;
}

}  // namespace eldersim::testing
