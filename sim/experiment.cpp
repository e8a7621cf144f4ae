#include "sim/experiment.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <set>

#include "sim/config_reader.hpp"
#include "sim/experiment_file.hpp"
#include "sim/output.hpp"
#include "sim/runner.hpp"
#include "sim/version.hpp"

namespace sim {

namespace {

std::string number(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact text
  return std::string(buf, end);
}

std::string describe_run(const ExperimentSpec& spec, const PlannedRun& run) {
  return fmt::format("scenario {} replicate {} (seed {}, population seed {})",
                     spec.scenarios[run.scenario].name, run.replicate, run.seed,
                     run.population_seed);
}

SimulationSpec simulation_of(const config::Document& doc) {
  config::Diagnostics diag;
  config::Map root(&doc.root, "", {doc.path.string(), 1, 1}, diag);
  return read_simulation(root);  // its problems are reported by the model's validation
}

std::filesystem::path record_path(const std::filesystem::path& dir, const PlannedRun& run,
                                  std::uint64_t digest) {
  return dir / fmt::format("s{:03}-r{:04}-{:016x}.run", run.scenario, run.replicate, digest);
}

// Where a run in progress keeps its checkpoint: beside its record, named after it.
std::filesystem::path checkpoint_of(const std::filesystem::path& record) {
  std::filesystem::path p = record;
  return p += ".checkpoint";
}

// What each planned run's record is called (the digest of its resolved configuration in the
// name, so a changed sweep never resumes from stale runs).
std::vector<std::filesystem::path> record_paths(const std::vector<PlannedRun>& runs,
                                                const std::filesystem::path& dir,
                                                std::vector<std::uint64_t>& digests) {
  std::vector<std::filesystem::path> out;
  for (const auto& run : runs) {
    if (interrupt_requested().load()) throw Interrupted();  // a long set-up stops on a signal too
    const config::Document doc = load_job(run.job);
    digests.push_back(text_digest(config::to_yaml(doc.root)));
    out.push_back(record_path(dir, run, digests.back()));
  }
  return out;
}

// Checks what OUT.runs/ holds: nothing without --resume; with it, only runs of this sweep.
std::size_t check_directory(const std::filesystem::path& dir,
                            const std::vector<std::filesystem::path>& expected, bool resume) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return 0;
  const std::set<std::string> wanted = [&] {
    std::set<std::string> s;
    for (const auto& p : expected) s.insert(p.filename().string());
    return s;
  }();
  std::size_t found = 0, stale = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    // A finished run, or the checkpoint of one in progress (named after the run).
    const std::string run =
        name.ends_with(".run.checkpoint") ? name.substr(0, name.size() - 11) : name;
    if (!run.ends_with(".run")) continue;
    ++found;
    if (!wanted.contains(run)) ++stale;
  }
  if (found > 0 && !resume)
    throw std::runtime_error(fmt::format(
        "{} holds {} finished or checkpointed runs of an earlier sweep: pass --resume to continue "
        "it, or delete "
        "the directory to start again",
        dir.string(), found));
  if (stale > 0)
    throw std::runtime_error(fmt::format(
        "{} holds {} runs whose configuration differs from this sweep's (the sweep or a scenario "
        "file changed since): delete the directory to start again",
        dir.string(), stale));
  return found;
}

std::vector<MetadataEntry> provenance(const ExperimentSpec& spec, const ExperimentRequest& request,
                                      std::uint64_t root, const RunBackend& backend,
                                      const std::string& started, double seconds) {
  std::vector<MetadataEntry> m;
  const auto put = [&m](const std::string& name, const h5::AttributeValue& v) {
    m.push_back(MetadataEntry::of(name, v));
  };
  put("file_kind", std::string("sweep"));
  put("schema_version", kFileSchemaVersion);
  put("eldersim_version", std::string(version()));
  put("git_commit", std::string(git_commit()));
  put("sweep_file", spec.file.string());
  put("sweep_name", spec.name);
  put("sweep_description", spec.description);
  put("sweep_text", spec.text);
  put("root_seed", root);
  put("replicates", static_cast<std::int32_t>(spec.replicates));
  put("scenarios", static_cast<std::int32_t>(spec.scenarios.size()));
  put("population_mode",
      std::string(spec.population == PopulationMode::kFixed ? "fixed" : "per_replicate"));
  put("parameter_draws", static_cast<std::int32_t>(spec.parameter_draws));
  std::string overrides;
  for (const auto& o : request.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  put("overrides", overrides);
  put("command_line", request.command_line);
  put("jobs", static_cast<std::int32_t>(backend.concurrency()));
  put("ranks", static_cast<std::int32_t>(backend.ranks()));
  put("host", host_name());
  put("start_time", started);
  put("end_time", now_iso8601());
  put("wall_seconds", seconds);
  const SimulationSpec sim =
      simulation_of(load_configuration(spec.scenarios[0].config, request.overrides));
  put("start_date", format_date(sim.calendar.start));
  put("end_date", format_date(sim.calendar.end));
  put("step_days", static_cast<std::int32_t>(sim.calendar.step_days));
  put("reporting_period", std::string(to_string(sim.calendar.period)));
  put("threads", static_cast<std::int32_t>(request.threads));
  put("interval_method", std::string("95% Student t across replicates (docs/experiments.md)"));
  return m;
}

}  // namespace

