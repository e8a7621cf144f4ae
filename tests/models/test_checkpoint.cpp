// Checkpoints (docs/reliability.md): a run stopped at any step boundary and resumed from its
// checkpoint writes the same series as the run never stopped.
#include <gtest/gtest.h>

#include <fstream>

#include "models/elder_model.hpp"
#include "sim/archive.hpp"
#include "sim/checkpoint.hpp"
#include "sim/h5.hpp"
#include "sim/runner.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::TempDir;

std::map<std::string, std::vector<char>> series_bytes(const std::filesystem::path& file) {
  return testing::dataset_bytes(file, {"series", "facilities", "hospitals", "dims"});
}

sim::RunRequest request_for(const std::filesystem::path& out) {
  sim::RunRequest r;
  r.config_path = testing::config_path("guangzhou-small.yaml");
  r.out_path = out;
  // Quarterly checkpoints; migration on so every process has state to carry over.
  r.overrides = {"simulation.end=2021-12-31",
                 "migration=[{from: Haizhu, to: Panyu, annual_rate: 0.05}]"};
  r.checkpoint_every = 3;
  r.options.threads = 2;
  return r;
}

TEST(Checkpoint, AResumedRunEqualsOneNeverStoppedAtEveryCutPoint) {
  TempDir dir;
  const auto definition = eldersim::definition();
  const auto whole = dir.path() / "whole.h5";
  sim::run_model(definition, request_for(whole));
  EXPECT_FALSE(std::filesystem::exists(sim::checkpoint_path(whole)));  // removed when complete
  const auto expected = series_bytes(whole);
  ASSERT_GT(expected.size(), 50u);
  // Step 1; inside a period (step 6 is mid-February); a period's last step (step 13 ends March,
  // a checkpoint period); the step before the last.
  for (int cut : {1, 6, 13, 40, 103}) {
    const auto out = dir.path() / ("cut" + std::to_string(cut) + ".h5");
    auto r = request_for(out);
    r.stop_after_steps = cut;
    EXPECT_THROW(sim::run_model(definition, r), sim::Interrupted) << cut;
    EXPECT_FALSE(std::filesystem::exists(out)) << cut;  // no partial file passes for complete
    ASSERT_TRUE(std::filesystem::exists(sim::checkpoint_path(out))) << cut;
    // Resumed with another thread count: results do not depend on it.
    sim::resume_run(definition, sim::checkpoint_path(out), 1, false);
    EXPECT_FALSE(std::filesystem::exists(sim::checkpoint_path(out))) << cut;
    EXPECT_EQ(series_bytes(out), expected) << "cut before step " << cut;
  }
}

TEST(Checkpoint, ADamagedCheckpointIsRefused) {
  TempDir dir;
  const auto out = dir.path() / "x.h5";
  auto r = request_for(out);
  r.stop_after_steps = 5;
  EXPECT_THROW(sim::run_model(eldersim::definition(), r), sim::Interrupted);
  const auto cp = sim::checkpoint_path(out);
  std::string bytes;
  {
    std::ifstream in(cp, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  std::ofstream(cp, std::ios::binary) << bytes;
  try {
    sim::resume_run(eldersim::definition(), cp, 1, false);
    FAIL() << "a damaged checkpoint was accepted";
  } catch (const sim::ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
  }
  std::ofstream(cp, std::ios::binary) << bytes.substr(0, 100);
  EXPECT_THROW(sim::resume_run(eldersim::definition(), cp, 1, false), sim::ArchiveError);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace eldersim
