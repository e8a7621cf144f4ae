// End-to-end tests of the eldersim binary: determinism across thread counts, every config in
// configs/ validating and running, `info`, and interrupted runs leaving no output behind.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "models/elder_model.hpp"
#include "sim/experiment.hpp"
#include "sim/h5.hpp"
#include "sim/version.hpp"
#include "tests/test_support.hpp"

extern char** environ;

namespace eldersim {
namespace {

using testing::TempDir;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs the binary with the arguments, capturing stdout and stderr via files; `shell_prefix`
// runs before it in the same shell (a ulimit). A crash (death by a signal) gives -1.
Result run(const TempDir& dir, const std::vector<std::string>& args,
           const std::string& shell_prefix = "") {
  std::string command = shell_prefix + std::string(ELDERSIM_BINARY);
  for (const auto& a : args) command += " '" + a + "'";
  const auto out = dir.path() / "stdout.txt", err = dir.path() / "stderr.txt";
  command += " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  const auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string config(const std::string& name) {
  return testing::config_path(name).string();
}

// Starts the binary with the arguments and returns its process id (-1 if it could not start),
// without waiting: for the tests that signal a run part way.
pid_t start(std::vector<std::string> args) {
  args.insert(args.begin(), ELDERSIM_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  return posix_spawn(&pid, ELDERSIM_BINARY, nullptr, nullptr, argv.data(), environ) == 0 ? pid : -1;
}

// Polls `ready` every 20 ms for up to a minute; whether it became true.
template <class Ready>
bool wait_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST(Cli, SeriesAreByteIdenticalForOneTwoAndFourThreads) {
  TempDir dir;
  std::vector<std::filesystem::path> files;
  for (int threads : {1, 2, 4}) {
    const auto out = dir.path() / fmt::format("t{}.h5", threads);
    const Result r =
        run(dir, {"run", config("guangzhou-small.yaml"), "--out", out.string(), "--threads",
                  std::to_string(threads), "--set", "simulation.end=2023-12-31", "--set",
                  "migration=[{from: Haizhu, to: Panyu, annual_rate: 0.05}]", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files.push_back(out);
  }
  const auto series_of = [](const std::filesystem::path& p) {
    return testing::dataset_bytes(p, {"series", "facilities", "hospitals"});
  };
  const auto one = series_of(files[0]);
  ElderModel declared(std::make_shared<const Scenario>(testing::small_scenario()));
  EXPECT_EQ(one.size(), declared.series().specs().size());
  EXPECT_EQ(one, series_of(files[1]));
  EXPECT_EQ(one, series_of(files[2]));
  // And the provenance says which thread count made each.
  const sim::h5::File f = sim::h5::File::open_read_only(files[2]);
  EXPECT_EQ(std::get<std::int32_t>(f.root().open_group("metadata").attribute("threads")), 4);
}

TEST(Cli, EveryConfigValidatesAndRunsOneYearAtSmallScale) {
  TempDir dir;
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_dir() / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++seen;
    const std::string path = entry.path().string();
    const Result v = run(dir, {"validate", path});
    EXPECT_EQ(v.exit_code, 0) << path << "\n" << v.err;
    const auto out = dir.path() / (entry.path().stem().string() + ".h5");
    const Result r =
        run(dir, {"run", path, "--out", out.string(), "--set", "simulation.end=2020-12-31", "--set",
                  "population.scale=0.01", "-q"});
    EXPECT_EQ(r.exit_code, 0) << path << "\n" << r.err;
    EXPECT_TRUE(std::filesystem::exists(out)) << path;
  }
  EXPECT_GE(seen, 2);
}

// Every shipped sweep, plan, calibration and sensitivity file runs at a small scale, with one
// replicate, one evaluation (a calibration) or two trajectories (a screening), and writes its
// file(s).
TEST(Cli, EveryShippedSweepPlanCalibrationAndSensitivityRunsAtSmallScale) {
  TempDir dir;
  int seen = 0;
  for (const std::string kind : {"sweeps", "plans", "calibration", "sensitivity"})
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::source_dir() / "configs" / kind)) {
      if (entry.path().extension() != ".yaml") continue;
      ++seen;
      const std::string path = entry.path().string();
      const auto out = dir.path() / (kind + "-" + entry.path().stem().string() + ".h5");
      const std::map<std::string, std::string> commands{{"sweeps", "sweep"},
                                                        {"plans", "plan"},
                                                        {"calibration", "calibrate"},
                                                        {"sensitivity", "sensitivity"}};
      const std::string& command = commands.at(kind);
      std::vector<std::string> args{command, path,        "--out", out.string(),
                                    "-r",    "1",         "--set", "population.scale=0.005",
                                    "-q",    "--threads", "2"};
      // A calibration file without parameters holds figures that are only checked.
      const bool check_only = kind == "calibration" &&
                              sim::config::find_path(sim::config::load_document(entry.path()).root,
                                                     "parameters") == nullptr;
      if (kind == "calibration")
        args.insert(args.end(), {check_only ? "--check" : "--max-evaluations", "1"});
      if (check_only) args.pop_back();
      if (kind == "sensitivity") args.insert(args.end(), {"--trajectories", "2"});
      const Result r = run(dir, args);
      // A check may find a figure outside its tolerance (exit 1), not fail otherwise.
      EXPECT_TRUE(r.exit_code == 0 || (check_only && r.exit_code == 1)) << path << "\n" << r.err;
      EXPECT_TRUE(std::filesystem::exists(out)) << path;
      if (kind == "calibration" && !check_only) {
        auto fitted = out;
        EXPECT_TRUE(std::filesystem::exists(fitted.replace_extension(".yaml"))) << path;
        EXPECT_EQ(run(dir, {"validate", fitted.string()}).exit_code, 0) << path;
      }
    }
  EXPECT_GE(seen, 5);
}

// The drift check (docs/calibration.md): the shipped calibration's targets, evaluated at the
// default values, all lie within their tolerances; a default moved far enough fails it.
TEST(Cli, TheDefaultsMeetTheirCalibrationTargetsAndADriftFailsTheCheck) {
  TempDir dir;
  const std::string file = config("calibration/guangzhou.yaml");
  const Result ok = run(dir, {"calibrate", file, "--check", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("death_rate_60plus_2020"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("NOT MET"), std::string::npos) << ok.out;
  const Result drift =
      run(dir, {"calibrate", file, "--check", "-q", "--set", "mortality.improvement=0.45"});
  EXPECT_EQ(drift.exit_code, 1) << drift.out << drift.err;
  EXPECT_NE(drift.out.find("NOT MET"), std::string::npos) << drift.out;
  EXPECT_NE(drift.err.find("not met"), std::string::npos) << drift.err;
}

TEST(Cli, InfoListsProvenanceAndSeriesShapes) {
  TempDir dir;
  const auto out = dir.path() / "run.h5";
  ASSERT_EQ(run(dir, {"run", config("guangzhou-small.yaml"), "--out", out.string(), "--seed", "777",
                      "--set", "simulation.end=2020-12-31", "-q"})
                .exit_code,
            0);
  const Result r = run(dir, {"info", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected :
       {"/metadata", "config_text", "config_resolved", "seed               777", "git_commit",
        "scenario_name      guangzhou-baseline-small",
        "n_alive                        int64    [12 x 11]  (period x district)",
        "n_alive_by_sex_age             int64    [12 x 11 x 2 x 8]"})
    EXPECT_NE(r.out.find(expected), std::string::npos) << "missing: " << expected << "\n" << r.out;
  // The resolved configuration records the command-line overrides.
  const Result full = run(dir, {"info", out.string(), "--full"});
  EXPECT_NE(full.out.find("seed: 777"), std::string::npos);
  EXPECT_NE(full.out.find("end: 2020-12-31"), std::string::npos);
  EXPECT_EQ(run(dir, {"info", (dir.path() / "none.h5").string()}).exit_code, 1);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  TempDir dir;
  EXPECT_EQ(run(dir, {}).exit_code, 2);
  EXPECT_EQ(run(dir, {"run"}).exit_code, 2);
  EXPECT_EQ(run(dir, {"run", "no-such-file.yaml"}).exit_code, 2);
  const Result bad_set = run(dir, {"run", config("guangzhou-small.yaml"), "--out",
                                   (dir.path() / "x.h5").string(), "--set", "population.scale=-1"});
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("--set population.scale=-1: error: population.scale: must be > 0"),
            std::string::npos)
      << bad_set.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.h5"));
}

TEST(Cli, AnInterruptedRunLeavesNoOutputUnderAnyName) {
  // A full-scale run on one thread takes about a minute; interrupt it once its temporary file
  // exists (part way through) and check nothing is left under the final or temporary name.
  TempDir dir;
  const auto out = dir.path() / "interrupted.h5";
  const pid_t pid =
      start({"run", config("guangzhou.yaml"), "--out", out.string(), "--threads", "1", "-q"});
  ASSERT_GT(pid, 0);
  const auto tmp = std::filesystem::path(out.string() + ".tmp-" + std::to_string(pid));
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(tmp); }))
      << "the run never started writing";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(tmp));
}

}  // namespace
}  // namespace eldersim

