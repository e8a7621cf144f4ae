// Sweeps end to end with the eldersim model (docs/experiments.md): shapes, names, seeds and
// stored draws; a sweep twice gives the same datasets; a resumed sweep equals an uninterrupted
// one; a sweep's run equals the single run with its seed; common random numbers make paired
// differences less noisy; parameter draws widen the interval of a series that depends on them.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "models/elder_model.hpp"
#include "sim/experiment.hpp"
#include "sim/h5.hpp"
#include "sim/run_backend.hpp"
#include "sim/runner.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::TempDir;

const std::vector<std::string> kShort = {"simulation.end=2021-06-30"};

// Every dataset of a file but /metadata, as bytes, by path.
void collect(const sim::h5::Group& g, const std::string& path,
             std::map<std::string, std::vector<char>>& out) {
  for (const auto& name : g.children()) {
    const std::string p = path + "/" + name;
    if (p == "/metadata" || p == "/runs/seconds") continue;  // provenance: when and how fast
    if (!sim::h5::is_dataset(g, name)) {
      collect(g.open_group(name), p, out);
      continue;
    }
    const auto info = sim::h5::dataset_info(g, name);
    std::vector<char>& raw = out[p];
    const auto bytes = [&raw](const auto& v) {
      raw.assign(reinterpret_cast<const char*>(v.data()),
                 reinterpret_cast<const char*>(v.data() + v.size()));
    };
    if (info.type == "int64")
      bytes(sim::h5::read_int64(g, name));
    else if (info.type == "float64")
      bytes(sim::h5::read_float64(g, name));
    else
      for (const auto& s : g.read_strings(name)) raw.insert(raw.end(), s.begin(), s.end() + 1);
  }
}
std::map<std::string, std::vector<char>> datasets(const std::filesystem::path& file) {
  std::map<std::string, std::vector<char>> out;
  const auto f = sim::h5::File::open_read_only(file);
  collect(f.root(), "", out);
  return out;
}

std::vector<std::size_t> shape(const std::filesystem::path& file, const std::string& group,
                               const std::string& name) {
  const auto f = sim::h5::File::open_read_only(file);
  const auto s = sim::h5::dataset_info(f.root().open_group(group), name).shape;
  return {s.begin(), s.end()};
}

// A sweep file in `dir`: the small configuration against 20% more beds in the old core.
std::filesystem::path write_sweep(const TempDir& dir, const std::string& extra = "",
                                  int replicates = 3) {
  const std::string base = testing::config_path("guangzhou-small.yaml").string();
  return dir.write("sweep.yaml", "name: t\nbaseline: " + base +
                                     "\nreplicates: " + std::to_string(replicates) +
                                     "\nscenarios:\n  - name: more-beds\n    set: ['policy_events=["
                                     "{date: 2020-03-01, set_places: {districts: [Yuexiu, Liwan, "
                                     "Haizhu], type: institution, percent: 20}}]']\n" +
                                     extra);
}

sim::ExperimentSummary sweep(const std::filesystem::path& file, const std::filesystem::path& out,
                             std::vector<std::string> overrides = kShort, bool resume = false,
                             sim::RunBackend* backend = nullptr) {
  const auto definition = eldersim::definition();
  sim::ExperimentRequest request;
  request.sweep_file = file;
  request.out_path = out;
  request.overrides = std::move(overrides);
  request.resume = resume;
  std::atomic<bool> stop{false};
  sim::LocalBackend local(definition, 2, 1, stop);
  return sim::run_experiment(definition, request, backend ? *backend : local);
}

// Sum over every cell of one period of a [scenario x replicate x period x ...] series.
double total(const std::vector<double>& v, const std::vector<std::size_t>& shape,
             std::size_t scenario, std::size_t replicate, std::size_t period) {
  const std::size_t cells =
      std::accumulate(shape.begin() + 3, shape.end(), std::size_t{1}, std::multiplies<>());
  const std::size_t at = ((scenario * shape[1] + replicate) * shape[2] + period) * cells;
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(at),
                         v.begin() + static_cast<std::ptrdiff_t>(at + cells), 0.0);
}