std::uint64_t root_seed(const ExperimentSpec& spec, const std::vector<std::string>& overrides) {
  if (spec.seed) return *spec.seed;
  return simulation_of(load_configuration(spec.scenarios[0].config, overrides)).seed;
}

std::vector<PlannedRun> plan_runs(const ExperimentSpec& spec, std::uint64_t root,
                                  const std::vector<std::string>& overrides) {
  std::vector<PlannedRun> runs;
  for (std::size_t s = 0; s < spec.scenarios.size(); ++s)
    for (int r = 0; r < spec.replicates; ++r) {
      PlannedRun run{s, r, replicate_seed(root, r), population_seed(root, r, spec.population), {}};
      run.job.config = spec.scenarios[s].config.string();
      run.job.overrides = spec.scenarios[s].overrides;
      const auto values = parameter_values(spec, root, r);
      for (std::size_t j = 0; j < values.size(); ++j)
        run.job.overrides.push_back(spec.uncertain[j].path + "=" + number(values[j]));
      run.job.overrides.push_back("simulation.seed=" + std::to_string(run.seed));
      run.job.overrides.push_back("simulation.population_seed=" +
                                  std::to_string(run.population_seed));
      for (const auto& o : overrides) run.job.overrides.push_back(o);
      runs.push_back(std::move(run));
    }
  return runs;
}

void validate_runs(const ModelDefinition& definition, const ExperimentSpec& spec,
                   const std::vector<PlannedRun>& runs) {
  std::vector<config::Diagnostic> problems;
  std::optional<CalendarSpec> calendar;
  for (const PlannedRun& run : runs) {
    if (run.replicate != 0) continue;
    if (interrupt_requested().load()) throw Interrupted();
    try {
      const config::Document doc = load_job(run.job);
      definition.validate(doc);
      const CalendarSpec c = simulation_of(doc).calendar;
      if (!calendar) calendar = c;
      if (c.start != calendar->start || c.end != calendar->end ||
          c.step_days != calendar->step_days || c.period != calendar->period)
        problems.push_back(config::Diagnostic{
            config::Location{spec.file.string(), 0, 0}, "scenarios",
            "scenario " + spec.scenarios[run.scenario].name +
                " has another calendar (simulation start, end, step_days or reporting_period) "
                "than the baseline"});
    } catch (const config::ConfigError& e) {
      for (auto d : e.diagnostics()) {
        d.message += " (scenario " + spec.scenarios[run.scenario].name + ")";
        problems.push_back(std::move(d));
      }
    }
  }
  if (!problems.empty()) throw config::ConfigError(std::move(problems));
}

std::filesystem::path runs_directory(const std::filesystem::path& out) {
  std::filesystem::path dir = out;
  dir += ".runs";
  return dir;
}