namespace eldersim {
namespace {

TEST(CliSweep, RefusesABadScenarioBeforeRunningAnythingAndRunsAGoodSweep) {
  TempDir dir;
  const std::string base = testing::config_path("guangzhou-small.yaml").string();
  const auto bad = dir.write("bad.yaml", "baseline: " + base +
                                             "\nscenarios:\n  - name: typo\n    set: "
                                             "[population.scael=0.5]\n");
  const auto out = dir.path() / "bad.h5";
  const Result r = run(dir, {"sweep", bad.string(), "--out", out.string(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("population.scael"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(scenario typo)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(sim::runs_directory(out)));

  const auto good = dir.path() / "good.h5";
  const Result ok = run(dir, {"sweep", config("sweeps/test-small.yaml"), "--out", good.string(),
                              "--set", "simulation.end=2020-06-30", "-r", "2", "-q"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const sim::h5::File f = sim::h5::File::open_read_only(good);
  EXPECT_EQ(f.root().open_group("dims").read_strings("replicate").size(), 2u);
}

}  // namespace
}  // namespace eldersim

namespace eldersim {
namespace {

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> small_run(const std::filesystem::path& out) {
  return {"run",   config("guangzhou-small.yaml"), "--out", out.string(),
          "--set", "simulation.end=2020-03-31",    "-q"};
}

TEST(CliOutput, KeepsAnExistingResultUnlessForcedAndNeverWritesOverInputsOrDevices) {
  TempDir dir;
  const auto out = dir.path() / "r.h5";
  ASSERT_EQ(run(dir, small_run(out)).exit_code, 0);
  const std::string first = bytes_of(out);
  const Result again = run(dir, small_run(out));
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("pass --force"), std::string::npos) << again.err;
  EXPECT_EQ(bytes_of(out), first);
  auto forced = small_run(out);
  forced.push_back("--force");
  EXPECT_EQ(run(dir, forced).exit_code, 0) << run(dir, forced).err;

  // The run's own configuration, a device, a directory and an empty name: refused, even forced.
  const auto config_copy = dir.path() / "c.yaml";
  std::filesystem::copy_file(testing::config_path("guangzhou-small.yaml"), config_copy);
  std::ofstream(dir.path() / "guangzhou.yaml") << bytes_of(testing::config_path("guangzhou.yaml"));
  const std::string config_text = bytes_of(config_copy);
  for (const auto& [target, expected] :
       std::vector<std::pair<std::string, std::string>>{{config_copy.string(), "own input"},
                                                        {"/dev/null", "not a regular file"},
                                                        {dir.path().string(), "not a regular file"},
                                                        {"", "needs a file name"}}) {
    const Result r = run(dir, {"run", config_copy.string(), "--out", target, "--force", "-q"});
    EXPECT_NE(r.exit_code, 0) << target;
    EXPECT_NE(r.err.find(expected), std::string::npos) << target << ": " << r.err;
  }
  EXPECT_EQ(bytes_of(config_copy), config_text);
}

TEST(CliOutput, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  TempDir dir;
  const auto out = dir.path() / "r.h5";
  auto args = small_run(out);
  args[5] = "simulation.end=2021-12-31";  // a bigger file
  ASSERT_EQ(run(dir, args).exit_code, 0);
  const std::string good = bytes_of(out);
  args.push_back("--force");
  // A file-size limit of 200 KiB (the file is about 1 MB): the write fails part way.
  const Result r = run(dir, args, "ulimit -f 200; ");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrote"), std::string::npos) << r.err;
  EXPECT_EQ(bytes_of(out), good);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(CliOutput, StaleTemporariesOfAKilledRunAreRemoved) {
  TempDir dir;
  const auto out = dir.path() / "r.h5";
  const auto stale = dir.path() / "r.h5.tmp-999999999";  // no such process
  std::ofstream(stale) << "half a file";
  const Result r = run(dir, {"run", config("guangzhou-small.yaml"), "--out", out.string(), "--set",
                             "simulation.end=2020-03-31"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_NE(r.err.find("left by an earlier run"), std::string::npos) << r.err;
}

// Where the chunks of the file's datasets lie (byte offset and size), found through HDF5:
// every chunk carries a Fletcher-32 checksum, so a change inside one must be refused.
std::vector<std::pair<haddr_t, hsize_t>> chunk_extents(const std::filesystem::path& path) {
  std::vector<std::pair<haddr_t, hsize_t>> chunks;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const auto visit = [](hid_t root, const char* name, const H5O_info_t* info, void* out) {
    if (info->type != H5O_TYPE_DATASET) return 0;
    const hid_t set = H5Dopen2(root, name, H5P_DEFAULT);
    const hid_t space = H5Dget_space(set);
    const hid_t props = H5Dget_create_plist(set);
    hsize_t n = 0;
    if (H5Pget_layout(props) == H5D_CHUNKED && H5Dget_num_chunks(set, space, &n) >= 0) {
      for (hsize_t i = 0; i < n; ++i) {
        haddr_t at = 0;
        hsize_t size = 0;
        if (H5Dget_chunk_info(set, space, i, nullptr, nullptr, &at, &size) >= 0 && size > 0)
          static_cast<decltype(chunks)*>(out)->emplace_back(at, size);
      }
    }
    H5Pclose(props);
    H5Sclose(space);
    H5Dclose(set);
    return 0;
  };
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &chunks, H5O_INFO_BASIC);
  H5Fclose(file);
  return chunks;
}

TEST(CliOutput, DamagedTruncatedAndForeignFilesGiveAClearErrorNeverACrash) {
  TempDir dir;
  const auto out = dir.path() / "r.h5";
  ASSERT_EQ(run(dir, small_run(out)).exit_code, 0);
  const std::string good = bytes_of(out);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    const auto p = dir.path() / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  };
  const Result foreign = run(dir, {"info", write("foreign.h5", "name,value\n1,2\n")});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.err.find("not an HDF5 file"), std::string::npos) << foreign.err;
  const Result truncated = run(dir, {"info", write("cut.h5", good.substr(0, good.size() / 3))});
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("damaged or truncated"), std::string::npos) << truncated.err;
  const auto verify_changed = [&](std::size_t at) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    return run(dir, {"info", "--verify", write("bad.h5", bad)});
  };
  // One changed byte anywhere: info either reads the file or says it is damaged; it never dies.
  // (The heap of variable-length strings and unused space carry no checksum: docs/reliability.md.)
  std::uint64_t state = 12345;
  const auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
  for (int k = 0; k < 16; ++k) {
    const std::size_t at = (next() >> 17) % good.size();
    const Result r = verify_changed(at);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "crashed on a change at byte " << at;
    if (r.exit_code != 0) {
      EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
    }
  }
  // A changed byte in the superblock (checksummed from format version 2 on) or inside any
  // chunk of data is always refused as damaged.
  std::vector<std::size_t> checksummed{9, 20, 30, 40};
  const auto chunks = chunk_extents(out);
  ASSERT_GT(chunks.size(), 10u);
  for (int k = 0; k < 12; ++k) {
    const auto& [at, size] = chunks[(next() >> 17) % chunks.size()];
    checksummed.push_back(at + (next() >> 17) % size);
  }
  for (const std::size_t at : checksummed) {
    const Result r = verify_changed(at);
    EXPECT_EQ(r.exit_code, 1) << "a change at byte " << at << " went unnoticed";
    EXPECT_NE(r.err.find("damaged"), std::string::npos) << at << ": " << r.err;
  }
}

// Intact HDF5 files that are not eldersim's own as this build knows them: written by another
// program, or by a newer eldersim; and one written before schema versions were recorded.
TEST(CliOutput, ForeignAndNewerSchemaFilesAreRefusedOlderOnesRead) {
  TempDir dir;
  const auto made = [&](const std::string& name, std::optional<std::int64_t> schema) {
    const auto path = dir.path() / name;
    sim::h5::File file = sim::h5::File::create(path);
    if (schema) {
      const sim::h5::Group meta = file.root().create_group("metadata");
      meta.set_attribute("file_kind", std::string("run"));
      if (*schema > 0) meta.set_attribute("schema_version", *schema);
    } else {
      file.root().create_group("other");
    }
    file.close();
    return path.string();
  };
  const Result other = run(dir, {"info", made("other.h5", std::nullopt)});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("not one eldersim wrote"), std::string::npos) << other.err;
  EXPECT_EQ(other.err.find("damaged"), std::string::npos) << other.err;
  const Result newer = run(dir, {"info", made("newer.h5", sim::kFileSchemaVersion + 1)});
  EXPECT_EQ(newer.exit_code, 1);
  EXPECT_NE(newer.err.find(
                fmt::format("newer eldersim (file schema version {}", sim::kFileSchemaVersion + 1)),
            std::string::npos)
      << newer.err;
  const Result older = run(dir, {"info", made("older.h5", 0)});
  EXPECT_EQ(older.exit_code, 0) << older.err;
  EXPECT_NE(older.out.find("file schema version 1, older"), std::string::npos) << older.out;
  // What eldersim writes now carries the current version.
  const auto out = dir.path() / "r.h5";
  ASSERT_EQ(run(dir, small_run(out)).exit_code, 0);
  const Result now = run(dir, {"info", out.string()});
  EXPECT_NE(now.out.find(fmt::format("schema_version     {}", sim::kFileSchemaVersion)),
            std::string::npos)
      << now.out;
}

}  // namespace
}  // namespace eldersim

namespace eldersim {
namespace {

// SIGINT, SIGTERM and SIGHUP stop a run at the next step with exit code 130; with
// --checkpoint-every it writes a checkpoint first, and `eldersim resume` finishes the run.
TEST(CliCheckpoint, EverySignalStopsCleanlyAndTheCheckpointResumes) {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    TempDir dir;
    const auto out = dir.path() / "long.h5";
    const pid_t pid =
        start({"run", config("guangzhou.yaml"), "--out", out.string(), "--threads", "1", "--set",
               "population.scale=0.2", "--checkpoint-every", "12", "-q"});
    ASSERT_GT(pid, 0);
    const auto tmp = std::filesystem::path(out.string() + ".tmp-" + std::to_string(pid));
    wait_until([&] { return std::filesystem::exists(tmp); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(pid, signal);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "signal " << signal;
    EXPECT_EQ(WEXITSTATUS(status), 130) << "signal " << signal;
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(tmp));
    const auto checkpoint = out.string() + ".checkpoint";
    ASSERT_TRUE(std::filesystem::exists(checkpoint)) << "signal " << signal;
    if (signal != SIGHUP) continue;
    const Result resumed = run(dir, {"resume", checkpoint, "--threads", "2", "-q"});
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(checkpoint));
  }
}

// A signal inside a sweep whose runs keep checkpoints: exit 130, the checkpoints of the runs in
// progress kept, and --resume finishes the sweep with the series of one never stopped.
TEST(CliCheckpoint, ASignalInsideASweepKeepsItsRunsCheckpointsAndResumeFinishesIt) {
  TempDir dir;
  const std::vector<std::string> sweep{
      "sweep", config("sweeps/test-small.yaml"), "-r", "2", "--threads", "2",
      "--set", "simulation.end=2022-12-31",      "-q"};
  const auto whole = dir.path() / "whole.h5";
  auto args = sweep;
  args.insert(args.end(), {"--out", whole.string()});
  ASSERT_EQ(run(dir, args).exit_code, 0);

  const auto out = dir.path() / "cut.h5";
  auto cut = sweep;
  cut.insert(cut.end(), {"--out", out.string(), "--checkpoint-every", "1"});
  const pid_t pid = start(cut);
  ASSERT_GT(pid, 0);
  const auto runs = sim::runs_directory(out);
  const auto checkpoints = [&] {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(runs, ec))
      n += e.path().extension() == ".checkpoint";
    return n;
  };
  wait_until([&] { return checkpoints() > 0; });
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_GE(checkpoints(), 1u);
  args = sweep;
  args.insert(args.end(), {"--out", out.string(), "--checkpoint-every", "1", "--resume"});
  const Result resumed = run(dir, args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(testing::dataset_bytes(out, {"series"}), testing::dataset_bytes(whole, {"series"}));
  EXPECT_FALSE(std::filesystem::exists(runs));
}

}  // namespace
}  // namespace eldersim