double variance(const std::vector<double>& x) {
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / static_cast<double>(x.size() - 1);
}

TEST(Experiment, ShapesNamesSeedsAndDraws) {
  TempDir dir;
  const auto file = write_sweep(dir,
                                "uncertain:\n  - {path: mortality.improvement, distribution: "
                                "uniform, low: 0.3, high: 0.5, source: test}\n");
  const auto out = dir.path() / "s.h5";
  const auto summary = sweep(file, out);
  EXPECT_EQ(summary.runs, 6u);
  EXPECT_FALSE(std::filesystem::exists(sim::runs_directory(out)));  // removed once complete
  const auto f = sim::h5::File::open_read_only(out);
  const auto dims = f.root().open_group("dims");
  EXPECT_EQ(dims.read_strings("scenario"), (std::vector<std::string>{"baseline", "more-beds"}));
  EXPECT_EQ(dims.read_strings("replicate"), (std::vector<std::string>{"0", "1", "2"}));
  const auto periods = dims.read_strings("period_start").size();
  EXPECT_EQ(periods, 18u);
  EXPECT_EQ(shape(out, "series", "n_alive"), (std::vector<std::size_t>{2, 3, periods, 11}));
  EXPECT_EQ(shape(out, "summary/series/n_alive", "diff_mean"),
            (std::vector<std::size_t>{2, periods, 11}));
  const auto spec = sim::read_experiment(file);
  const std::uint64_t root = sim::root_seed(spec, kShort);
  EXPECT_EQ(root, 20200101u);  // the baseline's simulation.seed
  const auto seeds = testing::read_numbers(out, "runs", "seed");
  ASSERT_EQ(seeds.size(), 6u);
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(
        static_cast<std::uint64_t>(sim::h5::read_int64(f.root().open_group("runs"), "seed")[r]),
        sim::replicate_seed(root, r));
    EXPECT_EQ(seeds[r], seeds[3 + r]);  // common random numbers: same seed in every scenario
  }
  const auto drawn = testing::read_numbers(out, "parameters", "value");
  ASSERT_EQ(drawn.size(), 3u);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(drawn[r], sim::parameter_values(spec, root, r)[0]);
  EXPECT_EQ(f.root().open_group("metadata").attribute("file_kind"),
            sim::h5::AttributeValue(std::string("sweep")));

  // The summaries agree with the values: the mean of replicates and the paired difference.
  const auto alive = testing::read_numbers(out, "series", "n_alive");
  const auto mean = testing::read_numbers(out, "summary/series/n_alive", "mean");
  const auto diff = testing::read_numbers(out,
                                          "summary/series/n_wait"
                                          "ing",
                                          "diff_mean");
  const std::size_t cell = 5 * 11 + 3;  // period 5, district 3
  EXPECT_NEAR(mean[periods * 11 + cell],
              (alive[(3 * periods) * 11 + cell] + alive[(4 * periods) * 11 + cell] +
               alive[(5 * periods) * 11 + cell]) /
                  3.0,
              1e-9);
  for (std::size_t i = 0; i < periods * 11 * 3; ++i) EXPECT_EQ(diff[i], 0.0);  // baseline row
}