ExperimentSummary run_experiment(const ModelDefinition& definition,
                                 const ExperimentRequest& request, RunBackend& backend) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const std::string started = now_iso8601();
  ExperimentSpec spec = read_experiment(request.sweep_file);
  if (request.no_parameter_draws) spec.parameter_draws = false;
  if (request.replicates > 0) spec.replicates = request.replicates;
  const std::uint64_t root = root_seed(spec, request.overrides);
  const std::vector<PlannedRun> runs = plan_runs(spec, root, request.overrides);
  validate_runs(definition, spec, runs);

  {
    std::vector<std::filesystem::path> inputs{request.sweep_file};
    for (const auto& s : spec.scenarios)
      for (const auto& [file, text] : config::load_document(s.config).sources)
        inputs.emplace_back(file);
    remove_stale_temporaries(request.out_path);
    check_output_path(request.out_path, inputs, request.force);
  }
  const std::filesystem::path dir = runs_directory(request.out_path);
  std::vector<std::uint64_t> digests;
  const auto paths = record_paths(runs, dir, digests);
  check_directory(dir, paths, request.resume);
  std::filesystem::create_directories(dir);

  ExperimentSummary summary;
  summary.runs = runs.size();
  std::vector<std::size_t> todo;
  std::vector<RunJob> jobs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (std::filesystem::exists(paths[i])) {
      ++summary.resumed;
      continue;
    }
    todo.push_back(i);
    jobs.push_back(runs[i].job);
    if (request.checkpoint_every > 0) {
      jobs.back().checkpoint = checkpoint_of(paths[i]).string();
      jobs.back().checkpoint_every = request.checkpoint_every;
    }
  }
  spdlog::info("{}: {} scenarios x {} replicates = {} runs ({} done before), {} at once",
               spec.file.string(), spec.scenarios.size(), spec.replicates, runs.size(),
               summary.resumed, backend.concurrency());

  std::size_t finished = 0;
  double run_seconds = 0;
  backend.execute(jobs, [&](std::size_t j, RunOutcome&& outcome) {
    const PlannedRun& run = runs[todo[j]];
    ++finished;
    if (!outcome.record) {
      if (interrupt_requested().load()) return;
      ++summary.failed;
      spdlog::error("run failed: {}: {}", describe_run(spec, run), outcome.error);
      return;
    }
    write_record_file(paths[todo[j]], *outcome.record);
    std::error_code ignored;  // the run is kept whole: its checkpoint is no longer needed
    std::filesystem::remove(checkpoint_of(paths[todo[j]]), ignored);
    run_seconds += outcome.record->seconds;
    const std::size_t left = jobs.size() - finished;
    const std::size_t running = std::min<std::size_t>(left, backend.concurrency());
    const double eta = run_seconds / static_cast<double>(finished) * static_cast<double>(left) /
                       std::max(1, backend.concurrency());
    spdlog::info("[{} done, {} running, {} left; about {:.0f} s left] {}: {:.1f} s",
                 summary.resumed + finished, running, left - running, eta, describe_run(spec, run),
                 outcome.record->seconds);
  });
  if (interrupt_requested().load()) throw Interrupted();
  if (summary.failed > 0)
    throw std::runtime_error(fmt::format(
        "{} of {} runs failed (listed above); the {} finished are kept in {}: fix the cause and "
        "run again with --resume",
        summary.failed, runs.size(), runs.size() - summary.failed, dir.string()));

  ExperimentContents contents;
  for (const auto& s : spec.scenarios)
    contents.scenarios.push_back({s.name, s.description, s.config.string(), s.overrides});
  contents.replicates = spec.replicates;
  for (const auto& p : spec.uncertain)
    contents.parameters.push_back({p.path, describe(p.distribution), p.source});
  if (!spec.uncertain.empty())
    for (int r = 0; r < spec.replicates; ++r)
      contents.parameter_values.push_back(parameter_values(spec, root, r));
  contents.seeds.assign(spec.scenarios.size(), {});
  contents.population_seeds.assign(spec.scenarios.size(), {});
  for (const auto& run : runs) {
    contents.seeds[run.scenario].push_back(run.seed);
    contents.population_seeds[run.scenario].push_back(run.population_seed);
  }
  const auto replicates = static_cast<std::size_t>(spec.replicates);
  contents.record = [&](std::size_t s, int r) {
    // Writing a large sweep's file takes a while: a signal abandons it (the runs stay in
    // OUT.runs/ for --resume, and no partial file is left).
    if (interrupt_requested().load()) throw Interrupted();
    const std::size_t i = s * replicates + static_cast<std::size_t>(r);
    RunRecord record = read_record_file(paths[i]);
    if (record.config_digest != digests[i])
      throw std::runtime_error(paths[i].string() + " is not the run this sweep plans");
    return record;
  };
  summary.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  contents.metadata = provenance(spec, request, root, backend, started, summary.seconds);
  write_experiment_file(request.out_path, contents);
  std::filesystem::remove_all(dir);
  return summary;
}

}  // namespace sim
