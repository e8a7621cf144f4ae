#pragma once
// Helpers shared by the tests: paths, temporary directories, scenarios from YAML text, and an
// in-memory sink that keeps every series row a model hands over.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "models/elder_model.hpp"
#include "models/scenario.hpp"
#include "sim/h5.hpp"
#include "sim/model_api.hpp"
#include "sim/parallel.hpp"
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

// Every dataset of the named groups of an HDF5 file, as bytes, by "group/name": to compare
// files byte for byte (numbers as stored, each string with its terminating NUL).
inline std::map<std::string, std::vector<char>> dataset_bytes(
    const std::filesystem::path& file, const std::vector<std::string>& groups) {
  std::map<std::string, std::vector<char>> out;
  const auto f = sim::h5::File::open_read_only(file);
  for (const std::string& group : groups) {
    const auto g = f.root().open_group(group);
    for (const auto& name : g.children()) {
      std::vector<char>& raw = out[group + "/" + name];
      const auto take = [&raw](const auto& v) {
        raw.assign(reinterpret_cast<const char*>(v.data()),
                   reinterpret_cast<const char*>(v.data() + v.size()));
      };
      const auto type = sim::h5::dataset_info(g, name).type;
      if (type == "int64")
        take(sim::h5::read_int64(g, name));
      else if (type == "float64")
        take(sim::h5::read_float64(g, name));
      else
        for (const auto& s : g.read_strings(name))
          raw.insert(raw.end(), s.c_str(), s.c_str() + s.size() + 1);
    }
  }
  return out;
}

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

// Runs a model through the rest of its calendar into a MemorySink, calling after_step(step)
// after every step (before the period's rows are recorded and the dead compacted away); stops
// at a fatal test failure.
template <class F>
MemorySink run_checking(sim::Model& model, F&& after_step) {
  MemorySink sink;
  while (model.next_step() < model.calendar().n_steps()) {
    const sim::Step& step = model.calendar().step(model.next_step());
    model.step();
    after_step(step);
    if (::testing::Test::HasFatalFailure()) return sink;
    if (step.ends_period) model.end_period(sink);
  }
  return sink;
}

// Runs a model through the rest of its calendar into a MemorySink.
inline MemorySink run_in_memory(sim::Model& model) {
  return run_checking(model, [](const sim::Step&) {});
}

// Runs a scenario on `threads` threads in blocks of `block_size` (0: defaults).
inline MemorySink run_scenario(std::shared_ptr<const Scenario> scenario, int threads = 0,
                               std::size_t block_size = 0) {
  sim::Executor executor(threads);
  return executor.run([&] {
    ElderModel model(std::move(scenario), {block_size});
    return run_in_memory(model);
  });
}

// Two runs handed over the same rows, bit for bit (NaN marks "no value" in some series, and
// NaN != NaN, so doubles are compared as bytes).
inline void expect_identical(const MemorySink& a, const MemorySink& b) {
  EXPECT_EQ(a.ints, b.ints);
  ASSERT_EQ(a.doubles.size(), b.doubles.size());
  for (const auto& [name, rows] : a.doubles) {
    const auto& other = b.doubles.at(name);
    ASSERT_EQ(other.size(), rows.size()) << name;
    for (std::size_t t = 0; t < rows.size(); ++t)
      EXPECT_EQ(std::memcmp(other[t].data(), rows[t].data(), rows[t].size() * sizeof(double)), 0)
          << name << " period " << t;
  }
}

// Index of a named facility, hospital or district (a failed expectation if there is none).
template <class Items>
std::size_t index_named(const Items& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return i;
  ADD_FAILURE() << "no item named " << name;
  return 0;
}
inline std::size_t facility_named(const Scenario& s, const std::string& name) {
  return index_named(s.care.facilities, name);
}
inline std::size_t hospital_named(const Scenario& s, const std::string& name) {
  return index_named(s.hospitals.hospitals, name);
}
inline std::size_t district_named(const Scenario& s, const std::string& name) {
  return index_named(s.districts, name);
}

// A numeric dataset of a file, as doubles (int64 converted).
inline std::vector<double> read_numbers(const std::filesystem::path& file, const std::string& group,
                                        const std::string& name) {
  const auto f = sim::h5::File::open_read_only(file);
  const auto g = f.root().open_group(group);
  if (sim::h5::dataset_info(g, name).type == "int64") {
    const auto v = sim::h5::read_int64(g, name);
    return {v.begin(), v.end()};
  }
  return sim::h5::read_float64(g, name);
}

}  // namespace eldersim::testing