TEST(Experiment, TwiceGivesTheSameDatasetsAndResumingEqualsARunThrough) {
  TempDir dir;
  const auto file = write_sweep(dir);
  sweep(file, dir.path() / "a.h5");
  sweep(file, dir.path() / "b.h5");
  const auto a = datasets(dir.path() / "a.h5");
  EXPECT_GT(a.size(), 500u);
  EXPECT_EQ(a, datasets(dir.path() / "b.h5"));

  // A backend that loses two of the runs: the sweep fails, keeps the others, and resumes.
  struct Flaky final : sim::RunBackend {
    sim::RunBackend& inner;
    explicit Flaky(sim::RunBackend& b) : inner(b) {}
    void execute(std::span<const sim::RunJob> jobs, const Finished& finished) override {
      inner.execute(jobs, [&](std::size_t j, sim::RunOutcome&& o) {
        if (j == 1 || j == 4) o = {std::nullopt, "simulated crash"};
        finished(j, std::move(o));
      });
    }
    int concurrency() const override { return inner.concurrency(); }
  };
  const auto definition = eldersim::definition();
  std::atomic<bool> stop{false};
  sim::LocalBackend local(definition, 2, 1, stop);
  Flaky flaky(local);
  const auto out = dir.path() / "c.h5";
  EXPECT_THROW(sweep(file, out, kShort, false, &flaky), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(out));  // no sweep file from a partial sweep
  std::size_t kept = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(sim::runs_directory(out)))
    ++kept;
  EXPECT_EQ(kept, 4u);
  // Without --resume the kept runs are not thrown away silently.
  EXPECT_THROW(sweep(file, out), std::runtime_error);
  const auto resumed = sweep(file, out, kShort, true);
  EXPECT_EQ(resumed.resumed, 4u);
  EXPECT_EQ(a, datasets(out));
  // A changed sweep does not resume from runs of the old one.
  EXPECT_THROW(sweep(file, dir.path() / "d.h5", kShort, false, &flaky), std::runtime_error);
  EXPECT_THROW(sweep(file, dir.path() / "d.h5", {"simulation.end=2021-07-31"}, true),
               std::runtime_error);
}

// Runs inside a sweep keep checkpoints (--checkpoint-every): a sweep whose runs are stopped part
// way, each at its own step, resumes from their checkpoints to the file of a sweep never stopped.
TEST(Experiment, RunsStoppedPartWayResumeFromTheirCheckpointsToTheSameFile) {
  TempDir dir;
  const auto file = write_sweep(dir);
  sweep(file, dir.path() / "a.h5");
  const auto expected = datasets(dir.path() / "a.h5");
  const auto definition = eldersim::definition();
  // Stops run j before step cuts[j] (after writing its checkpoint); -1 runs to the end. Step 1;
  // inside a period; a period's last step (13 ends March, a checkpoint period); later; the step
  // before the last of the 78.
  struct Cutting final : sim::RunBackend {
    const sim::ModelDefinition& definition;
    std::vector<int> cuts{1, 6, 13, -1, 40, 77};
    explicit Cutting(const sim::ModelDefinition& d) : definition(d) {}
    void execute(std::span<const sim::RunJob> jobs, const Finished& finished) override {
      for (std::size_t j = 0; j < jobs.size(); ++j) {
        const std::atomic<bool> never{false};
        const sim::RunCheckpoints checkpoints{jobs[j].checkpoint, jobs[j].checkpoint_every,
                                              cuts.at(j)};
        try {
          finished(
              j, {sim::execute_run(definition, sim::load_job(jobs[j]), {1, 0}, never, checkpoints),
                  ""});
        } catch (const sim::Interrupted&) {
          finished(j, {std::nullopt, "stopped"});
        }
      }
    }
    int concurrency() const override { return 1; }
  } cutting(definition);
  sim::ExperimentRequest request;
  request.sweep_file = file;
  request.out_path = dir.path() / "cut.h5";
  request.overrides = kShort;
  request.checkpoint_every = 3;
  EXPECT_THROW(sim::run_experiment(definition, request, cutting), std::runtime_error);
  std::size_t records = 0, checkpoints = 0;
  for (const auto& e : std::filesystem::directory_iterator(sim::runs_directory(request.out_path)))
    (e.path().extension() == ".run" ? records : checkpoints) += 1;
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(checkpoints, 5u);
  EXPECT_THROW(sim::run_experiment(definition, request, cutting), std::runtime_error);  // resume?
  request.resume = true;
  std::atomic<bool> stop{false};
  sim::LocalBackend local(definition, 2, 1, stop);
  const auto summary = sim::run_experiment(definition, request, local);
  EXPECT_EQ(summary.resumed, 1u);
  EXPECT_EQ(datasets(request.out_path), expected);
  EXPECT_FALSE(std::filesystem::exists(sim::runs_directory(request.out_path)));
}

// A run's checkpoint is its own: one left by another configuration is refused, not continued.
TEST(Experiment, ACheckpointOfAnotherConfigurationIsRefused) {
  TempDir dir;
  const auto definition = eldersim::definition();
  const auto config = testing::config_path("guangzhou-small.yaml");
  const std::atomic<bool> never{false};
  const sim::RunCheckpoints checkpoints{dir.path() / "run.checkpoint", 1, 5};
  EXPECT_THROW(sim::execute_run(definition, sim::load_configuration(config, kShort), {1, 0}, never,
                                checkpoints),
               sim::Interrupted);
  ASSERT_TRUE(std::filesystem::exists(checkpoints.path));
  const auto other =
      sim::load_configuration(config, {"simulation.end=2021-06-30", "simulation.seed=99"});
  try {
    sim::execute_run(definition, other, {1, 0}, never, {checkpoints.path, 1});
    ADD_FAILURE() << "continued from the checkpoint of another configuration";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint of another configuration"), std::string::npos)
        << e.what();
  }
}

// A signal during a sweep's set-up (loading and checking every run's configuration, which takes a
// while for hundreds of runs) stops it there, before anything is written.
TEST(Experiment, ASignalDuringSetUpStopsBeforeAnythingIsWritten) {
  TempDir dir;
  const auto file = write_sweep(dir);
  const auto out = dir.path() / "s.h5";
  sim::interrupt_requested().store(true);
  EXPECT_THROW(sweep(file, out), sim::Interrupted);
  sim::interrupt_requested().store(false);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(sim::runs_directory(out)));
}

TEST(Experiment, ARunOfTheSweepIsTheSingleRunWithItsSeed) {
  TempDir dir;
  const auto file = write_sweep(dir);
  const auto out = dir.path() / "s.h5";
  sweep(file, out);
  const auto spec = sim::read_experiment(file);
  const auto runs = sim::plan_runs(spec, sim::root_seed(spec, kShort), kShort);
  const sim::PlannedRun& run = runs[4];  // scenario 1, replicate 1
  ASSERT_EQ(run.scenario, 1u);
  ASSERT_EQ(run.replicate, 1);
  sim::RunRequest single;
  single.config_path = testing::config_path("guangzhou-small.yaml");
  single.out_path = dir.path() / "single.h5";
  single.overrides = spec.scenarios[1].overrides;
  single.overrides.push_back("simulation.seed=" + std::to_string(run.seed));
  single.overrides.insert(single.overrides.end(), kShort.begin(), kShort.end());
  sim::run_model(eldersim::definition(), single);
  for (const std::string name : {"n_alive", "n_waiting", "new_admissions", "new_spending"}) {
    const auto all = testing::read_numbers(out, "series", name);
    const auto one = testing::read_numbers(single.out_path, "series", name);
    const std::size_t n = one.size();
    ASSERT_EQ(all.size(), 6 * n);
    EXPECT_TRUE(
        std::equal(one.begin(), one.end(), all.begin() + static_cast<std::ptrdiff_t>(4 * n)))
        << name;
  }
}

TEST(Experiment, CommonRandomNumbersMakePairedDifferencesLessNoisy) {
  TempDir dir;
  // Eight replicates: with four, the variance ratio is an estimate from three degrees of
  // freedom on each side. The ratio was 0.25 after the hospital rework and is 0.30 with the
  // second choices (more beds in the core change who is redirected where, and each redirected
  // person's later path); without common random numbers it would be about 1.
  constexpr std::size_t kReplicates = 8;
  const auto file = write_sweep(dir, "", kReplicates);
  const auto a = dir.path() / "a.h5", b = dir.path() / "b.h5";
  sweep(file, a);
  // The same sweep from another root seed: its baseline is independent of a's scenario runs.
  auto other = kShort;
  other.push_back("simulation.seed=99");
  sweep(file, b, other);
  const auto shape_a = shape(a, "series", "n_waiting");
  const auto wa = testing::read_numbers(a, "series", "n_waiting"),
             wb = testing::read_numbers(b, "series", "n_waiting");
  const std::size_t last = shape_a[2] - 1;
  std::vector<double> paired, unpaired;
  for (std::size_t r = 0; r < kReplicates; ++r) {
    paired.push_back(total(wa, shape_a, 1, r, last) - total(wa, shape_a, 0, r, last));
    unpaired.push_back(total(wa, shape_a, 1, r, last) - total(wb, shape_a, 0, r, last));
  }
  EXPECT_LT(variance(paired), 0.5 * variance(unpaired));
}

TEST(Experiment, ParameterDrawsWidenTheIntervalOfASeriesThatDependsOnThem) {
  TempDir dir;
  const auto file = write_sweep(dir,
                                "uncertain:\n  - {path: mortality.improvement, distribution: "
                                "uniform, low: 0.1, high: 0.9, source: test}\n",
                                4);
  const auto on = dir.path() / "on.h5", off = dir.path() / "off.h5";
  sweep(file, on);
  sim::ExperimentRequest request;
  const auto definition = eldersim::definition();
  request.sweep_file = file;
  request.out_path = off;
  request.overrides = kShort;
  request.no_parameter_draws = true;
  std::atomic<bool> stop{false};
  sim::LocalBackend local(definition, 2, 1, stop);
  sim::run_experiment(definition, request, local);
  // Citywide deaths over the run, per replicate.
  const auto spread = [](const std::filesystem::path& f) {
    const auto s = shape(f, "series", "cum_deaths");
    const auto v = testing::read_numbers(f, "series", "cum_deaths");
    std::vector<double> x;
    for (std::size_t r = 0; r < 4; ++r) x.push_back(total(v, s, 0, r, s[2] - 1));
    return variance(x);
  };
  EXPECT_GT(spread(on), 4 * spread(off));
  const auto drawn = testing::read_numbers(off, "parameters", "value");
  for (double v : drawn) EXPECT_DOUBLE_EQ(v, 0.5);  // the central value
}

TEST(Experiment, AFixedPopulationIsTheSameInEveryReplicate) {
  TempDir dir;
  const auto fixed = write_sweep(dir, "population: fixed\n", 4);
  sweep(fixed, dir.path() / "fixed.h5");
  const auto per =
      dir.write("per.yaml", "baseline: " + testing::config_path("guangzhou-small.yaml").string() +
                                "\nreplicates: 4\n");
  sweep(per, dir.path() / "per.h5");
  const auto spread = [](const std::filesystem::path& f) {
    // People by district and ADL level in the first period, set mostly by the synthetic
    // population: the variance across replicates, pooled over the 55 cells (one cell's variance
    // over four replicates is too noisy to compare).
    const auto s = shape(f, "series", "n_adl");  // scenario x replicate x period x district x level
    if (s.size() != 5) ADD_FAILURE() << "n_adl has " << s.size() << " axes";
    const auto v = testing::read_numbers(f, "series", "n_adl");
    std::vector<double> pooled;
    for (std::size_t d = 0; d < s[3]; ++d)
      for (std::size_t level = 0; level < s[4]; ++level) {
        std::vector<double> x;
        for (std::size_t r = 0; r < 4; ++r) x.push_back(v[((r * s[2]) * s[3] + d) * s[4] + level]);
        pooled.push_back(variance(x));
      }
    return std::accumulate(pooled.begin(), pooled.end(), 0.0) / static_cast<double>(pooled.size());
  };
  const auto pop = testing::read_numbers(dir.path() / "fixed.h5", "runs", "population_seed");
  EXPECT_EQ(pop[0], pop[3]);
  EXPECT_LT(spread(dir.path() / "fixed.h5"), 0.2 * spread(dir.path() / "per.h5"));
}

}  // namespace
}  // namespace eldersim
